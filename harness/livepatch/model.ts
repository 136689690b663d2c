/**
 * A kernel model is a policy beside the shared livepatch core: the mainline rules, or
 * those of a proposed patch series. The core calls the policy at the points where the
 * series change the kernel's code; everything else is shared.
 */
import type { Klp } from './klp.js';
import type { Module } from '../kernel/module.js';
import type { klp_object, klp_patch } from './livepatch.js';

export interface KlpModel {
  readonly name: string;
  /** klp_is_patch_compatible(): may this patch be enabled next to the installed ones? */
  klp_is_patch_compatible(klp: Klp, patch: klp_patch): boolean;
  /**
   * enabled_store(), after the "already in the requested state" check: a negative errno
   * refuses the write (block_disable in the states proposals); 0 lets it through.
   */
  enabled_store_check?(klp: Klp, patch: klp_patch): number;

  // Where the states proposals hook per-state callbacks into the shared flow. Each is
  // called at the point named, and does nothing in mainline.

  /** __klp_enable_patch(), after klp_init_transition(): a negative errno fails the enable */
  enable_states?(klp: Klp, patch: klp_patch): number;
  /** __klp_enable_patch(), when patching an object failed, before "failed to enable patch" */
  enable_states_failed?(klp: Klp, patch: klp_patch): void;
  /** __klp_disable_patch(), after klp_init_transition() */
  disable_states?(klp: Klp, patch: klp_patch): void;
  /** klp_complete_transition(), replace && PATCHED, after the nops are discarded */
  complete_replaced_states?(klp: Klp, patch: klp_patch): void;
  /** klp_complete_transition(), after the per-object post callbacks */
  complete_states?(klp: Klp, patch: klp_patch, target: number): void;

  /**
   * Before a loaded object's pre_patch callback, at enable and when its module comes (the
   * shadow-gc series registers the object's shadow types here); an errno fails it.
   */
  object_pre_patch?(klp: Klp, obj: klp_object): number;
  /** After an object's post_unpatch callback, at unpatching completion and when its module goes */
  object_post_unpatch?(klp: Klp, obj: klp_object): void;

  // split-2020: livepatch modules per object, loaded and removed with their targets.

  /** klp_enable_patch(), first: the series' own checks (and its patch layout); an errno fails it */
  enable_patch_prepare?(klp: Klp, patch: klp_patch): number;
  /** klp_enable_patch(), after klp_init_patch_early(): load what belongs to the patch */
  enable_patch_early?(klp: Klp, patch: klp_patch): number;
  /** replaces klp_module_coming()'s walk over the patches (klp_alive is the model's to set) */
  module_coming?(klp: Klp, mod: Module): number;
  /** replaces klp_module_going()'s walk over the patches */
  module_going?(klp: Klp, mod: Module): void;
  /** an object's kobject was released */
  object_freed?(klp: Klp, patch: klp_patch, obj: klp_object): void;
}
