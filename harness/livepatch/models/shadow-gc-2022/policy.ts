/**
 * shadow-gc-2022: mainline's rules plus shadow variable types that objects register when
 * they are patched and unregister when they are unpatched, with garbage collection when
 * the last registration of an id goes (see ../shadow_types.ts for the posted code's
 * quirks and the replace case).
 */
import type { KlpModel } from '../../model.js';
import { klp_register_shadow_types, klp_unregister_shadow_types } from './shadow_types.js';
import { klp_is_patch_compatible } from '../../state.js';

export const shadowGc2022: KlpModel = {
  name: 'shadow-gc-2022',
  klp_is_patch_compatible,
  object_pre_patch: klp_register_shadow_types,
  object_post_unpatch: klp_unregister_shadow_types,
};
