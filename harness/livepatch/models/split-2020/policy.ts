/**
 * split-2020: "[POC 00/23] livepatch: Split livepatch module per-object" (Petr Mladek,
 * 2020-01-17, against v5.5-rc6). Mainline rules of that time, with livepatch modules
 * per object loaded and removed by the kernel (see ../split.ts).
 */
import type { KlpModel } from '../../model.js';
import {
  split_enable_patch_early,
  split_enable_patch_prepare,
  split_enabled_store_check,
  split_module_coming,
  split_module_going,
  split_object_freed,
} from './split.js';
import { klp_is_patch_compatible } from '../../state.js';

export const split2020: KlpModel = {
  name: 'split-2020',
  klp_is_patch_compatible,
  enabled_store_check: split_enabled_store_check,
  enable_patch_prepare: split_enable_patch_prepare,
  enable_patch_early: split_enable_patch_early,
  module_coming: split_module_coming,
  module_going: split_module_going,
  object_freed: (klp, patch, obj) => split_object_freed(klp, patch, obj),
};
