// Mirror of test_modules/test_klp_state3.c (v1-2025), which is `#include "test_klp_state.c"`.
import { v1StateModule } from './state_module.js';

export default v1StateModule('test_klp_state3');
