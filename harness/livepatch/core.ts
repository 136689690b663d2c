/**
 * kernel/livepatch/core.c: registering a patch (klp_enable_patch), disabling it, freeing
 * it, atomic replace's nops, and the module loader hooks klp_module_coming/going.
 */
import { EBUSY, EINVAL, ENODEV, ENOENT } from '../kernel/errno.js';
import { kstrtobool } from '../kernel/kstrtox.js';
import { kobject_add, kobject_del } from '../kernel/kobject.js';
import type { Module } from '../kernel/module.js';
import { ModuleState } from '../kernel/module.js';
import { KERN_ERR, KERN_NOTICE, KERN_WARNING } from '../kernel/printk.js';
import { KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED } from '../kernel/sched.js';
import { WorkStruct } from '../kernel/workqueue.js';
import {
  klp_post_patch_callback,
  klp_post_unpatch_callback,
  klp_pre_patch_callback,
  klp_pre_unpatch_callback,
} from './callbacks.js';
import { Klp } from './klp.js';
import type { KlpModel } from './model.js';
import { ShadowTable } from './shadow.js';
import { klp_is_patch_compatible } from './state.js';
import {
  klp_for_each_func,
  klp_for_each_func_static,
  klp_for_each_object,
  klp_for_each_object_static,
  klp_is_module,
  klp_is_object_loaded,
  klp_object_name,
  type klp_func,
  type klp_object,
  type klp_patch,
} from './livepatch.js';
import { klp_patch_object, klp_unpatch_object, klp_unpatch_objects, klp_unpatch_objects_dynamic } from './patch.js';
import { SYSFS_KLP_DIR, klp_object_attrs, klp_patch_attrs } from './sysfs.js';
import {
  TRANSITION_DEBUG_SITES,
  klp_cancel_transition,
  klp_force_transition,
  klp_reverse_transition,
  klp_init_transition,
  klp_start_transition,
  klp_copy_process,
  klp_transition_work_fn,
  klp_try_complete_transition,
  klp_update_patch_state,
} from './transition.js';

const MODULE_NAME_LEN = 56;
const KSYM_NAME_LEN = 512;

function pr_err(klp: Klp, msg: string): void {
  klp.k.printk(KERN_ERR, `livepatch: ${msg}`);
}
function pr_warn(klp: Klp, msg: string): void {
  klp.k.printk(KERN_WARNING, `livepatch: ${msg}`);
}
function pr_notice(klp: Klp, msg: string): void {
  klp.k.printk(KERN_NOTICE, `livepatch: ${msg}`);
}

/** klp_find_object_module(): bind the object to its module if klp_module_coming has seen it */
function klp_find_object_module(klp: Klp, obj: klp_object): void {
  if (!klp_is_module(obj)) return;
  const mod = klp.k.modules.find(obj.name!);
  // a module between klp_module_coming and klp_module_going only
  if (mod && mod.klp_alive) obj.mod = mod;
}

/** klp_find_object_symbol(): kallsyms lookup honouring old_sympos */
function klp_find_object_symbol(klp: Klp, objname: string | null | undefined, name: string, sympos: number) {
  const all = klp.k.kallsyms.lookupAll(objname ?? 'vmlinux', name);
  // kallsyms stops counting at the wanted position (or at the second match for sympos 0)
  const count = sympos ? Math.min(all.length, sympos) : Math.min(all.length, 2);
  const addr = count ? all[count - 1] : undefined;
  if (!addr) pr_err(klp, `symbol '${name}' not found in symbol table\n`);
  else if (count > 1 && sympos === 0) pr_err(klp, `unresolvable ambiguity for symbol '${name}' in object '${objname ?? '(null)'}'\n`);
  else if (sympos !== count && sympos > 0) pr_err(klp, `symbol position ${sympos} for symbol '${name}' in object '${objname ?? 'vmlinux'}' not found\n`);
  else return addr;
  return undefined;
}

/**
 * klp_init_object_loaded(): resolve the functions of an object whose code is present (the
 * patch is the kernel's for applying relocations, which are not modelled)
 */
