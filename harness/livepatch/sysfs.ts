/**
 * The livepatch sysfs interface (/sys/kernel/livepatch), as core.c defines it: the patch
 * attributes with their modes and handlers, the per-object `patched` attribute, and the
 * empty per-func directories.
 */
import { EINVAL } from '../kernel/errno.js';
import type { KobjAttribute } from '../kernel/kobject.js';
import { kstrtobool } from '../kernel/kstrtox.js';
import type { Klp } from './klp.js';
import type { klp_object, klp_patch } from './livepatch.js';
import { __klp_disable_patch } from './core.js';
import { klp_force_transition, klp_reverse_transition } from './transition.js';

export const SYSFS_KLP_DIR = '/sys/kernel/livepatch';

/** enabled_store(): disable, or reverse the transition in progress; never re-enable */
function enabled_store(klp: Klp, patch: klp_patch, buf: string): number {
  const enabled = kstrtobool(buf);
  if (typeof enabled === 'number') return enabled;
  let ret = 0;
  if (patch.enabled === enabled) {
    ret = -EINVAL; // already in the requested state
  } else {
    const blocked = klp.model.enabled_store_check?.(klp, patch);
    if (blocked) ret = blocked;
    else if (patch === klp.klp_transition_patch) klp_reverse_transition(klp);
    else if (!enabled) ret = __klp_disable_patch(klp, patch);
    else ret = -EINVAL;
  }
  return ret ? ret : buf.length;
}

/** force_store(): a false value succeeds without doing anything */
function force_store(klp: Klp, patch: klp_patch, buf: string): number {
  const val = kstrtobool(buf);
  if (typeof val === 'number') return val;
  if (!val) return buf.length;
  if (patch !== klp.klp_transition_patch) return -EINVAL;
  klp_force_transition(klp);
  return buf.length;
}

/** stack_order_show(): the position in klp_patches, counted at read time */
function stack_order_show(klp: Klp, patch: klp_patch): string {
  let stack_order = 0;
  for (const p of klp.klp_patches) {
    stack_order++;
    if (p === patch) break;
  }
  return `${stack_order}\n`;
}

export function klp_patch_attrs(klp: Klp, patch: klp_patch): KobjAttribute[] {
  const attrs: KobjAttribute[] = [
    { name: 'enabled', mode: 0o644, show: () => `${patch.enabled ? 1 : 0}\n`, store: (b) => enabled_store(klp, patch, b) },
    { name: 'transition', mode: 0o444, show: () => `${patch === klp.klp_transition_patch ? 1 : 0}\n` },
    { name: 'force', mode: 0o200, store: (b) => force_store(klp, patch, b) },
  ];
  // replace appeared in 6.11, stack_order in 6.13
  if (klp.k.versionAtLeast(6, 11)) attrs.push({ name: 'replace', mode: 0o444, show: () => `${patch.replace ? 1 : 0}\n` });
  if (klp.k.versionAtLeast(6, 13)) attrs.push({ name: 'stack_order', mode: 0o444, show: () => stack_order_show(klp, patch) });
  return attrs;
}

export function klp_object_attrs(klp: Klp, obj: klp_object): KobjAttribute[] {
  // <object>/patched appeared in 6.1
  if (!klp.k.versionAtLeast(6, 1)) return [];
  return [{ name: 'patched', mode: 0o444, show: () => `${obj.patched ? 1 : 0}\n` }];
}
