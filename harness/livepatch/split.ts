/**
 * Livepatch modules split per object: Petr Mladek's "[POC 00/23] livepatch: Split
 * livepatch module per-object" (2020-01-17).
 *
 * The main livepatch module holds struct klp_patch with the vmlinux object and the list
 * of module names it may patch (obj_names). The code for module M lives in its own
 * livepatch module `<patch>__<M>`, which the kernel loads with request_module() when the
 * patch is enabled while M is loaded, or when M loads later; its init calls
 * klp_add_object(). When M goes, or the patch is freed, the per-object module is deleted
 * from inside the kernel, asynchronously and silently.
 */
import { EBUSY, EINVAL } from '../kernel/errno.js';
import { request_module } from '../kernel/kmod.js';
import type { Module } from '../kernel/module.js';
import { KERN_ERR, KERN_INFO, KERN_NOTICE, KERN_WARNING } from '../kernel/printk.js';
import { WorkStruct } from '../kernel/timer.js';
import {
  klp_post_patch_callback,
  klp_post_unpatch_callback,
  klp_pre_patch_callback,
  klp_pre_unpatch_callback,
} from './callbacks.js';
import { klp_free_object_loaded, klp_init_object, klp_init_object_early } from './core.js';
import { kobject_del } from '../kernel/kobject.js';
import type { Klp } from './klp.js';
import { klp_for_each_func_static, klp_for_each_object, type klp_object, type klp_patch } from './livepatch.js';
import { klp_patch_object, klp_unpatch_object } from './patch.js';

/** the patch whose enable is loading its per-object modules (klp_loading_patch) */
const loading = new WeakMap<Klp, klp_patch | null>();

function pr(klp: Klp, level: number, msg: string): void {
  klp.k.printk(level, `livepatch: ${msg}`);
}

function patchName(patch: klp_patch): string {
  return patch.obj?.patch_name ?? patch.mod.name;
}

function findPatch(klp: Klp, name: string | undefined): klp_patch | undefined {
  return klp.klp_patches.find((p) => patchName(p) === name);
}

/** klp_check_patches_in_progress(): one patch loads or transitions at a time, and says so */
function klp_check_patches_in_progress(klp: Klp): number {
  const busy = loading.get(klp) ?? klp.klp_transition_patch;
  if (!busy) return 0;
  pr(klp, KERN_ERR, `Already enabling livepatch: ${patchName(busy)}\n`);
  return -EBUSY;
}

/** the patch layout of the series mapped onto the core's: the main module and its one object */
export function split_enable_patch_prepare(klp: Klp, patch: klp_patch): number {
  if (!patch || !patch.obj || !patch.obj_names) return -EINVAL;
  const main = patch.obj.lp_mod;
  if (!main) {
    pr(klp, KERN_ERR, `module (null) does not have set obj->patch_name\n`);
    return -EINVAL;
  }
  if (!patch.obj.patch_name) {
    pr(klp, KERN_ERR, `module ${main.name} does not have set obj->patch_name\n`);
    return -EINVAL;
  }
  if (patch.obj.name) {
    pr(klp, KERN_ERR, `module ${main.name} for vmlinux must not have set obj->name\n`);
    return -EINVAL;
  }
  if (!patch.obj.funcs) {
    pr(klp, KERN_ERR, `module ${main.name} does not have set obj->funcs\n`);
    return -EINVAL;
  }
  patch.mod = main;
  patch.objs = [patch.obj];
  return klp_check_patches_in_progress(klp);
}

/**
 * The patch goes on klp_patches early, then the per-object modules of the targets that are
 * already loaded come in, in obj_names order (klp_load_objects_livepatches()).
 */
export function split_enable_patch_early(klp: Klp, patch: klp_patch): number {
  klp.klp_patches.push(patch);
  loading.set(klp, patch);
  try {
    for (const name of patch.obj_names ?? []) {
      if (!name) break;
      const target = klp.k.modules.find(name);
      if (!target || !target.klp_alive) continue;
      const ret = request_module(klp.k, `${patchName(patch)}__${name}`);
      if (ret) {
        pr(klp, KERN_INFO, `Module load failed: ${patchName(patch)}__${name}\n`);
        return -EINVAL;
      }
    }
  } finally {
    loading.set(klp, null);
  }
  return 0;
}

