// Mirror of test_modules/test_klp_state.c: state version 1, which does not migrate.
import { stateModule } from './state_module.js';

export default stateModule('test_klp_state', 1);
