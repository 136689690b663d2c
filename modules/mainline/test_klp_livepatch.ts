// Mirror of tools/testing/selftests/livepatch/test_modules/test_klp_livepatch.c:
// replaces cmdline_proc_show so that /proc/cmdline reads "<module>: this has been live patched".
import { defineModule } from '../../harness/module_api.js';
import type { SeqFile } from '../../harness/kernel/seq_file.js';
import type { klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';

export default defineModule('test_klp_livepatch', ({ THIS_MODULE, func, seq_printf, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
  const livepatch_cmdline_proc_show = func('livepatch_cmdline_proc_show', (m: SeqFile) => {
    seq_printf(m, `${THIS_MODULE.name}: this has been live patched\n`);
    return 0;
  });

  const funcs: klp_func[] = [{ old_name: 'cmdline_proc_show', new_func: livepatch_cmdline_proc_show }, {}];
  const objs: klp_object[] = [{ /* name being NULL means vmlinux */ funcs }, {}];
  const patch: klp_patch = { mod: THIS_MODULE, objs };

  module_init(() => klp_enable_patch(patch));
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_INFO('livepatch', 'Y');
});
