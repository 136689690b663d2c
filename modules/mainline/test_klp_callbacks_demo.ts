// Mirror of test_modules/test_klp_callbacks_demo.c: all four callbacks on vmlinux,
// test_klp_callbacks_mod and test_klp_callbacks_busy; pre_patch returns `pre_patch_ret`.
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { klp_callbacks, klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';
import { callback_info } from './callback_info.js';
import { knobParam, type ReplaceKnob } from './replace_knob.js';

/** mainline's module has no replace knob; a series may add one (replace_knob.ts) */
export function callbacksDemoModule(knob?: ReplaceKnob): ModuleSource {
  return defineModule('test_klp_callbacks_demo', ({ THIS_MODULE, func, pr_info, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const replace = knob && knobParam(knob, module_param_int);
    const pre_patch_ret = module_param_int('pre_patch_ret', 0, 0o644, 'pre_patch_ret (default=0)');

    /* Executed on object patching (ie, patch enablement) */
    function pre_patch_callback(obj: klp_object): number {
      callback_info(pr_info, 'pre_patch_callback', obj);
      return pre_patch_ret.value;
    }
    /* Executed on object unpatching (ie, patch disablement) */
    function post_patch_callback(obj: klp_object): void {
      callback_info(pr_info, 'post_patch_callback', obj);
    }
    /* Executed on object unpatching (ie, patch disablement) */
    function pre_unpatch_callback(obj: klp_object): void {
      callback_info(pr_info, 'pre_unpatch_callback', obj);
    }
    /* Executed on object unpatching (ie, patch disablement) */
    function post_unpatch_callback(obj: klp_object): void {
      callback_info(pr_info, 'post_unpatch_callback', obj);
    }

    const patched_work_func = func('patched_work_func', () => {
      pr_info('patched_work_func\n');
    });

    const callbacks = (): klp_callbacks => ({
      pre_patch: pre_patch_callback,
      post_patch: post_patch_callback,
      pre_unpatch: pre_unpatch_callback,
      post_unpatch: post_unpatch_callback,
    });

    const no_funcs: klp_func[] = [{}];
    const busymod_funcs: klp_func[] = [{ old_name: 'busymod_work_func', new_func: patched_work_func }, {}];
    const objs: klp_object[] = [
      { name: null /* vmlinux */, funcs: no_funcs, callbacks: callbacks() },
      { name: 'test_klp_callbacks_mod', funcs: no_funcs, callbacks: callbacks() },
      { name: 'test_klp_callbacks_busy', funcs: busymod_funcs, callbacks: callbacks() },
      {},
    ];
    const patch: klp_patch = { mod: THIS_MODULE, objs };

    module_init(() => {
      if (knob && replace) knob.apply(patch, replace.value);
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  }, { load: { pre_patch_ret: ['-19'], ...(knob ? { [knob.name]: knob.explore } : {}) }, write: { pre_patch_ret: ['0', '-19'] } });
}

export default callbacksDemoModule();
