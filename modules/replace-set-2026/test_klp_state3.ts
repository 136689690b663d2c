// Mirror of test_modules/test_klp_state3.c, which is `#include "test_klp_state2.c"`: the
// series' version 2 state patch (`.replace_set = 0`) under another name.
import { stateModule } from '../mainline/state_module.js';
import type { replace_set_patch } from '../../harness/livepatch/models/replace-set-2026/fields.js';

const patchInit: Partial<replace_set_patch> = { replace_set: 0 };

export default stateModule('test_klp_state3', 2, patchInit);
