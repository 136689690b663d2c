/**
 * The mainline kernel (Linux 6.12 through 7.3): per-object callbacks, states as plain
 * data with version-based compatibility, shadow variables not tied to patches.
 */
import type { KlpModel } from '../../model.js';
import { klp_is_patch_compatible } from '../../state.js';

export const mainline: KlpModel = {
  name: 'mainline',
  klp_is_patch_compatible,
};