/** klp_add_object(): the init of a per-object livepatch module */
export function klp_add_object(klp: Klp, obj: klp_object): number {
  const lp = obj.lp_mod!;
  const patch = findPatch(klp, obj.patch_name);
  const refuse = (ret: number) => {
    pr(klp, KERN_WARNING, `patch '${obj.patch_name}' failed for module '${obj.name}', refusing to load module '${obj.name}'\n`);
    return ret;
  };
  if (!patch) {
    pr(klp, KERN_ERR, `Can't load livepatch (${lp.name}) for module when the livepatch (${obj.patch_name}) for vmcore is not loaded\n`);
    return refuse(-EINVAL);
  }
  if (!patch.obj_names?.includes(obj.name ?? null)) {
    pr(klp, KERN_ERR, `Livepatch (${obj.patch_name}) is not supposed to livepatch the module: ${obj.name}\n`);
    return refuse(-EINVAL);
  }
  const target = klp.k.modules.find(obj.name!);
  if (!target) {
    pr(klp, KERN_ERR, `Livepatched module is not loaded: ${obj.name}\n`);
    return refuse(-EINVAL);
  }
  klp_init_object_early(patch, obj);
  for (const func of klp_for_each_func_static(obj)) obj.func_list!.push(func);
  klp.k.modules.try_module_get(lp);
  // the patch is still being put together: it picks the object up when it is initialized
  if (loading.get(klp) === patch) return 0;

  const fail = (ret: number) => {
    unlink_object(klp, patch, obj);
    klp.k.modules.module_put(lp);
    return refuse(ret);
  };
  obj.mod = target;
  let ret = klp_init_object(klp, patch, obj);
  if (ret) {
    pr(klp, KERN_WARNING, `failed to initialize patch '${patchName(patch)}' for module '${obj.name}' (${ret})\n`);
    return fail(ret);
  }
  pr(klp, KERN_NOTICE, `applying patch '${patchName(patch)}' to loading module '${obj.name}'\n`);
  ret = klp_pre_patch_callback(klp, obj);
  if (ret) {
    pr(klp, KERN_WARNING, `pre-patch callback failed for object '${obj.name}'\n`);
    return fail(ret);
  }
  ret = klp_patch_object(klp, obj);
  if (ret) {
    pr(klp, KERN_WARNING, `failed to apply patch '${patchName(patch)}' to module '${obj.name}' (${ret})\n`);
    klp_post_unpatch_callback(klp, obj);
    return fail(ret);
  }
  if (patch !== klp.klp_transition_patch) klp_post_patch_callback(klp, obj);
  return 0;
}

function unlink_object(klp: Klp, patch: klp_patch, obj: klp_object): void {
  const i = patch.obj_list?.indexOf(obj) ?? -1;
  if (i >= 0) patch.obj_list!.splice(i, 1);
  kobject_del(klp.k, obj.kobj_path);
  obj.kobj_path = undefined;
  obj.mod = null;
}

/**
 * klp_module_coming(): bring in each patch's per-object module for the loading module,
 * one at a time, scanning again after each (a patch may come or go meanwhile).
 */
export function split_module_coming(klp: Klp, mod: Module): number {
  // The series sets klp_alive after the loop; here it is set first so that klp_init_object()
  // binds the new objects to this (COMING) module, which the series' klp_add_object does
  // itself. Nothing else runs in between, so nothing else can tell.
  mod.klp_alive = true;
  for (let guard = 0; ; guard++) {
    if (guard > 1000) throw new Error('split-2020: klp_module_coming keeps finding work');
    const patch = klp.klp_patches.find(
      (p) => p.obj_names?.includes(mod.name) && !klp_for_each_object(p).some((o) => o.name === mod.name),
    );
    if (!patch) break;
    const name = `${patchName(patch)}__${mod.name}`;
    const ret = request_module(klp.k, name);
    if (ret) {
      pr(klp, KERN_INFO, `Module load failed: ${name}\n`);
      mod.klp_alive = false;
      // modprobe's exit code says nothing about the cause
      return -EINVAL;
    }
    // a per-object module that loaded without adding its object must not loop forever
    if (!klp_for_each_object(patch).some((o) => o.name === mod.name)) {
      mod.klp_alive = false;
      return -EBUSY;
    }
  }
  return 0;
}

/** klp_module_going() → klp_remove_object() for every patch that patches the module */
export function split_module_going(klp: Klp, mod: Module): void {
  for (const patch of klp.klp_patches) {
    for (const obj of klp_for_each_object(patch)) {
      if (obj.name !== mod.name) continue;
      if (patch !== klp.klp_transition_patch) klp_pre_unpatch_callback(klp, obj);
      pr(klp, KERN_NOTICE, `reverting patch '${patchName(patch)}' on unloading module '${obj.name}'\n`);
      klp_unpatch_object(klp, obj);
      klp_post_unpatch_callback(klp, obj);
      klp_free_object_loaded(obj);
      unlink_object(klp, patch, obj);
      // the target may always go, forced or not: its livepatch module goes with it
      split_object_freed(klp, patch, obj, true);
    }
  }
}

/** the object's kobject release: module_put_and_delete() of its livepatch module, from a work */
export function split_object_freed(klp: Klp, patch: klp_patch, obj: klp_object, evenIfForced = false): void {
  const lp = obj.lp_mod;
  if (!obj.name || !lp || (patch.forced && !evenIfForced)) return;
  klp.k.sched.queue_work(
    new WorkStruct(`klp_remove_object_work:${lp.name}`, () => {
      klp.k.modules.module_put(lp);
      klp.k.modules.delete_module(lp.name);
    }),
  );
}

/** enabled_store(): no disabling while a patch is being loaded */
export function split_enabled_store_check(klp: Klp): number {
  return loading.get(klp) ? -EBUSY : 0;
}
