/**
 * The mainline kernel (Linux 6.12 through 7.3): per-object callbacks, states as plain
 * data with version-based compatibility, shadow variables not tied to patches. Mainline
 * has no hooks: its rules are the core's.
 */
import type { KlpModel } from '../../model.js';
import { klp_is_patch_compatible } from '../../state.js';

export const mainlineKlp: KlpModel = {
  name: 'mainline',
  attach: (klp) => ({ klp_is_patch_compatible: (patch) => klp_is_patch_compatible(klp, patch) }),
};
