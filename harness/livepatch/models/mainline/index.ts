/** mainline: the kernel as it is, the model the proposals are measured against */
import type { KernelModelDefinition } from '../../../models.js';
import { FUNCTIONS_SH_V6_12 } from './dialect.js';
import { mainlineModules, moduleSet } from './modules.js';
import { mainlineKlp } from './policy.js';

export const mainline: KernelModelDefinition = {
  name: 'mainline',
  description: 'Linux 6.12-7.3 livepatch core and selftests',
  klp: mainlineKlp,
  modules: moduleSet(mainlineModules),
  dialect: FUNCTIONS_SH_V6_12,
  modulesInTree: false,
  versions: [
    [6, 12],
    [7, 3],
  ],
  hazards: [],
};
