/**
 * The livepatch sysfs interface (/sys/kernel/livepatch), as core.c defines it: the patch
 * attributes with their modes and handlers, the per-object `patched` attribute, and the
 * empty per-func directories. enabled_store() and force_store()
 * are core.ts's: they start, reverse and force transitions.
 */
import type { KobjAttribute } from '../kernel/kobject.js';
import type { Klp } from './klp.js';
import type { klp_object, klp_patch } from './livepatch.js';

export const SYSFS_KLP_DIR = '/sys/kernel/livepatch';

/** stack_order_show(): the position in klp_patches, counted at read time */
function stack_order_show(klp: Klp, patch: klp_patch): string {
  let stack_order = 0;
  for (const p of klp.klp_patches) {
    stack_order++;
    if (p === patch) break;
  }
  return `${stack_order}\n`;
}

/** the stores of a patch's attributes: core.c's, since they start and force transitions */
export interface KlpPatchStores {
  enabled_store(buf: string): number;
  force_store(buf: string): number;
}

export function klp_patch_attrs(klp: Klp, patch: klp_patch, { enabled_store, force_store }: KlpPatchStores): KobjAttribute[] {
  const attrs: KobjAttribute[] = [
    { name: 'enabled', mode: 0o644, show: () => `${patch.enabled ? 1 : 0}\n`, store: enabled_store },
    { name: 'transition', mode: 0o444, show: () => `${patch === klp.klp_transition_patch ? 1 : 0}\n` },
    { name: 'force', mode: 0o200, store: force_store },
  ];
  // replace appeared in 6.11, stack_order in 6.13
  if (klp.k.versionAtLeast(6, 11)) attrs.push({ name: 'replace', mode: 0o444, show: () => `${patch.replace ? 1 : 0}\n` });
  if (klp.k.versionAtLeast(6, 13)) attrs.push({ name: 'stack_order', mode: 0o444, show: () => stack_order_show(klp, patch) });
  return klp.policy.klp_patch_attrs?.(patch, attrs) ?? attrs;
}

export function klp_object_attrs(klp: Klp, obj: klp_object): KobjAttribute[] {
  // <object>/patched appeared in 6.1
  if (!klp.k.versionAtLeast(6, 1)) return [];
  return [{ name: 'patched', mode: 0o444, show: () => `${obj.patched ? 1 : 0}\n` }];
}
