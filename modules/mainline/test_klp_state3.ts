// Mirror of test_modules/test_klp_state3.c, which is `#include "test_klp_state2.c"`.
import { stateModule } from './state_module.js';

export default stateModule('test_klp_state3', 2);
