/** what poc-2023 and v1-2025 share and review pointed at */
import type { KnownHazard } from '../../model.js';

export const STATES_API_HAZARDS: readonly KnownHazard[] = [
  {
    id: 'duplicate-state-id-in-patch',
    summary:
      'The same state id twice in one patch is accepted silently; review asked for a WARN that was never posted, and the per-state callbacks then run for each copy.',
    where: 'states_pre_patch, is_state_in_other_patches',
  },
  {
    id: 'block-disable-only-checked-on-replace',
    summary:
      'Compatibility checks only an atomic replace (it may not drop a state that blocks disable); state versions are no longer compared.',
    where: 'klp_is_patch_compatible',
  },
  {
    id: 'replaced-shared-state-never-released',
    summary:
      'An atomic replace that takes over two patches carrying the same state (and does not carry it itself) releases it for neither: each replaced patch sees the other one still holding the id.',
    where: 'klp_complete_transition_after_discard_nops, is_state_in_other_patches',
    invariant: 'state-lifecycle',
    message: 'its last patch is gone, it was never released',
  },
  {
    id: 'replaced-shared-state-shadow-leaks',
    summary: "The shadow variables of such a state are never freed either: they outlive every livepatch.",
    where: 'states_post_unpatch',
    invariant: 'shadow-lifetime',
  },
];
