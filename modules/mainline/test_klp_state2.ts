// Mirror of test_modules/test_klp_state2.c: state version 2, which takes over a previous patch's state.
import { stateModule } from './state_module.js';

export default stateModule('test_klp_state2', 2);
