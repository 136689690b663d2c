/**
 * kernel/livepatch/state.c: system states a patch declares, and the mainline
 * compatibility rule (a cumulative patch must carry every installed state, at a version
 * no lower than the installed one).
 */
import type { Klp } from './klp.js';
import { klp_for_each_state, type klp_patch, type klp_state } from './livepatch.js';

/** klp_get_state(): the patch's state with this id, or null */
export function klp_get_state(patch: klp_patch, id: number): klp_state | null {
  for (const state of klp_for_each_state(patch)) if (state.id === id) return state;
  return null;
}

/**
 * klp_get_prev_state(): the state with this id in the newest patch installed before the
 * one in transition. Only meaningful during a transition (WARN_ON_ONCE otherwise).
 */
export function klp_get_prev_state(klp: Klp, id: number): klp_state | null {
  if (!klp.klp_transition_patch) {
    klp.k.WARN_ON_ONCE('kernel/livepatch/state.c', 'klp_get_prev_state');
    return null;
  }
  let last: klp_state | null = null;
  for (const patch of klp.klp_patches) {
    if (patch === klp.klp_transition_patch) break;
    const state = klp_get_state(patch, id);
    if (state) last = state;
  }
  return last;
}

/** klp_is_state_compatible() */
function klp_is_state_compatible(patch: klp_patch, old_state: klp_state): boolean {
  const state = klp_get_state(patch, old_state.id);
  // a cumulative patch must handle every installed state
  if (!state) return !patch.replace;
  return (state.version ?? 0) >= (old_state.version ?? 0);
}

/** klp_is_patch_compatible(): mainline's rule */
export function klp_is_patch_compatible(klp: Klp, patch: klp_patch): boolean {
  for (const old_patch of klp.klp_patches)
    for (const old_state of klp_for_each_state(old_patch)) if (!klp_is_state_compatible(patch, old_state)) return false;
  return true;
}