function klp_init_object_loaded(klp: Klp, patch: klp_patch, obj: klp_object): number {
  for (const func of klp_for_each_func(obj)) {
    const old_func = klp_find_object_symbol(klp, obj.name, func.old_name!, func.old_sympos ?? 0);
    if (!old_func) return -EINVAL;
    func.old_func = old_func;
    if (!old_func.size) {
      pr_err(klp, `kallsyms size lookup failed for '${func.old_name}'\n`);
      return -ENOENT;
    }
    func.old_size = old_func.size;
    if (func.nop) func.new_func = func.old_func;
    if (!func.new_func?.size) {
      pr_err(klp, `kallsyms size lookup failed for '${func.old_name}' replacement\n`);
      return -ENOENT;
    }
    func.new_size = func.new_func.size;
  }
  return 0;
}

/** klp_free_object_loaded(): the module is gone; its addresses are stale */
function klp_free_object_loaded(obj: klp_object): void {
  obj.mod = null;
  for (const func of klp_for_each_func(obj)) {
    func.old_func = null;
    if (func.nop) func.new_func = null;
  }
}

function klp_init_func(klp: Klp, obj: klp_object, func: klp_func): number {
  if (!func.old_name) return -EINVAL;
  // a nop's new_func is filled in only once the object is loaded
  if (!func.new_func && !func.nop) return -EINVAL;
  if (func.old_name.length >= KSYM_NAME_LEN) return -EINVAL;
  func.patched = false;
  func.transition = false;
  const dir = kobject_add(klp.k, obj.kobj_path!, `${func.old_name},${func.old_sympos || 1}`);
  if (typeof dir === 'number') return dir;
  func.kobj_path = dir;
  return 0;
}

export function klp_init_object(klp: Klp, patch: klp_patch, obj: klp_object): number {
  if (klp_is_module(obj) && obj.name!.length >= MODULE_NAME_LEN) return -EINVAL;
  obj.patched = false;
  obj.mod = null;
  klp_find_object_module(klp, obj);
  const dir = kobject_add(klp.k, patch.kobj_path!, klp_object_name(obj), klp_object_attrs(klp, obj));
  if (typeof dir === 'number') return dir;
  obj.kobj_path = dir;
  for (const func of klp_for_each_func(obj)) {
    const ret = klp_init_func(klp, obj, func);
    if (ret) return ret;
  }
  if (klp_is_object_loaded(obj)) return klp_init_object_loaded(klp, patch, obj);
  return 0;
}

export function klp_init_object_early(patch: klp_patch, obj: klp_object): void {
  obj.func_list = [];
  obj.patch = patch;
  (patch.obj_list ??= []).push(obj);
}

/** klp_init_patch_early(): the dynamic lists, from the static arrays */
function klp_init_patch_early(klp: Klp, patch: klp_patch): void {
  patch.obj_list = [];
  patch.enabled = false;
  patch.forced = false;
  for (const obj of klp_for_each_object_static(patch)) {
    klp_init_object_early(patch, obj);
    for (const func of klp_for_each_func_static(obj)) obj.func_list!.push(func);
  }
  if (klp.policy.klp_init_patch_early_adds_to_list) klp.klp_patches.push(patch);
}

/** klp_find_object(): the new patch's object for an old one (vmlinux matches vmlinux) */
function klp_find_object(patch: klp_patch, old_obj: klp_object): klp_object | undefined {
  for (const obj of klp_for_each_object(patch)) {
    if (klp_is_module(old_obj)) {
      if (klp_is_module(obj) && obj.name === old_obj.name) return obj;
    } else if (!klp_is_module(obj)) return obj;
  }
  return undefined;
}

/** patch->replace as the model reads it: does the patch atomically replace older patches? */
export function klp_atomic_replace(klp: Klp, patch: klp_patch): boolean {
  return klp.policy.atomic_replace?.(patch) ?? !!patch.replace;
}

/** in atomic replace's walks over the older patches: is old_patch one that patch replaces? */
export function klp_replaces_old_patch(klp: Klp, patch: klp_patch, old_patch: klp_patch): boolean {
  return klp.policy.replaces_old_patch?.(patch, old_patch) ?? true;
}

