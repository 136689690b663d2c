// Mirror of test_modules/test_klp_shadow_vars.c: the shadow variable API exercised from
// module_init (the passes are in shadow_vars_test.ts). Mainline's calls take the ctor and
// dtor as arguments; pass 6 frees without a dtor, since the order of a free_all is not
// defined, and prints dtor=PTR0.
import { defineModule } from '../../harness/module_api.js';
import { shadowVarsTest, SV_ID1, SV_ID2 } from './shadow_vars_test.js';

export default defineModule('test_klp_shadow_vars', ({ pr_info, klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc, klp_shadow_free, klp_shadow_free_all, module_init, module_exit, MODULE_LICENSE, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
  const test = shadowVarsTest(pr_info);

  module_init(() => {
    const api = {
      get: klp_shadow_get,
      alloc: klp_shadow_alloc,
      get_or_alloc: klp_shadow_get_or_alloc,
      free: klp_shadow_free,
      free_all: (id: number) => {
        klp_shadow_free_all(id, null);
        return null;
      },
    };
    const ret = test.run(api);
    // out: the error path frees whatever the passes left behind
    if (ret) {
      test.shadow_free_all(api, SV_ID1);
      test.shadow_free_all(api, SV_ID2);
    }
    test.free_ptr_list();
    return ret;
  });
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_AUTHOR('Joe Lawrence <joe.lawrence@redhat.com>');
  MODULE_DESCRIPTION('Livepatch test: shadow variables');
});
