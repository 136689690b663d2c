// Mirror of test_modules/test_klp_callbacks_mod.c: a target module that only announces
// its init and exit.
import { defineModule } from '../../harness/module_api.js';

export default defineModule('test_klp_callbacks_mod', ({ pr_info, module_init, module_exit, MODULE_LICENSE }) => {
  module_init(() => {
    pr_info('test_klp_callbacks_mod_init\n');
    return 0;
  });
  module_exit(() => {
    pr_info('test_klp_callbacks_mod_exit\n');
  });
  MODULE_LICENSE('GPL');
});
