/**
 * What the series adds to struct klp_patch and struct klp_object: a patch holds only the
 * vmlinux object and the names of the modules it may patch; each module object comes in its
 * own livepatch module and carries the main patch's name.
 */
import type { Module } from '../../../kernel/module.js';
import type { klp_object, klp_patch } from '../../livepatch.js';

export interface split_object extends klp_object {
  /** the main livepatch's name (every object carries it) */
  patch_name?: string;
  /** the livepatch module that holds this object (obj->mod in the series) */
  lp_mod?: Module;
}

export interface split_patch extends klp_patch {
  /** the one vmlinux object; the module objects come in their own modules */
  obj?: split_object;
  /** the modules this patch may patch, each through `<patch>__<module>`; ends at null */
  obj_names?: Array<string | null>;
}
