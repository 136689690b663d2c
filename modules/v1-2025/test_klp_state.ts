// Mirror of test_modules/test_klp_state.c (v1-2025): the console_loglevel state livepatch.
import { v1StateModule } from './state_module.js';

export default v1StateModule('test_klp_state');
