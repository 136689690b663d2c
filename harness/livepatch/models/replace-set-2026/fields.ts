/**
 * "[PATCH v2 2/4] livepatch: Support scoped atomic replace using replace_set": klp_patch's
 * `bool replace` becomes `unsigned int replace_set`. Every patch belongs to a set (0 when
 * left zero-initialised) and atomically replaces the older patches of its own set.
 */
import type { klp_patch } from '../../livepatch.js';

export interface replace_set_patch extends klp_patch {
  /** livepatches with the same replace_set get atomically replaced (an unsigned int) */
  replace_set?: number;
}

/** patch->replace_set, zero-initialised in C */
export function replace_set_of(patch: klp_patch): number {
  return ((patch as replace_set_patch).replace_set ?? 0) >>> 0;
}
