// test_klp_shadow_vars.c after "[PATCH v2 3/4] livepatch: Introduce klp_shadow_type
// structure" and "4/4 Add garbage collection of shadow variables": the same passes as
// mainline's module, through two registered shadow types. The types carry the ctor and
// dtor; pass 6 frees with the type's dtor, which stays quiet (verbose_dtor) because the
// order of a free_all is not defined.
import { defineModule } from '../../harness/module_api.js';
import { GFP_KERNEL, hex, NUM_OBJS, PTR_SIZE, ptrIds, SV_ID1, SV_ID2, type Ptr, type PtrCell } from '../mainline/shadow_ptr.js';
import type { ShadowData, klp_shadow_ctor_t, klp_shadow_dtor_t } from '../../harness/livepatch/shadow.js';
import type { klp_shadow_type } from '../../harness/livepatch/shadow_types.js';



export default defineModule('test_klp_shadow_vars', ({ pr_info, shadow_gc, module_init, module_exit, MODULE_LICENSE, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
  const { klp_shadow_register, klp_shadow_unregister, klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc, klp_shadow_free, klp_shadow_free_all } = shadow_gc;

  const { ptr_id, free_ptr_list } = ptrIds();
  let verbose_dtor = true;

  const shadow_ctor: klp_shadow_ctor_t = (_obj, shadow_data, ctor_data) => {
    const v = ctor_data as PtrCell | null;
    if (!v) return -22;
    shadow_data.value = v.value;
    pr_info(`shadow_ctor: PTR${ptr_id(shadow_data)} -> PTR${ptr_id(v.value)}\n`);
    return 0;
  };
  const shadow_dtor: klp_shadow_dtor_t = (obj, shadow_data) => {
    if (verbose_dtor) pr_info(`shadow_dtor(obj=PTR${ptr_id(obj)}, shadow_data=PTR${ptr_id(shadow_data)})\n`);
  };
  const shadow_type_1: klp_shadow_type = { id: SV_ID1, ctor: shadow_ctor, dtor: shadow_dtor };
  const shadow_type_2: klp_shadow_type = { id: SV_ID2, ctor: shadow_ctor, dtor: shadow_dtor };

  function shadow_get(obj: object, t: klp_shadow_type): ShadowData | null {
    const sv = klp_shadow_get(obj, t);
    pr_info(`klp_shadow_get(obj=PTR${ptr_id(obj)}, id=0x${hex(t.id)}) = PTR${ptr_id(sv)}\n`);
    return sv;
  }
  function allocLine(fn: string, obj: object, t: klp_shadow_type, size: number, var_: PtrCell, sv: ShadowData | null): void {
    pr_info(
      `klp_${fn}(obj=PTR${ptr_id(obj)}, id=0x${hex(t.id)}, size=${hex(size)}, gfp_flags=${GFP_KERNEL}), ctor=PTR${ptr_id(t.ctor)}, ctor_data=PTR${ptr_id(var_.value)} = PTR${ptr_id(sv)}\n`,
    );
  }
  function shadow_alloc(obj: object, t: klp_shadow_type, size: number, var_: PtrCell): ShadowData | null {
    const sv = klp_shadow_alloc(obj, t, size, var_);
    allocLine('shadow_alloc', obj, t, size, var_, sv);
    return sv;
  }
  function shadow_get_or_alloc(obj: object, t: klp_shadow_type, size: number, var_: PtrCell): ShadowData | null {
    const sv = klp_shadow_get_or_alloc(obj, t, size, var_);
    allocLine('shadow_get_or_alloc', obj, t, size, var_, sv);
    return sv;
  }
  function shadow_free(obj: object, t: klp_shadow_type): void {
    klp_shadow_free(obj, t);
    pr_info(`klp_shadow_free(obj=PTR${ptr_id(obj)}, id=0x${hex(t.id)}, dtor=PTR${ptr_id(t.dtor)})\n`);
  }
  function shadow_free_all(t: klp_shadow_type): void {
    verbose_dtor = false;
    klp_shadow_free_all(t);
    verbose_dtor = true;
    pr_info(`klp_shadow_free_all(id=0x${hex(t.id)}, dtor=PTR${ptr_id(t.dtor)})\n`);
  }

  function test_klp_shadow_vars_init(): number {
    const objs = Array.from({ length: NUM_OBJS }, () => ({}));
    const nfields1 = Array.from({ length: NUM_OBJS }, () => ({}));
    const nfields2 = Array.from({ length: NUM_OBJS }, () => ({}));
    const pnfields1: PtrCell[] = [];
    const pnfields2: PtrCell[] = [];
    const sv1: Array<ShadowData | null> = [];
    const sv2: Array<ShadowData | null> = [];
    let sv: ShadowData | null;
    let ret = 0;

    // registered by hand: there is no klp_object to carry the types
    ret = klp_shadow_register(shadow_type_1);
    if (ret) return ret;
    ret = klp_shadow_register(shadow_type_2);
    if (ret) {
      klp_shadow_unregister(shadow_type_1);
      return ret;
    }

    const expected = (s: ShadowData | null, target: PtrCell) => {
      if (s && s.value === target.value) pr_info(`  got expected PTR${ptr_id(s)} -> PTR${ptr_id(s.value as Ptr)} result\n`);
    };

    run: {
      ptr_id(null);
      sv = shadow_get(objs[0], shadow_type_1);
      if (!sv) pr_info('  got expected NULL result\n');

      for (let i = 0; i < NUM_OBJS; i++) {
        pnfields1[i] = { value: nfields1[i] };
        ptr_id(pnfields1[i].value);
        sv1[i] = i % 2 ? shadow_alloc(objs[i], shadow_type_1, PTR_SIZE, pnfields1[i]) : shadow_get_or_alloc(objs[i], shadow_type_1, PTR_SIZE, pnfields1[i]);
        if (!sv1[i]) {
          ret = -12;
          break run;
        }
        pnfields2[i] = { value: nfields2[i] };
        ptr_id(pnfields2[i].value);
        sv2[i] = shadow_alloc(objs[i], shadow_type_2, PTR_SIZE, pnfields2[i]);
        if (!sv2[i]) {
          ret = -12;
          break run;
        }
      }
      for (let i = 0; i < NUM_OBJS; i++) {
        sv = shadow_get(objs[i], shadow_type_1);
        if (!sv) {
          ret = -22;
          break run;
        }
        if (sv === sv1[i]) expected(sv1[i], pnfields1[i]);
        sv = shadow_get(objs[i], shadow_type_2);
        if (!sv) {
          ret = -22;
          break run;
        }
        if (sv === sv2[i]) expected(sv2[i], pnfields2[i]);
      }
      for (let i = 0; i < NUM_OBJS; i++) {
        const pndup: PtrCell = { value: nfields1[i] };
        ptr_id(pndup.value);
        sv = shadow_get_or_alloc(objs[i], shadow_type_1, PTR_SIZE, pndup);
        if (!sv) {
          ret = -22;
          break run;
        }
        if (sv === sv1[i]) expected(sv1[i], pnfields1[i]);
      }
      for (let i = 0; i < NUM_OBJS; i++) {
        shadow_free(objs[i], shadow_type_1);
        sv = shadow_get(objs[i], shadow_type_1);
        if (!sv) pr_info('  got expected NULL result\n');
      }
      for (let i = 0; i < NUM_OBJS; i++) {
        sv = shadow_get(objs[i], shadow_type_2);
        if (!sv) {
          ret = -22;
          break run;
        }
        if (sv === sv2[i]) expected(sv2[i], pnfields2[i]);
      }
      shadow_free_all(shadow_type_2);
      for (let i = 0; i < NUM_OBJS; i++) {
        sv = shadow_get(objs[i], shadow_type_2);
        if (!sv) pr_info('  got expected NULL result\n');
      }
    }
    // out: the success path falls through here too; the last unregister collects what is left
    klp_shadow_unregister(shadow_type_1);
    klp_shadow_unregister(shadow_type_2);
    free_ptr_list();
    return ret;
  }

  module_init(test_klp_shadow_vars_init);
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_AUTHOR('Joe Lawrence <joe.lawrence@redhat.com>');
  MODULE_DESCRIPTION('Livepatch test: shadow variables');
});
