// The test-callbacks.sh modules of the split series (lib/livepatch after 02/23): main
// livepatch modules, their per-object modules, and the v5.5 targets.
import type { ModuleSource } from '../../harness/module_api.js';
import test_klp_callbacks_mod from '../mainline/test_klp_callbacks_mod.js';
import { callbacksDemo } from './callbacks_demo_module.js';
import { perObjectModule } from './per_object_module.js';
import test_klp_callbacks_busy from './test_klp_callbacks_busy.js';

export const split2020Modules: ModuleSource[] = [
  callbacksDemo({
    name: 'test_klp_callbacks_demo',
    suffix: '',
    obj_names: ['test_klp_callbacks_mod', 'test_klp_callbacks_busy'],
    params: 'pre_patch_ret',
  }),
  perObjectModule({ patch_name: 'test_klp_callbacks_demo', target: 'test_klp_callbacks_mod' }),
  perObjectModule({
    patch_name: 'test_klp_callbacks_demo',
    target: 'test_klp_callbacks_busy',
    funcs: [{ old_name: 'busymod_work_func', new_name: 'patched_work_func', body: (pr_info) => pr_info('patched_work_func\n') }],
  }),
  callbacksDemo({ name: 'test_klp_callbacks_demo2', suffix: '2', obj_names: [], params: 'replace' }),
  test_klp_callbacks_busy,
  // unchanged by the series
  test_klp_callbacks_mod,
];
