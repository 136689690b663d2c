// test_klp_shadow_vars.c after "[PATCH v2 3/4] livepatch: Introduce klp_shadow_type
// structure" and "4/4 Add garbage collection of shadow variables": the same passes as
// mainline's module (../mainline/shadow_vars_test.ts), through two shadow types that carry
// the ctor and dtor and that the module registers itself (it has no klp_object to list
// them). Pass 6 frees with the type's dtor, quiet (verbose_dtor) because the order of a
// free_all is not defined, and prints dtor=PTR17. The success path falls through the
// error label, so both types are unregistered at the end; nothing is left to collect.
import { defineShadowGcModule } from '../../harness/livepatch/models/shadow-gc-2022/api.js';
import type { klp_shadow_type } from '../../harness/livepatch/models/shadow-gc-2022/policy.js';
import { shadowVarsTest, SV_ID1, SV_ID2 } from '../mainline/shadow_vars_test.js';

export default defineShadowGcModule('test_klp_shadow_vars', ({ pr_info, shadow_gc, module_init, module_exit, MODULE_LICENSE, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
  const test = shadowVarsTest(pr_info);
  const shadow_type_1: klp_shadow_type = { id: SV_ID1, ctor: test.shadow_ctor, dtor: test.shadow_dtor };
  const shadow_type_2: klp_shadow_type = { id: SV_ID2, ctor: test.shadow_ctor, dtor: test.shadow_dtor };
  const type = (id: number) => (id === SV_ID1 ? shadow_type_1 : shadow_type_2);

  module_init(() => {
    let ret = shadow_gc.klp_shadow_register(shadow_type_1);
    if (ret) return ret;
    ret = shadow_gc.klp_shadow_register(shadow_type_2);
    if (ret) {
      shadow_gc.klp_shadow_unregister(shadow_type_1);
      return ret;
    }
    ret = test.run({
      get: (obj, id) => shadow_gc.klp_shadow_get(obj, type(id)),
      alloc: (obj, id, size, _ctor, ctor_data) => shadow_gc.klp_shadow_alloc(obj, type(id), size, ctor_data),
      get_or_alloc: (obj, id, size, _ctor, ctor_data) => shadow_gc.klp_shadow_get_or_alloc(obj, type(id), size, ctor_data),
      free: (obj, id) => shadow_gc.klp_shadow_free(obj, type(id)),
      free_all: (id) => {
        test.verbose(false);
        shadow_gc.klp_shadow_free_all(type(id));
        test.verbose(true);
        return type(id).dtor ?? null;
      },
    });
    // out: unregistering the last user of an id collects what is left of it
    shadow_gc.klp_shadow_unregister(shadow_type_1);
    shadow_gc.klp_shadow_unregister(shadow_type_2);
    test.free_ptr_list();
    return ret;
  });
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_AUTHOR('Joe Lawrence <joe.lawrence@redhat.com>');
  MODULE_DESCRIPTION('Livepatch test: shadow variables');
});
