// Mirror of the POC's lib/livepatch/test_klp_state.c (body in
// state_module.ts).
import { pocStateModule } from './state_module.js';

export default pocStateModule('test_klp_state');
