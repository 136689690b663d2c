/**
 * A kernel model's livepatch side: the mainline rules, or those of a proposed patch series,
 * attached to one machine. attach() returns the policy for that machine, which keeps
 * whatever state the series adds (a static of its C code) for that machine only.
 *
 * The core calls the policy at the points where the series change the kernel's code. Each
 * hook is named after the kernel function it sits in and the point in it, and does nothing
 * in mainline; everything else is the core's, written once for every model.
 */
import type { KobjAttribute } from '../kernel/kobject.js';
import type { Module } from '../kernel/module.js';
import type { Klp } from './klp.js';
import type { klp_object, klp_patch } from './livepatch.js';

export interface KlpModel {
  readonly name: string;
  /** the policy for one machine's livepatch core */
  attach(klp: Klp): KlpPolicy;
}

export interface KlpPolicy {
  /**
   * shadow.c's list of registered shadow variable types (shadow-gc-2022): is a type of this
   * id registered? Its variables are owned while one is, and collected when the last goes;
   * the explorer's shadow-lifetime asks. Absent: the model registers no types.
   */
  klp_shadow_type_registered?(id: number): boolean;
  /** klp_is_patch_compatible(), replacing mainline's rule: may this patch join the installed ones? */
  klp_is_patch_compatible?(patch: klp_patch): boolean;

  /**
   * enabled_store(), after the "already in the requested state" check: a negative errno
   * refuses the write; 0 lets it through.
   */
  enabled_store_check?(patch: klp_patch): number;

  /**
   * patch->replace, at each point the core reads it: klp_init_patch() (build the nops),
   * klp_complete_transition() (unpatch the replaced patches, discard the nops),
   * klp_try_complete_transition() (free them) and klp_force_transition() (mark them
   * forced). Does the patch atomically replace older patches at all? Mainline: patch.replace.
   */
  atomic_replace?(patch: klp_patch): boolean;
  /**
   * In each walk of atomic replace over the older patches (klp_add_nops(),
   * klp_unpatch_replaced_patches(), klp_free_replaced_patches_async(),
   * klp_force_transition()): is old_patch one of those `patch` replaces? false skips it.
   * Mainline: every older patch.
   */
  replaces_old_patch?(patch: klp_patch, old_patch: klp_patch): boolean;
  /** core.c's klp_patch_attrs[]: the patch directory's attributes, given mainline's for this version */
  klp_patch_attrs?(patch: klp_patch, attrs: KobjAttribute[]): KobjAttribute[];

  /** klp_enable_patch(), first: checks of the patch's own layout; an errno fails the enable */
  klp_enable_patch_start?(patch: klp_patch): number;
  /** klp_init_patch_early() puts the patch on klp_patches, rather than the end of klp_init_patch() */
  readonly klp_init_patch_early_adds_to_list?: boolean;
  /** klp_enable_patch(), after klp_init_patch_early(): an errno fails the enable */
  klp_enable_patch_after_init_early?(patch: klp_patch): number;

  /** __klp_enable_patch(), after klp_init_transition(): an errno fails the enable */
  __klp_enable_patch_after_init_transition?(patch: klp_patch): number;
  /** __klp_enable_patch(), when patching an object failed, before "failed to enable patch" */
  __klp_enable_patch_patch_failed?(patch: klp_patch): void;
  /** __klp_disable_patch(), after klp_init_transition() */
  __klp_disable_patch_after_init_transition?(patch: klp_patch): void;
  /** klp_complete_transition(), atomic replace done: after the nops are discarded */
  klp_complete_transition_after_discard_nops?(patch: klp_patch): void;
  /** klp_complete_transition(), after the objects' post callbacks */
  klp_complete_transition_after_post_callbacks?(patch: klp_patch, target: number): void;

  /** before an object's pre_patch callback (enable and module load): an errno fails it */
  klp_pre_patch_callback_before?(obj: klp_object): number;
  /** after an object's post_unpatch callback (unpatching complete and module removal) */
  klp_post_unpatch_callback_after?(obj: klp_object): void;

  /**
   * klp_module_coming(), before the walk over klp_patches: bring in objects for the module.
   * An object this binds to the module (obj.mod set) counts as applied, and the walk leaves
   * it alone. An errno refuses the module.
   */
  klp_module_coming_before_walk?(mod: Module): number;
  /** klp_cleanup_module_patches_limited(), after an object of the going module is reverted and its addresses dropped */
  klp_cleanup_module_patches_limited_after_free?(patch: klp_patch, obj: klp_object): void;
  /** the release of an object's kobject (klp_kobj_release_object()) */
  klp_kobj_release_object?(patch: klp_patch, obj: klp_object): void;
}

/**
 * A problem the posted code is known to have, modelled as posted: what review found, or
 * what a test would trip over. The explorer reads these to tell a known hazard from a new one.
 */
export interface KnownHazard {
  /** short and stable, for reports: `shadow-register-double-alloc` */
  readonly id: string;
  /** what goes wrong, in one or two sentences */
  readonly summary: string;
  /** where in the modelled code (function names), so a reader can find it */
  readonly where: string;
  /** the explorer's invariant it breaks, when the explorer sees it (harness/explore/invariants.ts) */
  readonly invariant?: string;
  /** with several hazards under one invariant: a pattern (RegExp source) its violations' messages match */
  readonly message?: string;
}
