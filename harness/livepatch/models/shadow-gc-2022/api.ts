/**
 * What the series exports to livepatch modules beyond mainline's API: the type-based
 * shadow variable functions. They keep the C names with other signatures, so modules reach
 * them as `shadow_gc.klp_shadow_alloc(...)` beside mainline's id-based ones.
 */
import type { Machine } from '../../../boot.js';
import { defineModuleWith, type ModuleApi, type ModuleSource } from '../../../module_api.js';
import { ShadowGcPolicy } from './policy.js';

export interface ShadowGcModuleApi {
  shadow_gc: Pick<
    ShadowGcPolicy,
    | 'klp_shadow_register'
    | 'klp_shadow_unregister'
    | 'klp_shadow_get'
    | 'klp_shadow_alloc'
    | 'klp_shadow_get_or_alloc'
    | 'klp_shadow_free'
    | 'klp_shadow_free_all'
  >;
}

function shadowGcModuleApi(machine: Machine): ShadowGcModuleApi {
  const p = machine.klp.policy;
  if (!(p instanceof ShadowGcPolicy)) throw new Error(`a shadow-gc-2022 module loaded under ${machine.model.name}`);
  return {
    shadow_gc: {
      klp_shadow_register: (t) => p.klp_shadow_register(t),
      klp_shadow_unregister: (t) => p.klp_shadow_unregister(t),
      klp_shadow_get: (obj, t) => p.klp_shadow_get(obj, t),
      klp_shadow_alloc: (obj, t, size, ctor_data) => p.klp_shadow_alloc(obj, t, size, ctor_data),
      klp_shadow_get_or_alloc: (obj, t, size, ctor_data) => p.klp_shadow_get_or_alloc(obj, t, size, ctor_data),
      klp_shadow_free: (obj, t) => p.klp_shadow_free(obj, t),
      klp_shadow_free_all: (t) => p.klp_shadow_free_all(t),
    },
  };
}

/** a test module of the series */
export function defineShadowGcModule(name: string, body: (api: ModuleApi & ShadowGcModuleApi) => void): ModuleSource {
  return defineModuleWith(shadowGcModuleApi, name, body);
}
