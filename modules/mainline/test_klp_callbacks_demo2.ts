// Mirror of test_modules/test_klp_callbacks_demo2.c: callbacks on vmlinux only, with a
// `replace` parameter.
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';
import { callback_info } from './callback_info.js';
import { knobParam, REPLACE, type ReplaceKnob } from './replace_knob.js';

export function callbacksDemo2Module(knob: ReplaceKnob): ModuleSource {
  return defineModule('test_klp_callbacks_demo2', ({ THIS_MODULE, pr_info, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const replace = knobParam(knob, module_param_int);

    const no_funcs: klp_func[] = [{}];
    const objs: klp_object[] = [
      {
        name: null /* vmlinux */,
        funcs: no_funcs,
        callbacks: {
          pre_patch: (obj) => {
            callback_info(pr_info, 'pre_patch_callback', obj);
            return 0;
          },
          post_patch: (obj) => callback_info(pr_info, 'post_patch_callback', obj),
          pre_unpatch: (obj) => callback_info(pr_info, 'pre_unpatch_callback', obj),
          post_unpatch: (obj) => callback_info(pr_info, 'post_unpatch_callback', obj),
        },
      },
      {},
    ];
    const patch: klp_patch = { mod: THIS_MODULE, objs };

    module_init(() => {
      knob.apply(patch, replace.value);
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  }, { load: { [knob.name]: knob.explore } });
}

export default callbacksDemo2Module(REPLACE);
