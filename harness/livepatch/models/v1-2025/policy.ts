/**
 * v1-2025: "[PATCH v1 00/19] livepatch: Better integrate callbacks and shadow variables
 * with the states API" (Petr Mladek, 2025-01-15). The POC's callbacks renamed to
 * pre_patch/post_patch/pre_unpatch/post_unpatch, shadow variables freed only for states
 * whose pre_patch succeeded, and a reverted atomic replace gives the replaced patches
 * their states back.
 */
import { stateCallbacksModel } from '../states-api/state_callbacks.js';

export const v12025Klp = stateCallbacksModel({
  name: 'v1-2025',
  names: { pre_patch: 'pre_patch', post_patch: 'post_patch', pre_unpatch: 'pre_unpatch', post_unpatch: 'post_unpatch' },
  releaseOnSetupFailure: false,
  freeShadowOnlyIfSucceeded: true,
  revertReplacedOnUnpatch: true,
});
