// The test modules "[PATCH v2 4/4] selftests/livepatch: Update tests for replace_set" changes;
// the model loads mainline's for the others (harness/livepatch/models/replace-set-2026/index.ts).
import type { ModuleSource } from '../../harness/module_api.js';
import test_klp_atomic_replace from './test_klp_atomic_replace.js';
import test_klp_callbacks_demo from './test_klp_callbacks_demo.js';
import test_klp_callbacks_demo2 from './test_klp_callbacks_demo2.js';
import test_klp_livepatch from './test_klp_livepatch.js';
import test_klp_state from './test_klp_state.js';
import test_klp_state2 from './test_klp_state2.js';
import test_klp_state3 from './test_klp_state3.js';

export const replaceSet2026Modules: ModuleSource[] = [
  test_klp_atomic_replace,
  test_klp_callbacks_demo,
  test_klp_callbacks_demo2,
  test_klp_livepatch,
  test_klp_state,
  test_klp_state2,
  test_klp_state3,
];
