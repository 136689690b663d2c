/** split-2020: livepatch modules split per object, loaded and removed with their targets */
import type { KernelModelDefinition } from '../../../models.js';
import { split2020Modules } from '../../../../modules/split-2020/index.js';
import { FUNCTIONS_SH_V5_5 } from '../mainline/dialect.js';
import { moduleSet } from '../mainline/modules.js';
import { split2020Klp } from './policy.js';

export const split2020: KernelModelDefinition = {
  name: 'split-2020',
  description: '[POC 00/23] livepatch: Split livepatch module per-object (2020-01-17, v5.5-rc6)',
  klp: split2020Klp,
  modules: moduleSet(split2020Modules),
  dialect: FUNCTIONS_SH_V5_5,
  modulesInTree: true,
  versions: [
    [5, 5],
    [5, 5],
  ],
  hazards: [
    {
      id: 'per-object-error-becomes-einval',
      summary: "A per-object module failing inside request_module() surfaces as -EINVAL on the target's load, whatever the real error was.",
      where: 'klp_module_coming_before_walk',
    },
    {
      id: 'lone-per-object-module-null-patch',
      summary: "Loading a per-object module without its main patch dereferences a NULL patch in the error path as posted (modelled with the object's patch_name).",
      where: 'SplitPolicy.klp_add_object',
    },
    {
      id: 'forced-object-module-stays',
      summary: "A forced patch's per-object modules are never put or deleted, unless their target module goes.",
      where: 'klp_kobj_release_object',
    },
    {
      id: 'object-added-during-transition',
      summary:
        "A target module loaded during a transition brings its per-object module, whose funcs klp_init_transition() never marked as in transition: a task that has already switched runs the other side's version.",
      where: 'klp_add_object, klp_init_transition',
      invariant: 'consistency-model',
      message: 'ran .* for .*, its patch state allows',
    },
  ],
};
