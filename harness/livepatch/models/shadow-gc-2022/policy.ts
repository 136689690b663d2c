/**
 * shadow-gc-2022: mainline's rules plus shadow variable types with registration and
 * garbage collection, Marcos Paulo de Souza's "[PATCH v2 0/4] livepatch: Add garbage
 * collection for shadow variables" (2022-10-26).
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
import type { KlpModel, KlpPolicy } from '../../model.js';
import type { ShadowData, klp_shadow_ctor_t, klp_shadow_dtor_t } from '../../shadow.js';
import { klp_shadow_get as get_by_id } from '../../shadow.js';

export interface klp_shadow_type {
  id: number;
  ctor?: klp_shadow_ctor_t | null;
  dtor?: klp_shadow_dtor_t | null;
  /** internal: this instance holds a registration */
  registered?: boolean;
}

/** what the series adds to struct klp_object */
export interface gc_object extends klp_object {
  /** the shadow variable types this object uses */
  shadow_types?: klp_shadow_type[];
}

/** struct klp_shadow_type_reg: one per id, counted */
interface ShadowTypeReg {
  id: number;
  ref_cnt: number;
}

/** mainline's rules, plus the registry of shadow variable types of one machine */
export class ShadowGcPolicy implements KlpPolicy {
  /** klp_shadow_types: the registrations, newest first */
  private readonly registrations: ShadowTypeReg[] = [];

  constructor(private readonly klp: Klp) {}

  private pr_err(msg: string): void {
    this.klp.k.printk(KERN_ERR, `livepatch: ${msg}`);
  }

  klp_shadow_register(t: klp_shadow_type): number {
    if (t.registered) {
      this.pr_err(`Trying to register shadow variable type that is already registered: ${t.id}`);
      return 0;
    }
    let reg = this.registrations.find((r) => r.id === t.id);
    if (!reg) this.registrations.unshift((reg = { id: t.id, ref_cnt: 0 }));
    reg.ref_cnt++;
    t.registered = true;
    return 0;
  }

  klp_shadow_unregister(t: klp_shadow_type): void {
    if (!t.registered) {
      this.pr_err(`Trying to unregister shadow variable type that is not registered: ${t.id}`);
      return;
    }
    const reg = this.registrations.find((r) => r.id === t.id);
    if (!reg) {
      this.pr_err(`Can't find shadow variable type registration: ${t.id}`);
      return;
    }
    t.registered = false;
    if (--reg.ref_cnt === 0) {
      // the last user of this id is gone: collect its variables
      this.klp_shadow_free_all(t);
      this.registrations.splice(this.registrations.indexOf(reg), 1);
    }
  }

  klp_shadow_type_registered(id: number): boolean {
    return this.registrations.some((r) => r.id === id);
  }

  klp_shadow_get(obj: object, t: klp_shadow_type): ShadowData | null {
    if (!t.registered) {
      this.pr_err(`Trying to get shadow variable of non-registered type: ${t.id}\n`);
      return null;
    }
    return get_by_id(this.klp, obj, t.id);
  }

  private __klp_shadow_get_or_alloc(obj: object, t: klp_shadow_type, size: number, ctor_data: unknown, warn_on_exist: boolean): ShadowData | null {
    const { klp } = this;
    let existing = this.klp_shadow_get(obj, t);
    if (!existing) {
      // the speculative allocation, then the check again "under the lock"
      existing = this.klp_shadow_get(obj, t);
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
        this.pr_err(`Failed to construct shadow variable <${klp.k.ptr(obj)}, ${t.id.toString(16)}> (${err})\n`);
        return null;
      }
    }
    klp.shadow.vars.push({ obj, id: t.id, data });
    return data;
  }

  klp_shadow_alloc(obj: object, t: klp_shadow_type, size: number, ctor_data?: unknown): ShadowData | null {
    return this.__klp_shadow_get_or_alloc(obj, t, size, ctor_data, true);
  }

  klp_shadow_get_or_alloc(obj: object, t: klp_shadow_type, size: number, ctor_data?: unknown): ShadowData | null {
    return this.__klp_shadow_get_or_alloc(obj, t, size, ctor_data, false);
  }

  klp_shadow_free(obj: object, t: klp_shadow_type): void {
    const vars = this.klp.shadow.vars;
    const i = vars.findIndex((v) => v.obj === obj && v.id === t.id);
    if (i < 0) return;
    const [v] = vars.splice(i, 1);
    t.dtor?.(v.obj, v.data);
  }

  klp_shadow_free_all(t: klp_shadow_type): void {
    const vars = this.klp.shadow.vars;
    for (const v of [...vars]) {
      if (v.id !== t.id) continue;
      vars.splice(vars.indexOf(v), 1);
      t.dtor?.(v.obj, v.data);
    }
  }

  /** klp_register_shadow_types(): before the object's pre_patch callback */
  klp_pre_patch_callback_before(obj: gc_object): number {
    for (const t of obj.shadow_types ?? []) {
      const ret = this.klp_shadow_register(t);
      if (ret) {
        this.klp.k.printk(KERN_WARNING, `livepatch: failed to register shadow types for object '${klp_object_name(obj)}'\n`);
        return ret;
      }
    }
    return 0;
  }

  /** klp_unregister_shadow_types(): after the object's post_unpatch callback */
  klp_post_unpatch_callback_after(obj: gc_object): void {
    for (const t of obj.shadow_types ?? []) this.klp_shadow_unregister(t);
  }
}

export const shadowGc2022Klp: KlpModel = {
  name: 'shadow-gc-2022',
  attach: (klp) => new ShadowGcPolicy(klp),
};
