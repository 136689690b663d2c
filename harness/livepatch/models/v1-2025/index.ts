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
  ],
};