/**
 * klp_find_func(): same name and position. "livepatch: Match old_sympos 0 and 1 in
 * klp_find_func()" makes 0 and 1 the same position; it is in mainline after 6.13 and was
 * backported to 6.12 stable (6.12.117 has it), so older kernels compare exactly.
 * Exported for a model whose compatibility check compares functions across patches.
 */
export function klp_find_func(klp: Klp, obj: klp_object, old_func: klp_func): klp_func | undefined {
  const [major, minor] = klp.k.config.version;
  const zeroIsOne = klp.k.versionAtLeast(6, 14) || (major === 6 && minor === 12);
  for (const func of klp_for_each_func(obj)) {
    const a = func.old_sympos ?? 0;
    const b = old_func.old_sympos ?? 0;
    if (func.old_name === old_func.old_name && (a === b || (zeroIsOne && ((a === 0 && b === 1) || (a === 1 && b === 0))))) return func;
  }
  return undefined;
}

/** klp_add_nops(): atomic replace reverts whatever an older patch changed and this one does not */
function klp_add_nops(klp: Klp, patch: klp_patch): number {
  for (const old_patch of klp.klp_patches) {
    if (!klp_replaces_old_patch(klp, patch, old_patch)) continue;
    for (const old_obj of klp_for_each_object(old_patch)) {
      let obj = klp_find_object(patch, old_obj);
      if (!obj) {
        obj = { name: old_obj.name, dynamic: true, funcs: null };
        klp_init_object_early(patch, obj);
      }
      for (const old_func of klp_for_each_func(old_obj)) {
        if (klp_find_func(klp, obj, old_func)) continue;
        obj.func_list!.push({ old_name: old_func.old_name, old_sympos: old_func.old_sympos, nop: true });
      }
    }
  }
  return 0;
}

function klp_init_patch(klp: Klp, patch: klp_patch): number {
  const dir = kobject_add(klp.k, SYSFS_KLP_DIR, patch.mod.name, klp_patch_attrs(klp, patch, {
    enabled_store: (buf) => enabled_store(klp, patch, buf),
    force_store: (buf) => force_store(klp, patch, buf),
  }));
  if (typeof dir === 'number') return dir;
  patch.kobj_path = dir;
  if (klp_atomic_replace(klp, patch)) {
    const ret = klp_add_nops(klp, patch);
    if (ret) return ret;
  }
  for (const obj of klp_for_each_object(patch)) {
    const ret = klp_init_object(klp, patch, obj);
    if (ret) return ret;
  }
  if (!klp.policy.klp_init_patch_early_adds_to_list) klp.klp_patches.push(patch);
  return 0;
}

/** __klp_free_funcs(): drop func kobjects (all, or only the nops) */
function __klp_free_funcs(obj: klp_object, nops_only: boolean, klp: Klp): void {
  for (const func of klp_for_each_func(obj)) {
    if (nops_only && !func.nop) continue;
    obj.func_list!.splice(obj.func_list!.indexOf(func), 1);
    kobject_del(klp.k, func.kobj_path);
    func.kobj_path = undefined;
  }
}

function __klp_free_objects(klp: Klp, patch: klp_patch, nops_only: boolean): void {
  for (const obj of klp_for_each_object(patch)) {
    __klp_free_funcs(obj, nops_only, klp);
    if (nops_only && !obj.dynamic) continue;
    patch.obj_list!.splice(patch.obj_list!.indexOf(obj), 1);
    kobject_del(klp.k, obj.kobj_path);
    obj.kobj_path = undefined;
    klp.policy.klp_kobj_release_object?.(patch, obj);
  }
}

/** klp_free_patch_start(): off the list, object and func directories gone; under klp_mutex */
function klp_free_patch_start(klp: Klp, patch: klp_patch): void {
  const i = klp.klp_patches.indexOf(patch);
  if (i >= 0) klp.klp_patches.splice(i, 1);
  __klp_free_objects(klp, patch, false);
}

