// Mirror of test_modules/test_klp_livepatch.c after "[PATCH v2 4/4] selftests/livepatch: Update
// tests for replace_set": replaces cmdline_proc_show so that /proc/cmdline reads "<module>:
// this has been live patched"; the new `replace_set` parameter picks the patch's set.
import { defineModule } from '../../harness/module_api.js';
import type { SeqFile } from '../../harness/kernel/seq_file.js';
import type { klp_func, klp_object } from '../../harness/livepatch/livepatch.js';
import type { replace_set_patch } from '../../harness/livepatch/models/replace-set-2026/fields.js';

export default defineModule('test_klp_livepatch', ({ THIS_MODULE, func, seq_printf, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
  const livepatch_cmdline_proc_show = func('livepatch_cmdline_proc_show', (m: SeqFile) => {
    seq_printf(m, `${THIS_MODULE.name}: this has been live patched\n`);
    return 0;
  });

  const replace_set = module_param_int('replace_set', 0, 0o644, 'replace_set (default=0)');

  const funcs: klp_func[] = [{ old_name: 'cmdline_proc_show', new_func: livepatch_cmdline_proc_show }, {}];
  const objs: klp_object[] = [{ /* name being NULL means vmlinux */ funcs }, {}];
  const patch: replace_set_patch = { mod: THIS_MODULE, objs };

  module_init(() => {
    patch.replace_set = replace_set.value >>> 0;
    return klp_enable_patch(patch);
  });
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_INFO('livepatch', 'Y');
});
