// The body test_klp_shadow_vars.c keeps across versions: six passes over three objects
// with two shadow variable ids, every call printed with pointers replaced by first-seen
// ids (PTR<n>). The mainline module and the shadow-gc-2022 one differ only in how they
// reach the shadow API (bare ids with ctor/dtor arguments, or registered types that carry
// them), which is what ShadowVarsApi abstracts.
import type { ShadowData, klp_shadow_ctor_t, klp_shadow_dtor_t } from '../../harness/livepatch/shadow.js';

/** a C pointer: an object's identity, or NULL */
export type Ptr = object | null;
/** a variable holding a pointer, whose own address is passed as ctor_data (&pnfields1[i]) */
export type PtrCell = { value: Ptr };

const NUM_OBJS = 3;
export const SV_ID1 = 0x1234;
export const SV_ID2 = 0x1235;
const GFP_KERNEL = 'GFP_KERNEL';
/** sizeof(a pointer) on 64-bit */
const PTR_SIZE = 8;
const EINVAL = 22;
const ENOMEM = 12;

/** one version's way to the shadow API; ctor/dtor are what its wrappers print */
export interface ShadowVarsApi {
  get(obj: object, id: number): ShadowData | null;
  alloc(obj: object, id: number, size: number, ctor: klp_shadow_ctor_t, ctor_data: PtrCell): ShadowData | null;
  get_or_alloc(obj: object, id: number, size: number, ctor: klp_shadow_ctor_t, ctor_data: PtrCell): ShadowData | null;
  free(obj: object, id: number, dtor: klp_shadow_dtor_t): void;
  /** returns the dtor the wrapper reports */
  free_all(id: number, dtor: klp_shadow_dtor_t): klp_shadow_dtor_t | null;
}

export interface ShadowVarsTest {
  shadow_ctor: klp_shadow_ctor_t;
  shadow_dtor: klp_shadow_dtor_t;
  /** the passes; 0 or a negative errno. The pointer ids stay until free_ptr_list(). */
  run(api: ShadowVarsApi): number;
  /** the printing shadow_free_all() wrapper, for a version's error path */
  shadow_free_all(api: ShadowVarsApi, id: number): void;
  free_ptr_list(): void;
  /** shadow_dtor prints only while this is set (the gc version clears it around free_all) */
  verbose(on: boolean): void;
}

