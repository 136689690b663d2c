// Mirror of test_modules/test_klp_state2.c after "[PATCH v2 4/4] selftests/livepatch: Update
// tests for replace_set": `.replace = true` became `.replace_set = 0`.
import { stateModule } from '../mainline/state_module.js';
import type { replace_set_patch } from '../../harness/livepatch/models/replace-set-2026/fields.js';

const patchInit: Partial<replace_set_patch> = { replace_set: 0 };

export default stateModule('test_klp_state2', 2, patchInit);
