/**
 * The series' rules. The code for module M lives in its own livepatch module `<patch>__<M>`,
 * which the kernel loads with request_module() when the patch is enabled while M is loaded,
 * or when M loads later; its init calls klp_add_object(). When M goes, or the patch is
 * freed, the per-object module is deleted from inside the kernel, asynchronously and silently.
 */
import { EBUSY, EINVAL } from '../../../kernel/errno.js';
import type { Module } from '../../../kernel/module.js';
import { KERN_ERR, KERN_INFO, KERN_WARNING } from '../../../kernel/printk.js';
import { request_module } from '../../../kernel/request_module.js';
import { WorkStruct } from '../../../kernel/workqueue.js';
import { kobject_del } from '../../../kernel/kobject.js';
import { klp_init_object, klp_init_object_early, klp_module_coming_apply_object } from '../../core.js';
import type { Klp } from '../../klp.js';
import { klp_for_each_func_static, klp_for_each_object, type klp_object, type klp_patch } from '../../livepatch.js';
import type { KlpModel, KlpPolicy } from '../../model.js';
import type { split_object, split_patch } from './fields.js';

function patchName(patch: split_patch): string {
  return patch.obj?.patch_name ?? patch.mod.name;
}

export class SplitPolicy implements KlpPolicy {
  /** klp_loading_patch: the patch whose enable is loading its per-object modules */
  private loading: klp_patch | null = null;
  readonly klp_init_patch_early_adds_to_list = true;

  constructor(private readonly klp: Klp) {}

  private pr(level: number, msg: string): void {
    this.klp.k.printk(level, `livepatch: ${msg}`);
  }

  /** enabled_store(): no disabling while a patch is being loaded */
  enabled_store_check(): number {
    return this.loading ? -EBUSY : 0;
  }

  /** klp_check_patches_in_progress(): one patch loads or transitions at a time, and says so */
  private klp_check_patches_in_progress(): number {
    const busy = this.loading ?? this.klp.klp_transition_patch;
    if (!busy) return 0;
    this.pr(KERN_ERR, `Already enabling livepatch: ${patchName(busy)}\n`);
    return -EBUSY;
  }

  /** the checks of the series' patch layout, mapped onto the core's: the main module and its one object */
  klp_enable_patch_start(patch: split_patch): number {
    if (!patch || !patch.obj || !patch.obj_names) return -EINVAL;
    const { obj } = patch;
    // klp_check_object(): the first problem found, in the series' order
    const problem = !obj.lp_mod || !obj.patch_name ? 'does not have set obj->patch_name'
      : obj.name ? 'for vmlinux must not have set obj->name' : !obj.funcs ? 'does not have set obj->funcs' : '';
    if (problem) {
      this.pr(KERN_ERR, `module ${obj.lp_mod?.name ?? '(null)'} ${problem}\n`);
      return -EINVAL;
    }
    patch.mod = obj.lp_mod!;
    patch.objs = [patch.obj];
    return this.klp_check_patches_in_progress();
  }

  /**
   * klp_load_objects_livepatches(): the per-object modules of the targets that are already
   * loaded come in, in obj_names order; the patch is on klp_patches already.
   */
  klp_enable_patch_after_init_early(patch: split_patch): number {
    this.loading = patch;
    try {
      for (const name of patch.obj_names ?? []) {
        if (!name) break;
        const target = this.klp.k.modules.find(name);
        if (!target || !target.klp_alive) continue;
        if (request_module(this.klp.k, `${patchName(patch)}__${name}`)) {
          this.pr(KERN_INFO, `Module load failed: ${patchName(patch)}__${name}\n`);
          return -EINVAL;
        }
      }
    } finally {
      this.loading = null;
    }
    return 0;
  }

