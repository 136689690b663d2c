/** replace-set-2026: scoped atomic replace, on the 7.1 tree the series was posted against */
import type { KernelModelDefinition } from '../../../models.js';
import { replaceSet2026Modules } from '../../../../modules/replace-set-2026/index.js';
import { FUNCTIONS_SH_V6_12 } from '../mainline/dialect.js';
import { mainlineModules, moduleSet } from '../mainline/modules.js';
import { replaceSet2026Klp } from './policy.js';

export const replaceSet2026: KernelModelDefinition = {
  name: 'replace-set-2026',
  description: '[PATCH v2 0/4] livepatch: Introduce replace set support (2026-05-29)',
  klp: replaceSet2026Klp,
  // 4/4 changes six livepatch modules; the others are mainline's
  modules: moduleSet(mainlineModules, replaceSet2026Modules),
  // the series does not touch functions.sh
  dialect: FUNCTIONS_SH_V6_12,
  modulesInTree: false,
  versions: [
    [7, 1],
    [7, 1],
  ],
  hazards: [
    {
      id: 'zero-set-replaces-all',
      summary:
        'replace_set 0 is an ordinary set and the zero-initialised default: livepatches written to coexist (mainline replace=false) now replace each other, and a same-set patch may no longer drop a state.',
      where: 'ReplaceSetPolicy.replaces_old_patch, klp_is_state_compatible',
    },
    {
      id: 'stack-order-removed-not-deprecated',
      summary: '3/4 only marks stack_order <deprecated> in the ABI document, but its code deletes the attribute: a reader gets ENOENT.',
      where: 'ReplaceSetPolicy.klp_patch_attrs',
    },
    {
      id: 'compat-check-before-validation',
      summary:
        "klp_is_patch_compatible() walks the new patch before klp_init_patch() has validated it; in C a func with a NULL old_name oopses in klp_find_func()'s strcmp() (sashiko-bot on 1/4 and 2/4). The simulator has no oops: the NULL name just matches nothing.",
      where: 'ReplaceSetPolicy.klp_is_patch_compatible, klp_find_func',
    },
  ],
};
