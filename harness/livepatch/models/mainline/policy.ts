/**
 * The mainline kernel (Linux 6.12 through 7.3): per-object callbacks, states as plain
 * data with version-based compatibility, shadow variables not tied to patches. Its rules
 * are the core's, so its policy has no hooks.
 */
import type { KlpModel } from '../../model.js';

export const mainlineKlp: KlpModel = {
  name: 'mainline',
  attach: () => ({}),
};
