// Mirror of test_modules/test_klp_shadow_vars.c: exercises the shadow variable API from
// module_init and prints every call with pointers replaced by first-seen ids (PTR<n>).
import { defineModule } from '../../harness/module_api.js';
import { GFP_KERNEL, hex, NUM_OBJS, PTR_SIZE, ptrIds, SV_ID1, SV_ID2, type Ptr, type PtrCell } from './shadow_ptr.js';
import type { ShadowData, klp_shadow_ctor_t, klp_shadow_dtor_t } from '../../harness/livepatch/shadow.js';



export default defineModule('test_klp_shadow_vars', ({ pr_info, klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc, klp_shadow_free, klp_shadow_free_all, module_init, module_exit, MODULE_LICENSE, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
  const { ptr_id, free_ptr_list } = ptrIds();

  function shadow_get(obj: object, id: number): ShadowData | null {
    const sv = klp_shadow_get(obj, id);
    pr_info(`klp_shadow_get(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}) = PTR${ptr_id(sv)}\n`);
    return sv;
  }

  function shadow_alloc(obj: object, id: number, size: number, gfp_flags: string, ctor: klp_shadow_ctor_t, ctor_data: PtrCell): ShadowData | null {
    const sv = klp_shadow_alloc(obj, id, size, ctor, ctor_data);
    pr_info(
      `klp_shadow_alloc(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}, size=${hex(size)}, gfp_flags=${gfp_flags}), ctor=PTR${ptr_id(ctor)}, ctor_data=PTR${ptr_id(ctor_data.value)} = PTR${ptr_id(sv)}\n`,
    );
    return sv;
  }

  function shadow_get_or_alloc(obj: object, id: number, size: number, gfp_flags: string, ctor: klp_shadow_ctor_t, ctor_data: PtrCell): ShadowData | null {
    const sv = klp_shadow_get_or_alloc(obj, id, size, ctor, ctor_data);
    pr_info(
      `klp_shadow_get_or_alloc(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}, size=${hex(size)}, gfp_flags=${gfp_flags}), ctor=PTR${ptr_id(ctor)}, ctor_data=PTR${ptr_id(ctor_data.value)} = PTR${ptr_id(sv)}\n`,
    );
    return sv;
  }

  function shadow_free(obj: object, id: number, dtor: klp_shadow_dtor_t): void {
    klp_shadow_free(obj, id, dtor);
    pr_info(`klp_shadow_free(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}, dtor=PTR${ptr_id(dtor)})\n`);
  }

  function shadow_free_all(id: number, dtor: klp_shadow_dtor_t | null): void {
    klp_shadow_free_all(id, dtor);
    pr_info(`klp_shadow_free_all(id=0x${hex(id)}, dtor=PTR${ptr_id(dtor)})\n`);
  }

  // the constructor remembers the pointer it was given
  const shadow_ctor: klp_shadow_ctor_t = (_obj, shadow_data, ctor_data) => {
    const v = ctor_data as PtrCell | null;
    if (!v) return -22;
    shadow_data.value = v.value;
    pr_info(`shadow_ctor: PTR${ptr_id(shadow_data)} -> PTR${ptr_id(v.value)}\n`);
    return 0;
  };

  const shadow_dtor: klp_shadow_dtor_t = (obj, shadow_data) => {
    pr_info(`shadow_dtor(obj=PTR${ptr_id(obj)}, shadow_data=PTR${ptr_id(shadow_data)})\n`);
  };

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

    const out = (r: number) => {
      shadow_free_all(SV_ID1, null);
      shadow_free_all(SV_ID2, null);
      free_ptr_list();
      return r;
    };

    ptr_id(null);

    // an empty hash table finds nothing
    sv = shadow_get(objs[0], SV_ID1);
    if (!sv) pr_info('  got expected NULL result\n');

    // pass 1: a char+int pair of shadow variables for each object
    for (let i = 0; i < NUM_OBJS; i++) {
      pnfields1[i] = { value: nfields1[i] };
      ptr_id(pnfields1[i].value);
      if (i % 2) sv1[i] = shadow_alloc(objs[i], SV_ID1, PTR_SIZE, GFP_KERNEL, shadow_ctor, pnfields1[i]);
      else sv1[i] = shadow_get_or_alloc(objs[i], SV_ID1, PTR_SIZE, GFP_KERNEL, shadow_ctor, pnfields1[i]);
      if (!sv1[i]) return out(-12);
      pnfields2[i] = { value: nfields2[i] };
      ptr_id(pnfields2[i].value);
      sv2[i] = shadow_alloc(objs[i], SV_ID2, PTR_SIZE, GFP_KERNEL, shadow_ctor, pnfields2[i]);
      if (!sv2[i]) return out(-12);
    }

    // pass 2: find them again, pointing where they should
    for (let i = 0; i < NUM_OBJS; i++) {
      sv = shadow_get(objs[i], SV_ID1);
      if (!sv) return out(-22);
      if (sv === sv1[i] && sv1[i]!.value === pnfields1[i].value)
        pr_info(`  got expected PTR${ptr_id(sv1[i])} -> PTR${ptr_id(sv1[i]!.value as Ptr)} result\n`);
      sv = shadow_get(objs[i], SV_ID2);
      if (!sv) return out(-22);
      if (sv === sv2[i] && sv2[i]!.value === pnfields2[i].value)
        pr_info(`  got expected PTR${ptr_id(sv2[i])} -> PTR${ptr_id(sv2[i]!.value as Ptr)} result\n`);
    }

    // pass 3: get_or_alloc returns what exists, without calling the constructor
    for (let i = 0; i < NUM_OBJS; i++) {
      const pndup: PtrCell = { value: nfields1[i] };
      ptr_id(pndup.value);
      sv = shadow_get_or_alloc(objs[i], SV_ID1, PTR_SIZE, GFP_KERNEL, shadow_ctor, pndup);
      if (!sv) return out(-22);
      if (sv === sv1[i] && sv1[i]!.value === pnfields1[i].value)
        pr_info(`  got expected PTR${ptr_id(sv1[i])} -> PTR${ptr_id(sv1[i]!.value as Ptr)} result\n`);
    }

    // pass 4: free the <objs[*], SV_ID1> variables one by one
    for (let i = 0; i < NUM_OBJS; i++) {
      shadow_free(objs[i], SV_ID1, shadow_dtor);
      sv = shadow_get(objs[i], SV_ID1);
      if (!sv) pr_info('  got expected NULL result\n');
    }

    // pass 5: the SV_ID2 variables are still there
    for (let i = 0; i < NUM_OBJS; i++) {
      sv = shadow_get(objs[i], SV_ID2);
      if (!sv) return out(-22);
      if (sv === sv2[i] && sv2[i]!.value === pnfields2[i].value)
        pr_info(`  got expected PTR${ptr_id(sv2[i])} -> PTR${ptr_id(sv2[i]!.value as Ptr)} result\n`);
    }

    // pass 6: free all of them at once (no dtor: the order would not be determined)
    shadow_free_all(SV_ID2, null);
    for (let i = 0; i < NUM_OBJS; i++) {
      sv = shadow_get(objs[i], SV_ID2);
      if (!sv) pr_info('  got expected NULL result\n');
    }

    free_ptr_list();
    return ret;
  }

  module_init(test_klp_shadow_vars_init);
  module_exit(() => {});
  MODULE_LICENSE('GPL');
  MODULE_AUTHOR('Joe Lawrence <joe.lawrence@redhat.com>');
  MODULE_DESCRIPTION('Livepatch test: shadow variables');
});
