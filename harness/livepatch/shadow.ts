/**
 * kernel/livepatch/shadow.c: data attached to any kernel object by <obj, id>, kept in a
 * global table that knows nothing of patches. The table keeps insertion order, which is
 * the order klp_shadow_free_all() visits variables in.
 */
import { KERN_ERR } from '../kernel/printk.js';
import type { Klp } from './klp.js';

/** the simulator's stand-in for a shadow variable's data buffer */
export type ShadowData = { size: number; [field: string]: unknown };
/** ctor(obj, shadow_data, ctor_data): 0 or a negative errno */
export type klp_shadow_ctor_t = (obj: object, shadow_data: ShadowData, ctor_data: unknown) => number;
export type klp_shadow_dtor_t = (obj: object, shadow_data: ShadowData) => void;

interface ShadowVar {
  obj: object;
  id: number;
  data: ShadowData;
}

export class ShadowTable {
  readonly vars: ShadowVar[] = [];
}

export function klp_shadow_get(klp: Klp, obj: object, id: number): ShadowData | null {
  return klp.shadow.vars.find((v) => v.obj === obj && v.id === id)?.data ?? null;
}

function __klp_shadow_get_or_alloc(
  klp: Klp,
  obj: object,
  id: number,
  size: number,
  ctor: klp_shadow_ctor_t | null | undefined,
  ctor_data: unknown,
  warn_on_exist: boolean,
): ShadowData | null {
  const existing = klp_shadow_get(klp, obj, id);
  if (existing) {
    if (warn_on_exist) {
      klp.k.WARN(`Duplicate shadow variable <${klp.k.ptr(obj)}, ${id.toString(16)}>\n`, 'kernel/livepatch/shadow.c', '__klp_shadow_get_or_alloc');
      return null;
    }
    return existing;
  }
  const data: ShadowData = { size };
  if (ctor) {
    const err = ctor(obj, data, ctor_data);
    if (err) {
      klp.k.printk(KERN_ERR, `livepatch: Failed to construct shadow variable <${klp.k.ptr(obj)}, ${id.toString(16)}> (${err})\n`);
      return null;
    }
  }
  klp.shadow.vars.push({ obj, id, data });
  return data;
}

/** klp_shadow_alloc(): a new variable; WARN and NULL if it already exists */
export function klp_shadow_alloc(klp: Klp, obj: object, id: number, size: number, ctor?: klp_shadow_ctor_t | null, ctor_data?: unknown): ShadowData | null {
  return __klp_shadow_get_or_alloc(klp, obj, id, size, ctor, ctor_data, true);
}

/** klp_shadow_get_or_alloc(): the existing variable silently, or a new one */
export function klp_shadow_get_or_alloc(klp: Klp, obj: object, id: number, size: number, ctor?: klp_shadow_ctor_t | null, ctor_data?: unknown): ShadowData | null {
  return __klp_shadow_get_or_alloc(klp, obj, id, size, ctor, ctor_data, false);
}

/** klp_shadow_free(): detach <obj, id>, calling dtor first */
export function klp_shadow_free(klp: Klp, obj: object, id: number, dtor?: klp_shadow_dtor_t | null): void {
  const i = klp.shadow.vars.findIndex((v) => v.obj === obj && v.id === id);
  if (i < 0) return;
  const [v] = klp.shadow.vars.splice(i, 1);
  dtor?.(v.obj, v.data);
}

/** klp_shadow_free_all(): detach every variable with this id, whatever the object */
export function klp_shadow_free_all(klp: Klp, id: number, dtor?: klp_shadow_dtor_t | null): void {
  for (const v of [...klp.shadow.vars]) {
    if (v.id !== id) continue;
    klp.shadow.vars.splice(klp.shadow.vars.indexOf(v), 1);
    dtor?.(v.obj, v.data);
  }
}
