/**
 * Per-object callbacks (kernel/livepatch/core.h). The post_unpatch_enabled flag is what
 * makes post_unpatch run only for objects whose pre_patch succeeded.
 *
 * Each call is also reported to klp.observer, when one is attached: the kernel has no
 * tracepoint here, but ftrace can trace these functions, and the explorer's
 * callbacks-balanced invariant watches them the same way, from outside the policy.
 */
import type { Klp } from './klp.js';
import type { klp_object } from './livepatch.js';

export function klp_pre_patch_callback(klp: Klp, obj: klp_object): number {
  let ret = 0;
  const cb = (obj.callbacks ??= {});
  if (cb.pre_patch) ret = cb.pre_patch(obj);
  cb.post_unpatch_enabled = !ret;
  klp.observer?.objectCallback('pre_patch', obj, ret);
  return ret;
}

export function klp_post_patch_callback(klp: Klp, obj: klp_object): void {
  obj.callbacks?.post_patch?.(obj);
  klp.observer?.objectCallback('post_patch', obj, 0);
}

export function klp_pre_unpatch_callback(klp: Klp, obj: klp_object): void {
  obj.callbacks?.pre_unpatch?.(obj);
  klp.observer?.objectCallback('pre_unpatch', obj, 0);
}

export function klp_post_unpatch_callback(klp: Klp, obj: klp_object): void {
  const cb = (obj.callbacks ??= {});
  const enabled = !!cb.post_unpatch_enabled;
  if (enabled && cb.post_unpatch) cb.post_unpatch(obj);
  cb.post_unpatch_enabled = false;
  // a skipped post_unpatch (its pre_patch failed) is no call at all
  if (enabled) klp.observer?.objectCallback('post_unpatch', obj, 0);
}
