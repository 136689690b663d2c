/**
 * What the series exports to livepatch modules beyond mainline's API: klp_add_object(),
 * which a per-object livepatch module calls from its init.
 */
import type { Machine } from '../../../boot.js';
import { defineModuleWith, type ModuleApi, type ModuleSource } from '../../../module_api.js';
import type { split_object } from './fields.js';
import { SplitPolicy } from './policy.js';

export interface SplitModuleApi {
  klp_add_object(obj: split_object): number;
}

function splitModuleApi(machine: Machine): SplitModuleApi {
  const policy = machine.klp.policy;
  if (!(policy instanceof SplitPolicy)) throw new Error(`a split-2020 module loaded under ${machine.model.name}`);
  return { klp_add_object: (obj) => policy.klp_add_object(obj) };
}

/** a test module of the series */
export function defineSplitModule(name: string, body: (api: ModuleApi & SplitModuleApi) => void): ModuleSource {
  return defineModuleWith(splitModuleApi, name, body);
}
