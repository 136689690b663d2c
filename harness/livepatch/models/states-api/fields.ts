/**
 * What the states proposals add to struct klp_state: per-state callbacks, block_disable,
 * and shadow variables that live and die with the state.
 */
import type { ShadowData } from '../../shadow.js';
import type { klp_patch, klp_state } from '../../livepatch.js';

/**
 * Per-state callbacks. v1-2025 names them pre_patch, post_patch, pre_unpatch and
 * post_unpatch; poc-2023 names them setup, enable, disable and release. A model reads the
 * names of its series.
 */
export interface klp_state_callbacks {
  pre_patch?: (patch: klp_patch, state: klp_state) => number;
  post_patch?: (patch: klp_patch, state: klp_state) => void;
  pre_unpatch?: (patch: klp_patch, state: klp_state) => void;
  post_unpatch?: (patch: klp_patch, state: klp_state) => void;
  setup?: (patch: klp_patch, state: klp_state) => number;
  enable?: (patch: klp_patch, state: klp_state) => void;
  disable?: (patch: klp_patch, state: klp_state) => void;
  release?: (patch: klp_patch, state: klp_state) => void;
  /** frees the state's shadow variables when the state goes (is_shadow) */
  shadow_dtor?: ((obj: object, shadow_data: ShadowData) => void) | null;
  /** internal: pre_patch (setup) ran without error, so post_unpatch (release) may run */
  pre_patch_succeeded?: boolean;
}

export interface states_state extends klp_state {
  callbacks?: klp_state_callbacks;
  /** refuse to disable a patch with this state, or to replace it by one without */
  block_disable?: boolean;
  /** shadow variables with this id live and die with the state */
  is_shadow?: boolean;
}
