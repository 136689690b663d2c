/**
 * include/linux/livepatch.h: the structures a livepatch module fills in, plus the fields
 * the core keeps in them. Module mirrors build these exactly as the C modules do; fields
 * marked internal are the core's. A model that adds fields declares them in its folder
 * (harness/livepatch/models/<model>/fields.ts).
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

  // internal
  func_list?: klp_func[];
  patch?: klp_patch;
  mod?: Module | null;
  /** allocated by atomic replace to carry nops for an object the new patch does not list */
  dynamic?: boolean;
  patched?: boolean;
  kobj_path?: string;
}

export interface klp_state {
  id: number;
  /** compatibility with the installed patches is by version */
  version?: number;
  data?: unknown;
}

export interface klp_patch {
  /** THIS_MODULE of the livepatch module */
  mod: Module;
  objs: klp_object[] | null;
  states?: klp_state[] | null;
  /** atomic replace: a cumulative patch that replaces every other patch */
  replace?: boolean;

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

/**
 * klp_for_each_object(): the dynamic list, static objects then nop objects. A copy, so that
 * a walk may free what it passes (the _safe variants); slice() rather than a spread, which
 * the interpreter runs element by element through an iterator.
 */
export function klp_for_each_object(patch: klp_patch): klp_object[] {
  return patch.obj_list ? patch.obj_list.slice() : [];
}

export function klp_for_each_func(obj: klp_object): klp_func[] {
  return obj.func_list ? obj.func_list.slice() : [];
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
