// Mirror of test_modules/test_klp_livepatch.c after "[PATCH v2 4/4] selftests/livepatch: Update tests for
// replace_set": mainline's module, with the `replace_set` parameter picking the patch's set.
import { livepatchModule } from '../mainline/test_klp_livepatch.js';
import { REPLACE_SET } from './replace_set_knob.js';

export default livepatchModule(REPLACE_SET);