/** klp_free_patch_finish(): the patch directory goes, then the module reference */
function klp_free_patch_finish(klp: Klp, patch: klp_patch): void {
  kobject_del(klp.k, patch.kobj_path);
  patch.kobj_path = undefined;
  // a forced patch may still have tasks in its code: its module must never go
  if (!patch.forced) klp.k.modules.module_put(patch.mod);
}

/**
 * klp_free_patch_async(): the rest must happen outside klp_mutex (kernfs waits for the
 * `enabled` write that may have got us here), so it is left to a work item.
 */
export function klp_free_patch_async(klp: Klp, patch: klp_patch): void {
  klp_free_patch_start(klp, patch);
  klp.k.workqueue.queue_work(new WorkStruct('klp_free_patch_work_fn', () => klp_free_patch_finish(klp, patch)));
}

export function klp_free_replaced_patches_async(klp: Klp, new_patch: klp_patch): void {
  for (const old_patch of [...klp.klp_patches]) {
    if (old_patch === new_patch) return;
    if (!klp_replaces_old_patch(klp, new_patch, old_patch)) continue;
    klp_free_patch_async(klp, old_patch);
  }
}

/** klp_unpatch_replaced_patches(): the older patches step aside, without callbacks */
export function klp_unpatch_replaced_patches(klp: Klp, new_patch: klp_patch): void {
  for (const old_patch of klp.klp_patches) {
    if (old_patch === new_patch) return;
    if (!klp_replaces_old_patch(klp, new_patch, old_patch)) continue;
    old_patch.enabled = false;
    klp_unpatch_objects(klp, old_patch);
    klp.observer?.patchReplaced(old_patch);
  }
}

/** klp_discard_nops(): the nops did their job once the replaced patches are gone */
export function klp_discard_nops(klp: Klp, new_patch: klp_patch): void {
  klp_unpatch_objects_dynamic(klp, new_patch);
  __klp_free_objects(klp, new_patch, true);
}

/** __klp_disable_patch(): start the unpatching transition */
export function __klp_disable_patch(klp: Klp, patch: klp_patch): number {
  if (!patch.enabled) return -EINVAL;
  if (klp.klp_transition_patch) return -EBUSY;
  klp_init_transition(klp, patch, KLP_TRANSITION_UNPATCHED);
  klp.policy.__klp_disable_patch_after_init_transition?.(patch);
  for (const obj of klp_for_each_object(patch)) if (obj.patched) klp_pre_unpatch_callback(klp, obj);
  klp_start_transition(klp);
  patch.enabled = false;
  klp_try_complete_transition(klp);
  return 0;
}

/** enabled_store(): disable, or reverse the transition in progress; never re-enable */
function enabled_store(klp: Klp, patch: klp_patch, buf: string): number {
  const enabled = kstrtobool(buf);
  if (typeof enabled === 'number') return enabled;
  let ret = 0;
  if (patch.enabled === enabled) {
    ret = -EINVAL; // already in the requested state
  } else {
    const blocked = klp.policy.enabled_store_check?.(patch);
    if (blocked) ret = blocked;
    else if (patch === klp.klp_transition_patch) klp_reverse_transition(klp);
    else if (!enabled) ret = __klp_disable_patch(klp, patch);
    else ret = -EINVAL;
  }
  return ret ? ret : buf.length;
}

/** force_store(): a false value succeeds without doing anything */
function force_store(klp: Klp, patch: klp_patch, buf: string): number {
  const val = kstrtobool(buf);
  if (typeof val === 'number') return val;
  if (!val) return buf.length;
  if (patch !== klp.klp_transition_patch) return -EINVAL;
  klp_force_transition(klp);
  return buf.length;
}

