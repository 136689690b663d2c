/**
 * poc-2023: "[POC 0/7] livepatch: Make livepatch states, callbacks, and shadow variables
 * work together" (Petr Mladek, 2023-11-10). Per-state setup/enable/disable/release
 * callbacks replace the per-object ones; block_disable replaces the state version.
 */
import { stateCallbacksModel } from '../states-api/state_callbacks.js';

export const poc2023Klp = stateCallbacksModel({
  name: 'poc-2023',
  names: { pre_patch: 'setup', post_patch: 'enable', pre_unpatch: 'disable', post_unpatch: 'release' },
  releaseOnSetupFailure: true,
  // klp_release_states() frees the shadow variables whether or not setup succeeded
  freeShadowOnlyIfSucceeded: false,
  revertReplacedOnUnpatch: false,
});
