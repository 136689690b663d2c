/** mainline: the kernel as it is, the model the proposals are measured against */
import type { KernelModelDefinition } from '../../../models.js';
import { mainlineKlp } from './policy.js';
import { MAINLINE_7_1, MAINLINE_RELEASES } from './releases.js';

export const mainline: KernelModelDefinition = {
  name: 'mainline',
  description: 'Linux livepatch core and selftests: the 6.1 and 6.12 releases, and 6.13-7.3',
  klp: mainlineKlp,
  // unversioned, mainline is its newest release
  modules: MAINLINE_7_1.modules,
  dialect: MAINLINE_7_1.dialect,
  kernel: MAINLINE_7_1.kernel,
  modulesInTree: false,
  versions: [
    [6, 1],
    [7, 3],
  ],
  releases: MAINLINE_RELEASES,
  hazards: [],
};
