// Mirror of test_modules/test_klp_callbacks_demo.c after "[PATCH v2 4/4] selftests/livepatch: Update tests for
// replace_set": mainline's module, with the `replace_set` parameter picking the patch's set.
import { callbacksDemoModule } from '../mainline/test_klp_callbacks_demo.js';
import { REPLACE_SET } from './replace_set_knob.js';

export default callbacksDemoModule(REPLACE_SET);
