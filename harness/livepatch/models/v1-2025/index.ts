/** v1-2025: the states API series as posted for merging */
import type { KernelModelDefinition } from '../../../models.js';
import { v12025Modules } from '../../../../modules/v1-2025/index.js';
import { moduleSet, UNTOUCHED_MAINLINE_MODULES } from '../mainline/modules.js';
import { STATES_API_HAZARDS } from '../states-api/hazards.js';
import { dialect } from './dialect.js';
import { v12025Klp } from './policy.js';

export const v12025: KernelModelDefinition = {
  name: 'v1-2025',
  description: '[PATCH v1 00/19] livepatch: Better integrate callbacks and shadow variables with the states API (2025-01-15)',
  klp: v12025Klp,
  // the callbacks test modules are gone (16/19); the speaker modules replace them
  modules: moduleSet(UNTOUCHED_MAINLINE_MODULES, v12025Modules),
  dialect,
  modulesInTree: false,
  versions: [
    [6, 13],
    [6, 13],
  ],
  hazards: [
    ...STATES_API_HAZARDS,
    {
      id: 'pre-unpatch-replaced-static-flag',
      summary:
        'klp_states_pre_unpatch_replaced() is guarded by a static flag with a WARN_ON; a path that disables the replaced states twice without completing or reverting the replace fires it.',
      where: '__klp_enable_patch_after_init_transition (replacedDisabled)',
    },
    {
      // found by the explorer (v1-2025 --time 60, seed 1, scenario 57899), shrunk to:
      // insmod test_klp_state3; insmod test_klp_speaker_livepatch applause=1; echo 0 then
      // echo 1 > test_klp_state3/enabled before the unpatching ends
      id: 'reversed-replace-releases-later-patches-states',
      summary:
        "klp_states_post_unpatch_replaced() releases the states of every other patch, also of one loaded after the replace patch (which klp_unpatch_replaced_patches() leaves enabled): when disabling the replace patch is reversed, that later patch's states are released while it stays enabled, and its pre_unpatch later runs for a state already gone.",
      where: 'klp_complete_transition_after_discard_nops (states_post_unpatch of others)',
      invariant: 'state-lifecycle',
      message: 'pre_unpatch without its introducing callback',
    },
  ],
};
