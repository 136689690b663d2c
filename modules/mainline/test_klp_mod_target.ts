// Mirror of test_modules/test_klp_mod_target.c: /proc/test_klp_mod_target shows the
// output of test_klp_mod_target_show(), the function test_klp_mod_patch replaces.
import { defineModule } from '../../harness/module_api.js';
import type { SeqFile } from '../../harness/kernel/seq_file.js';

export default defineModule('test_klp_mod_target', ({ THIS_MODULE, func, seq_printf, pr_info, proc_create_single, proc_remove, module_init, module_exit, MODULE_LICENSE }) => {
  const test_klp_mod_target_show = func('test_klp_mod_target_show', (m: SeqFile) => {
    seq_printf(m, `${THIS_MODULE.name}: original output\n`);
    return 0;
  });

  module_init(() => {
    pr_info('test_klp_mod_target_init\n');
    proc_create_single('test_klp_mod_target', 0, test_klp_mod_target_show);
    return 0;
  });
  module_exit(() => {
    pr_info('test_klp_mod_target_exit\n');
    proc_remove('test_klp_mod_target');
  });
  MODULE_LICENSE('GPL');
}, { files: ['/proc/test_klp_mod_target'] });
