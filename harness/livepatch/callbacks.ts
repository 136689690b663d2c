/**
 * Per-object callbacks (kernel/livepatch/core.h). The post_unpatch_enabled flag is what
 * makes post_unpatch run only for objects whose pre_patch succeeded.
 */
import type { klp_object } from './livepatch.js';

export function klp_pre_patch_callback(obj: klp_object): number {
  let ret = 0;
  const cb = (obj.callbacks ??= {});
  if (cb.pre_patch) ret = cb.pre_patch(obj);
  cb.post_unpatch_enabled = !ret;
  return ret;
}

export function klp_post_patch_callback(obj: klp_object): void {
  obj.callbacks?.post_patch?.(obj);
}

export function klp_pre_unpatch_callback(obj: klp_object): void {
  obj.callbacks?.pre_unpatch?.(obj);
}

export function klp_post_unpatch_callback(obj: klp_object): void {
  const cb = (obj.callbacks ??= {});
  if (cb.post_unpatch_enabled && cb.post_unpatch) cb.post_unpatch(obj);
  cb.post_unpatch_enabled = false;
}
