// Mirror of test_modules/test_klp_callbacks_demo2.c after "[PATCH v2 4/4] selftests/livepatch: Update tests for
// replace_set": mainline's module, with the `replace_set` parameter picking the patch's set.
import { callbacksDemo2Module } from '../mainline/test_klp_callbacks_demo2.js';
import { REPLACE_SET } from './replace_set_knob.js';

export default callbacksDemo2Module(REPLACE_SET);
