/**
 * A kernel model is a policy beside the shared livepatch core: the mainline rules, or
 * those of a proposed patch series. The core calls the policy at the points where the
 * series change the kernel's code; everything else is shared.
 */
import type { Klp } from './klp.js';
import type { klp_patch } from './livepatch.js';

export interface KlpModel {
  readonly name: string;
  /** klp_is_patch_compatible(): may this patch be enabled next to the installed ones? */
  klp_is_patch_compatible(klp: Klp, patch: klp_patch): boolean;
  /**
   * enabled_store(), after the "already in the requested state" check: a negative errno
   * refuses the write (block_disable in the states proposals); 0 lets it through.
   */
  enabled_store_check?(klp: Klp, patch: klp_patch): number;
}
