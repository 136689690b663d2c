/**
 * Shadow variable types with registration and garbage collection: Marcos Paulo de Souza's
 * "[PATCH v2 0/4] livepatch: Add garbage collection for shadow variables" (2022-10-26).
 *
 * A struct klp_shadow_type {id, ctor, dtor} replaces the bare id and callback arguments.
 * Objects list the types they use; the core registers them when it patches the object and
 * unregisters them when it unpatches it; the registration is counted per id, and the last
 * unregister frees every variable of that id with the dtor of the instance unregistered
 * last. The code is modelled as posted, including what review found in it:
 * - only klp_shadow_get() checks the registration, so alloc prints the error twice and
 *   allocates anyway;
 * - the register/unregister messages have no trailing newline and print ids in decimal;
 * - atomic replace never unregisters the replaced patches' types, so after a replace the
 *   count for such an id never reaches 0 (the review intended survival across replace,
 *   followed by collection; the posted code only does the first half).
 */
import { KERN_ERR, KERN_WARNING } from '../../../kernel/printk.js';
import type { Klp } from '../../klp.js';
import { klp_object_name, type klp_object } from '../../livepatch.js';
import type { ShadowData, klp_shadow_ctor_t, klp_shadow_dtor_t } from '../../shadow.js';
import { klp_shadow_get as get_by_id } from '../../shadow.js';

export interface klp_shadow_type {
  id: number;
  ctor?: klp_shadow_ctor_t | null;
  dtor?: klp_shadow_dtor_t | null;
  /** internal: this instance holds a registration */
  registered?: boolean;
}

/** struct klp_shadow_type_reg: one per id, counted */
interface ShadowTypeReg {
  id: number;
  ref_cnt: number;
}

const registries = new WeakMap<Klp, ShadowTypeReg[]>();
function klp_shadow_types(klp: Klp): ShadowTypeReg[] {
  let list = registries.get(klp);
  if (!list) registries.set(klp, (list = []));
  return list;
}

function pr_err(klp: Klp, msg: string): void {
  klp.k.printk(KERN_ERR, `livepatch: ${msg}`);
}

export function klp_shadow_register(klp: Klp, t: klp_shadow_type): number {
  if (t.registered) {
    pr_err(klp, `Trying to register shadow variable type that is already registered: ${t.id}`);
    return 0;
  }
  const list = klp_shadow_types(klp);
  let reg = list.find((r) => r.id === t.id);
  if (!reg) list.unshift((reg = { id: t.id, ref_cnt: 0 }));
  reg.ref_cnt++;
  t.registered = true;
  return 0;
}

export function klp_shadow_unregister(klp: Klp, t: klp_shadow_type): void {
  if (!t.registered) {
    pr_err(klp, `Trying to unregister shadow variable type that is not registered: ${t.id}`);
    return;
  }
  const list = klp_shadow_types(klp);
  const reg = list.find((r) => r.id === t.id);
  if (!reg) {
    pr_err(klp, `Can't find shadow variable type registration: ${t.id}`);
    return;
  }
  t.registered = false;
  if (--reg.ref_cnt === 0) {
    // the last user of this id is gone: collect its variables
    __klp_shadow_free_all(klp, t);
    list.splice(list.indexOf(reg), 1);
  }
}

export function klp_shadow_get(klp: Klp, obj: object, t: klp_shadow_type): ShadowData | null {
  if (!t.registered) {
    pr_err(klp, `Trying to get shadow variable of non-registered type: ${t.id}\n`);
    return null;
  }
  return get_by_id(klp, obj, t.id);
}

function __klp_shadow_get_or_alloc(klp: Klp, obj: object, t: klp_shadow_type, size: number, ctor_data: unknown, warn_on_exist: boolean): ShadowData | null {
  let existing = klp_shadow_get(klp, obj, t);
  if (!existing) {
    // the speculative allocation, then the check again "under the lock"
    existing = klp_shadow_get(klp, obj, t);
  }
  if (existing) {
    if (warn_on_exist) {
      klp.k.WARN(`Duplicate shadow variable <${klp.k.ptr(obj)}, ${t.id.toString(16)}>\n`, 'kernel/livepatch/shadow.c', '__klp_shadow_get_or_alloc');
      return null;
    }
    return existing;
  }
  const data: ShadowData = { size };
  if (t.ctor) {
    const err = t.ctor(obj, data, ctor_data);
    if (err) {
      pr_err(klp, `Failed to construct shadow variable <${klp.k.ptr(obj)}, ${t.id.toString(16)}> (${err})\n`);
      return null;
    }
  }
  klp.shadow.vars.push({ obj, id: t.id, data });
  return data;
}

export function klp_shadow_alloc(klp: Klp, obj: object, t: klp_shadow_type, size: number, ctor_data?: unknown): ShadowData | null {
  return __klp_shadow_get_or_alloc(klp, obj, t, size, ctor_data, true);
}

export function klp_shadow_get_or_alloc(klp: Klp, obj: object, t: klp_shadow_type, size: number, ctor_data?: unknown): ShadowData | null {
  return __klp_shadow_get_or_alloc(klp, obj, t, size, ctor_data, false);
}

export function klp_shadow_free(klp: Klp, obj: object, t: klp_shadow_type): void {
  const i = klp.shadow.vars.findIndex((v) => v.obj === obj && v.id === t.id);
  if (i < 0) return;
  const [v] = klp.shadow.vars.splice(i, 1);
  t.dtor?.(v.obj, v.data);
}

function __klp_shadow_free_all(klp: Klp, t: klp_shadow_type): void {
  for (const v of [...klp.shadow.vars]) {
    if (v.id !== t.id) continue;
    klp.shadow.vars.splice(klp.shadow.vars.indexOf(v), 1);
    t.dtor?.(v.obj, v.data);
  }
}

export function klp_shadow_free_all(klp: Klp, t: klp_shadow_type): void {
  __klp_shadow_free_all(klp, t);
}

/** klp_register_shadow_types(): before the object's pre_patch callback */
export function klp_register_shadow_types(klp: Klp, obj: klp_object): number {
  for (const t of obj.shadow_types ?? []) {
    const ret = klp_shadow_register(klp, t);
    if (ret) {
      klp.k.printk(KERN_WARNING, `livepatch: failed to register shadow types for object '${klp_object_name(obj)}'\n`);
      return ret;
    }
  }
  return 0;
}

/** klp_unregister_shadow_types(): after the object's post_unpatch callback */
export function klp_unregister_shadow_types(klp: Klp, obj: klp_object): void {
  for (const t of obj.shadow_types ?? []) klp_shadow_unregister(klp, t);
}

