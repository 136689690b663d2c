// Mirror of test_modules/test_klp_callbacks_demo2.c after "[PATCH v2 4/4] selftests/livepatch:
// Update tests for replace_set": callbacks on vmlinux only; the `replace` parameter became
// `replace_set`.
import { defineModule } from '../../harness/module_api.js';
import type { klp_func, klp_object } from '../../harness/livepatch/livepatch.js';
import type { replace_set_patch } from '../../harness/livepatch/models/replace-set-2026/fields.js';
import { callback_info } from '../mainline/callback_info.js';

export default defineModule('test_klp_callbacks_demo2', ({ THIS_MODULE, pr_info, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
  const replace_set = module_param_int('replace_set', 0, 0o644, 'replace_set (default=0)');

  const no_funcs: klp_func[] = [{}];
  const objs: klp_object[] = [
    {
      name: null /* vmlinux */,
      funcs: no_funcs,
      callbacks: {
        pre_patch: (obj) => {
          callback_info(pr_info, 'pre_patch_callback', obj);
          return 0;
        },
        post_patch: (obj) => callback_info(pr_info, 'post_patch_callback', obj),
        pre_unpatch: (obj) => callback_info(pr_info, 'pre_unpatch_callback', obj),
        post_unpatch: (obj) => callback_info(pr_info, 'post_unpatch_callback', obj),
      },
    },
    {},
  ];
  const patch: replace_set_patch = { mod: THIS_MODULE, objs };

  module_init(() => {
    patch.replace_set = replace_set.value >>> 0;
    return klp_enable_patch(patch);
  });
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_INFO('livepatch', 'Y');
});
