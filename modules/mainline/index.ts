// The mainline test modules (tools/testing/selftests/livepatch/test_modules/).
import type { ModuleSource } from '../../harness/module_api.js';
import test_klp_atomic_replace from './test_klp_atomic_replace.js';
import test_klp_callbacks_busy from './test_klp_callbacks_busy.js';
import test_klp_callbacks_demo from './test_klp_callbacks_demo.js';
import test_klp_callbacks_demo2 from './test_klp_callbacks_demo2.js';
import test_klp_callbacks_mod from './test_klp_callbacks_mod.js';
import test_klp_kprobe from './test_klp_kprobe.js';
import test_klp_livepatch from './test_klp_livepatch.js';
import test_klp_mod_patch from './test_klp_mod_patch.js';
import test_klp_mod_target from './test_klp_mod_target.js';
import test_klp_shadow_vars from './test_klp_shadow_vars.js';
import test_klp_state from './test_klp_state.js';
import test_klp_state2 from './test_klp_state2.js';
import test_klp_state3 from './test_klp_state3.js';
import test_klp_syscall from './test_klp_syscall.js';

export const mainlineModules: ModuleSource[] = [
  test_klp_atomic_replace,
  test_klp_callbacks_busy,
  test_klp_callbacks_demo,
  test_klp_callbacks_demo2,
  test_klp_callbacks_mod,
  test_klp_kprobe,
  test_klp_livepatch,
  test_klp_mod_patch,
  test_klp_mod_target,
  test_klp_shadow_vars,
  test_klp_state,
  test_klp_state2,
  test_klp_state3,
  test_klp_syscall,
];