/** __klp_enable_patch(): pre_patch callbacks, patch the loaded objects, start the transition */
function __klp_enable_patch(klp: Klp, patch: klp_patch): number {
  if (klp.klp_transition_patch) return -EBUSY;
  if (patch.enabled) return -EINVAL;
  pr_notice(klp, `enabling patch '${patch.mod.name}'\n`);
  klp_init_transition(klp, patch, KLP_TRANSITION_PATCHED);
  let ret = klp.policy.__klp_enable_patch_after_init_transition?.(patch) ?? 0;
  if (!ret) {
    for (const obj of klp_for_each_object(patch)) {
      if (!klp_is_object_loaded(obj)) continue;
      ret = klp.policy.klp_pre_patch_callback_before?.(obj) ?? 0;
      if (ret) break;
      ret = klp_pre_patch_callback(klp, obj);
      if (ret) {
        pr_warn(klp, `pre-patch callback failed for object '${klp_object_name(obj)}'\n`);
        break;
      }
      ret = klp_patch_object(klp, obj);
      if (ret) {
        pr_warn(klp, `failed to patch object '${klp_object_name(obj)}'\n`);
        klp.policy.__klp_enable_patch_patch_failed?.(patch);
        break;
      }
    }
  }
  if (ret) {
    pr_warn(klp, `failed to enable patch '${patch.mod.name}'\n`);
    klp_cancel_transition(klp);
    return ret;
  }
  klp_start_transition(klp);
  patch.enabled = true;
  klp_try_complete_transition(klp);
  return 0;
}

/**
 * klp_enable_patch(): called from a livepatch module's init. Validates the patch, builds
 * its sysfs tree, and starts the patching transition.
 */
export function klp_enable_patch(klp: Klp, patch: klp_patch): number {
  const early = klp.policy.klp_enable_patch_start?.(patch) ?? 0;
  if (early) return early;
  if (!patch || !patch.mod || !patch.objs) return -EINVAL;
  for (const obj of klp_for_each_object_static(patch)) if (!obj.funcs) return -EINVAL;
  if (!patch.mod.klp) {
    pr_err(klp, `module ${patch.mod.name} is not marked as a livepatch module\n`);
    return -EINVAL;
  }
  if (!klp.have_reliable_stack) {
    pr_warn(klp, "This architecture doesn't have support for the livepatch consistency model.\n");
    pr_warn(klp, 'The livepatch transition may never complete.\n');
  }
  const compatible = klp.policy.klp_is_patch_compatible?.(patch) ?? klp_is_patch_compatible(klp, patch);
  if (!compatible) {
    pr_err(klp, `Livepatch patch (${patch.mod.name}) is not compatible with the already installed livepatches.\n`);
    return -EINVAL;
  }
  if (!klp.k.modules.try_module_get(patch.mod)) return -ENODEV;
  klp_init_patch_early(klp, patch);
  let ret = klp.policy.klp_enable_patch_after_init_early?.(patch) ?? 0;
  if (!ret) ret = klp_init_patch(klp, patch);
  if (!ret) ret = __klp_enable_patch(klp, patch);
  if (ret) {
    klp_free_patch_start(klp, patch);
    klp_free_patch_finish(klp, patch);
    return ret;
  }
  return 0;
}

/**
 * klp_cleanup_module_patches_limited(): revert a going module from every patch before
 * `limit` (all patches when limit is null).
 */
function klp_cleanup_module_patches_limited(klp: Klp, mod: Module, limit: klp_patch | null): void {
  for (const patch of klp.klp_patches) {
    if (patch === limit) break;
    for (const obj of klp_for_each_object(patch)) {
      if (!klp_is_module(obj) || obj.name !== mod.name) continue;
      if (patch !== klp.klp_transition_patch) klp_pre_unpatch_callback(klp, obj);
      pr_notice(klp, `reverting patch '${patch.mod.name}' on unloading module '${obj.name}'\n`);
      klp_unpatch_object(klp, obj);
      klp_post_unpatch_callback(klp, obj);
      klp.policy.klp_post_unpatch_callback_after?.(obj);
      klp_free_object_loaded(obj);
      klp.policy.klp_cleanup_module_patches_limited_after_free?.(patch, obj);
      break;
    }
  }
}

/**
 * klp_module_coming()'s work on one object bound to the coming module: `init` resolves it,
 * then it is applied and its callbacks run, with the kernel's messages. An errno leaves the
 * unwinding to the caller. Exported for a model whose objects arrive on their own, bound
 * to a module that is coming.
 */
