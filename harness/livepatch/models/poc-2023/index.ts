/** poc-2023: per-state callbacks and state-bound shadow variables, as first proposed */
import type { KernelModelDefinition } from '../../../models.js';
import { poc2023Modules } from '../../../../modules/poc-2023/index.js';
import { moduleSet, UNTOUCHED_MAINLINE_MODULES } from '../mainline/modules.js';
import { STATES_API_HAZARDS } from '../states-api/hazards.js';
import { dialect } from './dialect.js';
import { poc2023Klp } from './policy.js';

export const poc2023: KernelModelDefinition = {
  name: 'poc-2023',
  description: '[POC 0/7] livepatch: Make livepatch states, callbacks, and shadow variables work together (2023-11-10)',
  klp: poc2023Klp,
  // the callbacks test modules are gone (POC 5/7); the speaker modules replace them
  modules: moduleSet(UNTOUCHED_MAINLINE_MODULES, poc2023Modules),
  dialect,
  modulesInTree: true,
  versions: [
    [6, 7],
    [6, 7],
  ],
  hazards: [
    {
      id: 'state-id-taken-over-without-shadow',
      summary:
        "States are known by id alone: a replacement whose state has the id of an installed shadow-bound state, but is not is_shadow itself, takes it over and the shadow variables are never freed (the speaker's applause state and test_klp_state's console state both use id 1).",
      where: 'klp_complete_transition_after_discard_nops, states_post_unpatch',
      invariant: 'shadow-lifetime',
      message: '\\(id 0x1\\)',
    },
    ...STATES_API_HAZARDS,
    {
      id: 'setup-failure-releases-states',
      summary: "A failing setup callback releases the patch's states itself, before \"failed to enable patch\", and frees their shadow variables whether or not setup ran.",
      where: '__klp_enable_patch_after_init_transition, states_post_unpatch',
    },
    {
      id: 'block-disable-set-during-replace',
      summary:
        "block_disable is checked once, when a replacement is enabled: a state whose test module sets block_state_disable while the replace transition runs is released all the same.",
      where: 'klp_is_patch_compatible, klp_complete_transition_after_discard_nops',
      invariant: 'state-lifecycle',
      message: 'blocks disable, yet it was released',
    },
  ],
};
