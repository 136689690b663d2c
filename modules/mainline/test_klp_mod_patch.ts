// Mirror of test_modules/test_klp_mod_patch.c: a livepatch whose only object is the
// module test_klp_mod_target (no vmlinux object).
import { defineModule } from '../../harness/module_api.js';
import type { SeqFile } from '../../harness/kernel/seq_file.js';
import type { klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';

export default defineModule('test_klp_mod_patch', ({ THIS_MODULE, func, seq_printf, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
  const livepatch_mod_target_show = func('livepatch_mod_target_show', (m: SeqFile) => {
    seq_printf(m, `${THIS_MODULE.name}: this has been live patched\n`);
    return 0;
  });

  const funcs: klp_func[] = [{ old_name: 'test_klp_mod_target_show', new_func: livepatch_mod_target_show }, {}];
  const objs: klp_object[] = [{ name: 'test_klp_mod_target', funcs }, {}];
  const patch: klp_patch = { mod: THIS_MODULE, objs };

  module_init(() => klp_enable_patch(patch));
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_INFO('livepatch', 'Y');
});
