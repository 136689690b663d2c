// What both versions of test_klp_shadow_vars.c share: address-agnostic pointer ids and the
// test's constants. C pointers are object identities here; a variable whose address is
// passed as ctor_data (&pnfields1[i]) is a cell holding such a pointer.

export type Ptr = object | null;
export type PtrCell = { value: Ptr };

/** number of objects the test gives shadow variables */
export const NUM_OBJS = 3;
export const SV_ID1 = 0x1234;
export const SV_ID2 = 0x1235;
export const GFP_KERNEL = 'GFP_KERNEL';
/** sizeof(a pointer) on 64-bit */
export const PTR_SIZE = 8;

export const hex = (n: number) => n.toString(16);

/**
 * ptr_id(): the n of "PTR<n>", in first-seen order; free_ptr_list() forgets them. The list
 * is the module's own (a static LIST_HEAD), so one is made per loaded module.
 */
export function ptrIds() {
  let list: Array<{ ptr: Ptr; id: number }> = [];
  let count = 0;
  return {
    ptr_id(ptr: Ptr | undefined): number {
      const p = ptr ?? null;
      const sp = list.find((e) => e.ptr === p);
      if (sp) return sp.id;
      list.unshift({ ptr: p, id: count++ });
      return count - 1;
    },
    free_ptr_list(): void {
      list = [];
    },
  };
}
