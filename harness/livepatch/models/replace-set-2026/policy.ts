/**
 * replace-set-2026: "[PATCH v2 0/4] livepatch: Introduce replace set support" (Yafang Shao,
 * 2026-05-29). Atomic replace is scoped: a new patch replaces only the older patches of
 * its replace_set, and patches of different sets must neither patch the same function nor
 * use the same state id. The `replace` attribute becomes `replace_set`; `stack_order` goes.
 */
import type { KobjAttribute } from '../../../kernel/kobject.js';
import { klp_find_func } from '../../core.js';
import type { Klp } from '../../klp.js';
import {
  klp_for_each_func_static,
  klp_for_each_object,
  klp_for_each_object_static,
  klp_for_each_state,
  type klp_patch,
  type klp_state,
} from '../../livepatch.js';
import type { KlpModel, KlpPolicy } from '../../model.js';
import { klp_get_state } from '../../state.js';
import { replace_set_of } from './fields.js';

export class ReplaceSetPolicy implements KlpPolicy {
  constructor(private readonly klp: Klp) {}

  /** 2/4: klp_init_patch() builds the nops and klp_complete_transition() replaces, for every patch */
  atomic_replace(): boolean {
    return true;
  }

  /** 2/4: each walk over the older patches skips `patch->replace_set != old_patch->replace_set` */
  replaces_old_patch(patch: klp_patch, old_patch: klp_patch): boolean {
    return replace_set_of(patch) === replace_set_of(old_patch);
  }

  /**
   * 2/4 klp_is_patch_compatible(), state.c. It runs before klp_init_patch(), so it walks the
   * new patch's static arrays and the installed patches' dynamic lists (nops included).
   */
  klp_is_patch_compatible(patch: klp_patch): boolean {
    for (const old_patch of this.klp.klp_patches) {
      for (const old_state of klp_for_each_state(old_patch))
        if (!klp_is_state_compatible(patch, old_patch, old_state)) return false;

      if (replace_set_of(old_patch) === replace_set_of(patch)) continue;

      // a function already patched by a patch of another set may not be patched again
      for (const obj of klp_for_each_object_static(patch)) {
        for (const old_obj of klp_for_each_object(old_patch)) {
          if (!!obj.name !== !!old_obj.name) continue;
          if (obj.name && obj.name !== old_obj.name) continue;
          for (const func of klp_for_each_func_static(obj)) if (klp_find_func(this.klp, old_obj, func)) return false;
        }
      }
    }
    return true;
  }

  /** 2/4 renames `replace` to `replace_set` ("%u"); 3/4 deletes `stack_order` */
  klp_patch_attrs(patch: klp_patch, attrs: KobjAttribute[]): KobjAttribute[] {
    return attrs
      .filter((attr) => attr.name !== 'stack_order')
      .map((attr) => (attr.name === 'replace' ? { name: 'replace_set', mode: 0o444, show: () => `${replace_set_of(patch)}\n` } : attr));
  }
}

/**
 * 2/4 klp_is_state_compatible(): the same set must carry every state of the old patch at
 * a version no lower; another set must not use the old patch's state ids at all.
 */
function klp_is_state_compatible(patch: klp_patch, old_patch: klp_patch, old_state: klp_state): boolean {
  const state = klp_get_state(patch, old_state.id);
  if (replace_set_of(patch) === replace_set_of(old_patch)) {
    if (!state) return false;
    return (state.version ?? 0) >= (old_state.version ?? 0);
  }
  return !state;
}

export const replaceSet2026Klp: KlpModel = { name: 'replace-set-2026', attach: (klp) => new ReplaceSetPolicy(klp) };
