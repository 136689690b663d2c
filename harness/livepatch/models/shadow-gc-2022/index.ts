/** shadow-gc-2022: shadow variable types registered by objects, collected when the last goes */
import type { KernelModelDefinition } from '../../../models.js';
import { shadowGc2022Modules } from '../../../../modules/shadow-gc-2022/index.js';
import { FUNCTIONS_SH_V6_1 } from '../mainline/dialect.js';
import { moduleSet, UNTOUCHED_MAINLINE_MODULES } from '../mainline/modules.js';
import { shadowGc2022Klp } from './policy.js';

export const shadowGc2022: KernelModelDefinition = {
  name: 'shadow-gc-2022',
  description: '[PATCH v2 0/4] livepatch: Add garbage collection for shadow variables (2022-10-26)',
  klp: shadowGc2022Klp,
  modules: moduleSet(UNTOUCHED_MAINLINE_MODULES, shadowGc2022Modules),
  dialect: FUNCTIONS_SH_V6_1,
  modulesInTree: true,
  versions: [
    [6, 1],
    [6, 1],
  ],
  hazards: [
    {
      id: 'alloc-checks-registration-twice',
      summary: 'Only klp_shadow_get() checks the registration, so an alloc of an unregistered type prints the error twice and allocates anyway.',
      where: 'ShadowGcPolicy.__klp_shadow_get_or_alloc',
    },
    {
      id: 'replace-never-unregisters',
      summary:
        "Atomic replace never unregisters the replaced patches' types: after a replace the count for such an id never reaches 0 and its variables are never collected.",
      where: 'klp_post_unpatch_callback_after (not called for replaced patches)',
    },
    {
      id: 'register-messages-unterminated',
      summary: 'The register/unregister error messages have no trailing newline and print ids in decimal, so the next message joins their line.',
      where: 'ShadowGcPolicy.klp_shadow_register, klp_shadow_unregister',
    },
  ],
};