  /** klp_add_object(): the init of a per-object livepatch module */
  klp_add_object(obj: split_object): number {
    const { klp } = this;
    const lp = obj.lp_mod!;
    const patch: split_patch | undefined = klp.klp_patches.find((p) => patchName(p) === obj.patch_name);
    const refuse = (ret: number) => {
      this.pr(KERN_WARNING, `patch '${obj.patch_name}' failed for module '${obj.name}', refusing to load module '${obj.name}'\n`);
      return ret;
    };
    const target = klp.k.modules.find(obj.name!);
    // klp_check_object(obj, true): the first problem found, in the series' order
    const problem = !patch ? `Can't load livepatch (${lp.name}) for module when the livepatch (${obj.patch_name}) for vmcore is not loaded`
      : !patch.obj_names?.includes(obj.name ?? null) ? `Livepatch (${obj.patch_name}) is not supposed to livepatch the module: ${obj.name}`
      : !target ? `Livepatched module is not loaded: ${obj.name}` : '';
    if (problem || !patch || !target) {
      this.pr(KERN_ERR, `${problem}\n`);
      return refuse(-EINVAL);
    }
    klp_init_object_early(patch, obj);
    for (const func of klp_for_each_func_static(obj)) obj.func_list!.push(func);
    klp.k.modules.try_module_get(lp);
    // the patch is still being put together: it picks the object up when it is initialized
    if (this.loading === patch) return 0;

    obj.mod = target;
    const ret = klp_module_coming_apply_object(klp, patch, obj, () => klp_init_object(klp, patch, obj));
    if (!ret) return 0;
    this.unlink_object(patch, obj);
    klp.k.modules.module_put(lp);
    return refuse(ret);
  }

  private unlink_object(patch: klp_patch, obj: klp_object): void {
    const i = patch.obj_list?.indexOf(obj) ?? -1;
    if (i >= 0) patch.obj_list!.splice(i, 1);
    kobject_del(this.klp.k, obj.kobj_path);
    obj.kobj_path = undefined;
    obj.mod = null;
  }

  /**
   * klp_module_coming(): each patch that may patch the module gets its per-object module,
   * whose klp_add_object() binds and applies the object. The series rescans klp_patches
   * from the top after each load (klp_mutex is dropped meanwhile); nothing can change the
   * list during a load here, so one pass finds the same patches in the same order.
   */
  klp_module_coming_before_walk(mod: Module): number {
    for (const patch of this.klp.klp_patches as split_patch[]) {
      const has = () => klp_for_each_object(patch).some((o) => o.name === mod.name);
      if (!patch.obj_names?.includes(mod.name) || has()) continue;
      const name = `${patchName(patch)}__${mod.name}`;
      if (request_module(this.klp.k, name)) {
        this.pr(KERN_INFO, `Module load failed: ${name}\n`);
        // modprobe's exit code says nothing about the cause
        return -EINVAL;
      }
      // a per-object module that loaded without adding its object (15/23)
      if (!has()) return -EBUSY;
    }
    return 0;
  }

  /** klp_module_going() → klp_remove_object(): the object goes, and its livepatch module with it */
  klp_cleanup_module_patches_limited_after_free(patch: klp_patch, obj: split_object): void {
    this.unlink_object(patch, obj);
    // the target may always go, forced or not (14/23)
    this.remove_object_module(obj);
  }

  /** the object's kobject release: its livepatch module goes, unless the patch was forced */
  klp_kobj_release_object(patch: klp_patch, obj: split_object): void {
    if (!patch.forced) this.remove_object_module(obj);
  }

  /** module_put_and_delete() of an object's livepatch module, from a work */
  private remove_object_module(obj: split_object): void {
    const lp = obj.lp_mod;
    if (!obj.name || !lp) return;
    const { k } = this.klp;
    const remove_work = () => (k.modules.module_put(lp), k.modules.delete_module(lp.name));
    k.workqueue.queue_work(new WorkStruct(`klp_remove_object_work:${lp.name}`, () => void remove_work()));
  }
}

export const split2020Klp: KlpModel = {
  name: 'split-2020',
  attach: (klp) => new SplitPolicy(klp),
};
