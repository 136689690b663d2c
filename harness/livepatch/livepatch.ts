/**
 * include/linux/livepatch.h: the structures a livepatch module fills in, plus the fields
 * the core keeps in them. Module mirrors build these exactly as the C modules do; fields
 * marked internal are the core's.
 */
import type { KFunc } from '../kernel/kallsyms.js';
import type { Module } from '../kernel/module.js';

export interface klp_func {
  /** name of the function to be patched */
  old_name?: string | null;
  /** the replacement */
  new_func?: KFunc | null;
  /** 0: the symbol must be unique; N > 0: its N-th occurrence in the object */
  old_sympos?: number;

  // internal
  old_func?: KFunc | null;
  old_size?: number;
  new_size?: number;
  /** a no-op func added by atomic replace: runs the original code */
  nop?: boolean;
  patched?: boolean;
  transition?: boolean;
  /** sysfs directory while the kobject is registered */
  kobj_path?: string;
}

export interface klp_callbacks {
  pre_patch?: (obj: klp_object) => number;
  post_patch?: (obj: klp_object) => void;
  pre_unpatch?: (obj: klp_object) => void;
  post_unpatch?: (obj: klp_object) => void;
  /** internal: pre_patch succeeded (or there was none), so post_unpatch may run */
  post_unpatch_enabled?: boolean;
}

export interface klp_object {
  /** module name; null/undefined for vmlinux */
  name?: string | null;
  funcs?: klp_func[] | null;
  callbacks?: klp_callbacks;
  /** split-2020: the main livepatch's name (every object carries it) */
  patch_name?: string;
  /** split-2020: the livepatch module that holds this object (obj->mod in the series) */
  lp_mod?: Module;
  /** shadow-gc-2022: the shadow variable types this object uses */
  shadow_types?: import('./models/shadow-gc-2022/shadow_types.js').klp_shadow_type[];

  // internal
  func_list?: klp_func[];
  patch?: klp_patch;
  mod?: Module | null;
  /** allocated by atomic replace to carry nops for an object the new patch does not list */
  dynamic?: boolean;
  patched?: boolean;
  kobj_path?: string;
}

/**
 * Per-state callbacks of the states proposals. v1-2025 names them pre_patch, post_patch,
 * pre_unpatch and post_unpatch; poc-2023 names them setup, enable, disable and release.
 * A model reads the names of its series.
 */
export interface klp_state_callbacks {
  pre_patch?: (patch: klp_patch, state: klp_state) => number;
  post_patch?: (patch: klp_patch, state: klp_state) => void;
  pre_unpatch?: (patch: klp_patch, state: klp_state) => void;
  post_unpatch?: (patch: klp_patch, state: klp_state) => void;
  setup?: (patch: klp_patch, state: klp_state) => number;
  enable?: (patch: klp_patch, state: klp_state) => void;
  disable?: (patch: klp_patch, state: klp_state) => void;
  release?: (patch: klp_patch, state: klp_state) => void;
  /** frees the state's shadow variables when the state goes (is_shadow) */
  shadow_dtor?: ((obj: object, shadow_data: import('./shadow.js').ShadowData) => void) | null;
  /** internal: pre_patch (setup) ran without error, so post_unpatch (release) may run */
  pre_patch_succeeded?: boolean;
}

export interface klp_state {
  id: number;
  /** mainline: compatibility is by version; the proposals drop it for block_disable */
  version?: number;
  data?: unknown;
  callbacks?: klp_state_callbacks;
  /** the proposals: refuse to disable a patch with this state, or to replace it by one without */
  block_disable?: boolean;
  /** the proposals: shadow variables with this id live and die with the state */
  is_shadow?: boolean;
}

export interface klp_patch {
  /** THIS_MODULE of the livepatch module */
  mod: Module;
  objs: klp_object[] | null;
  states?: klp_state[] | null;
  /** atomic replace: a cumulative patch that replaces every other patch */
  replace?: boolean;
  /** split-2020: the one vmlinux object; the module objects come in their own modules */
  obj?: klp_object;
  /** split-2020: the modules this patch may patch, each through `<patch>__<module>` */
  obj_names?: Array<string | null>;

  // internal
  obj_list?: klp_object[];
  enabled?: boolean;
  forced?: boolean;
  kobj_path?: string;
}

/** klp_for_each_object_static(): the array ends at an entry with neither funcs nor name */
export function* klp_for_each_object_static(patch: klp_patch): Generator<klp_object> {
  for (const obj of patch.objs ?? []) {
    if (!obj.funcs && !obj.name) return;
    yield obj;
  }
}

/** klp_for_each_func_static(): the array ends at an all-empty entry */
export function* klp_for_each_func_static(obj: klp_object): Generator<klp_func> {
  for (const func of obj.funcs ?? []) {
    if (!func.old_name && !func.new_func && !func.old_sympos) return;
    yield func;
  }
}

/** klp_for_each_state(): the array ends at id 0 */
export function* klp_for_each_state(patch: klp_patch): Generator<klp_state> {
  for (const state of patch.states ?? []) {
    if (!state.id) return;
    yield state;
  }
}

/** klp_for_each_object(): the dynamic list, static objects then nop objects */
export function klp_for_each_object(patch: klp_patch): klp_object[] {
  return [...(patch.obj_list ?? [])];
}

export function klp_for_each_func(obj: klp_object): klp_func[] {
  return [...(obj.func_list ?? [])];
}

export function klp_is_module(obj: klp_object): boolean {
  return !!obj.name;
}

export function klp_is_object_loaded(obj: klp_object): boolean {
  return !obj.name || !!obj.mod;
}

export function klp_object_name(obj: klp_object): string {
  return klp_is_module(obj) ? obj.name! : 'vmlinux';
}