export function klp_module_coming_apply_object(klp: Klp, patch: klp_patch, obj: klp_object, init: () => number): number {
  let ret = init();
  if (ret) {
    pr_warn(klp, `failed to initialize patch '${patch.mod.name}' for module '${obj.name}' (${ret})\n`);
    return ret;
  }
  pr_notice(klp, `applying patch '${patch.mod.name}' to loading module '${obj.name}'\n`);
  ret = klp.policy.klp_pre_patch_callback_before?.(obj) ?? 0;
  if (ret) return ret;
  ret = klp_pre_patch_callback(klp, obj);
  if (ret) {
    pr_warn(klp, `pre-patch callback failed for object '${obj.name}'\n`);
    return ret;
  }
  ret = klp_patch_object(klp, obj);
  if (ret) {
    pr_warn(klp, `failed to apply patch '${patch.mod.name}' to module '${obj.name}' (${ret})\n`);
    klp_post_unpatch_callback(klp, obj);
    return ret;
  }
  // a patch in transition gets its post_patch when the transition completes
  if (patch !== klp.klp_transition_patch) klp_post_patch_callback(klp, obj);
  return 0;
}

/** klp_module_coming(): patch a module that is being loaded, before its init runs */
export function klp_module_coming(klp: Klp, mod: Module): number {
  if (mod.state !== ModuleState.MODULE_STATE_COMING) return -EINVAL;
  if (mod.name === 'vmlinux') {
    pr_err(klp, 'vmlinux.ko: invalid module name\n');
    return -EINVAL;
  }
  // every module must know klp_module_coming ran: any later patch may target it
  mod.klp_alive = true;
  const early = klp.policy.klp_module_coming_before_walk?.(mod) ?? 0;
  if (early) {
    mod.klp_alive = false;
    return early;
  }
  for (const patch of klp.klp_patches) {
    for (const obj of klp_for_each_object(patch)) {
      if (!klp_is_module(obj) || obj.name !== mod.name) continue;
      // bound already: whoever bound it applied it too
      if (obj.mod) break;
      obj.mod = mod;
      const ret = klp_module_coming_apply_object(klp, patch, obj, () => klp_init_object_loaded(klp, patch, obj));
      if (ret) return klp_module_coming_err(klp, mod, patch, obj, ret);
      break;
    }
  }
  return 0;
}

function klp_module_coming_err(klp: Klp, mod: Module, patch: klp_patch, obj: klp_object, ret: number): number {
  pr_warn(klp, `patch '${patch.mod.name}' failed for module '${mod.name}', refusing to load module '${mod.name}'\n`);
  mod.klp_alive = false;
  obj.mod = null;
  klp_cleanup_module_patches_limited(klp, mod, patch);
  return ret;
}

/** klp_module_going(): revert a module that is going away, after its exit ran */
export function klp_module_going(klp: Klp, mod: Module): void {
  if (mod.state !== ModuleState.MODULE_STATE_GOING && mod.state !== ModuleState.MODULE_STATE_COMING) return;
  mod.klp_alive = false;
  klp_cleanup_module_patches_limited(klp, mod, null);
}


/**
 * klp_init(): the livepatch core at boot: /sys/kernel/livepatch, the module loader hooks,
 * the points where the kernel switches tasks by itself, and the pr_debug callsites.
 */
export function klp_init(k: Klp['k'], model: KlpModel): Klp {
  const klp = new Klp(k, model, klp_transition_work_fn);
  klp.shadow = new ShadowTable();
  k.vfs.mkdirs(SYSFS_KLP_DIR);
  for (const site of TRANSITION_DEBUG_SITES) k.dyndbg.register(site);
  k.modules.hooks = {
    klp_module_coming: (mod) => klp_module_coming(klp, mod),
    klp_module_going: (mod) => klp_module_going(klp, mod),
  };
  // named first, then stored (see boot(): a literal stored straight into the field kept
  // every machine alive past V8's minor GCs)
  const update = (task: Parameters<typeof klp_update_patch_state>[1]) => klp_update_patch_state(klp, task);
  k.klp_update_patch_state = update;
  k.tasks.copy_process_hook = klp_copy_process;
  return klp;
}
