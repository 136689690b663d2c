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
];