export function shadowVarsTest(pr_info: (fmt: string) => void): ShadowVarsTest {
  // ptr_id(): a static list in the module, forgotten by free_ptr_list()
  let ptr_list: Array<{ ptr: unknown; id: number }> = [];
  let count = 0;
  function ptr_id(ptr: unknown): number {
    const p = ptr ?? null;
    const sp = ptr_list.find((e) => e.ptr === p);
    if (sp) return sp.id;
    ptr_list.unshift({ ptr: p, id: count++ });
    return count - 1;
  }
  const hex = (n: number) => n.toString(16);
  let verbose_dtor = true;

  // the constructor remembers the pointer it was given
  const shadow_ctor: klp_shadow_ctor_t = (_obj, shadow_data, ctor_data) => {
    const v = ctor_data as PtrCell | null;
    if (!v) return -EINVAL;
    shadow_data.value = v.value;
    pr_info(`shadow_ctor: PTR${ptr_id(shadow_data)} -> PTR${ptr_id(v.value)}\n`);
    return 0;
  };
  const shadow_dtor: klp_shadow_dtor_t = (obj, shadow_data) => {
    if (verbose_dtor) pr_info(`shadow_dtor(obj=PTR${ptr_id(obj)}, shadow_data=PTR${ptr_id(shadow_data)})\n`);
  };

  function shadow_free_all(api: ShadowVarsApi, id: number): void {
    const dtor = api.free_all(id, shadow_dtor);
    pr_info(`klp_shadow_free_all(id=0x${hex(id)}, dtor=PTR${ptr_id(dtor)})\n`);
  }

  function run(api: ShadowVarsApi): number {
    const shadow_get = (obj: object, id: number) => {
      const sv = api.get(obj, id);
      pr_info(`klp_shadow_get(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}) = PTR${ptr_id(sv)}\n`);
      return sv;
    };
    const allocLine = (fn: string, obj: object, id: number, ctor_data: PtrCell, sv: ShadowData | null) =>
      pr_info(
        `klp_${fn}(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}, size=${hex(PTR_SIZE)}, gfp_flags=${GFP_KERNEL}), ctor=PTR${ptr_id(shadow_ctor)}, ctor_data=PTR${ptr_id(ctor_data.value)} = PTR${ptr_id(sv)}\n`,
      );
    const shadow_alloc = (obj: object, id: number, ctor_data: PtrCell) => {
      const sv = api.alloc(obj, id, PTR_SIZE, shadow_ctor, ctor_data);
      allocLine('shadow_alloc', obj, id, ctor_data, sv);
      return sv;
    };
    const shadow_get_or_alloc = (obj: object, id: number, ctor_data: PtrCell) => {
      const sv = api.get_or_alloc(obj, id, PTR_SIZE, shadow_ctor, ctor_data);
      allocLine('shadow_get_or_alloc', obj, id, ctor_data, sv);
      return sv;
    };
    const shadow_free = (obj: object, id: number) => {
      api.free(obj, id, shadow_dtor);
      pr_info(`klp_shadow_free(obj=PTR${ptr_id(obj)}, id=0x${hex(id)}, dtor=PTR${ptr_id(shadow_dtor)})\n`);
    };
    const expected = (sv: ShadowData | null, want: ShadowData | null, cell: PtrCell) => {
      if (sv === want && want!.value === cell.value) pr_info(`  got expected PTR${ptr_id(want)} -> PTR${ptr_id(want!.value)} result\n`);
    };

    const objs = Array.from({ length: NUM_OBJS }, () => ({}));
    const nfields1 = Array.from({ length: NUM_OBJS }, () => ({}));
    const nfields2 = Array.from({ length: NUM_OBJS }, () => ({}));
    const pnfields1: PtrCell[] = [];
    const pnfields2: PtrCell[] = [];
    const sv1: Array<ShadowData | null> = [];
    const sv2: Array<ShadowData | null> = [];
    let sv: ShadowData | null;

    ptr_id(null);

    // an empty hash table finds nothing
    sv = shadow_get(objs[0], SV_ID1);
    if (!sv) pr_info('  got expected NULL result\n');

    // pass 1: a char+int pair of shadow variables for each object
    for (let i = 0; i < NUM_OBJS; i++) {
      pnfields1[i] = { value: nfields1[i] };
      ptr_id(pnfields1[i].value);
      sv1[i] = i % 2 ? shadow_alloc(objs[i], SV_ID1, pnfields1[i]) : shadow_get_or_alloc(objs[i], SV_ID1, pnfields1[i]);
      if (!sv1[i]) return -ENOMEM;
      pnfields2[i] = { value: nfields2[i] };
      ptr_id(pnfields2[i].value);
      sv2[i] = shadow_alloc(objs[i], SV_ID2, pnfields2[i]);
      if (!sv2[i]) return -ENOMEM;
    }

    // pass 2: find them again, pointing where they should
    for (let i = 0; i < NUM_OBJS; i++) {
      sv = shadow_get(objs[i], SV_ID1);
      if (!sv) return -EINVAL;
      expected(sv, sv1[i], pnfields1[i]);
      sv = shadow_get(objs[i], SV_ID2);
      if (!sv) return -EINVAL;
      expected(sv, sv2[i], pnfields2[i]);
    }

    // pass 3: get_or_alloc returns what exists, without calling the constructor
    for (let i = 0; i < NUM_OBJS; i++) {
      const pndup: PtrCell = { value: nfields1[i] };
      ptr_id(pndup.value);
      sv = shadow_get_or_alloc(objs[i], SV_ID1, pndup);
      if (!sv) return -EINVAL;
      expected(sv, sv1[i], pnfields1[i]);
    }

    // pass 4: free the <objs[*], SV_ID1> variables one by one
    for (let i = 0; i < NUM_OBJS; i++) {
      shadow_free(objs[i], SV_ID1);
      sv = shadow_get(objs[i], SV_ID1);
      if (!sv) pr_info('  got expected NULL result\n');
    }

    // pass 5: the SV_ID2 variables are still there
    for (let i = 0; i < NUM_OBJS; i++) {
      sv = shadow_get(objs[i], SV_ID2);
      if (!sv) return -EINVAL;
      expected(sv, sv2[i], pnfields2[i]);
    }

    // pass 6: free all of them at once
    shadow_free_all(api, SV_ID2);
    for (let i = 0; i < NUM_OBJS; i++) {
      sv = shadow_get(objs[i], SV_ID2);
      if (!sv) pr_info('  got expected NULL result\n');
    }
    return 0;
  }

  return {
    shadow_ctor,
    shadow_dtor,
    run,
    shadow_free_all,
    free_ptr_list() {
      ptr_list = [];
    },
    verbose(on) {
      verbose_dtor = on;
    },
  };
}
