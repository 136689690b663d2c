// The main livepatch modules of test-callbacks.sh in the split series
// (test_klp_callbacks_demo.c, test_klp_callbacks_demo2.c after 02/23): the vmlinux object
// only, the modules they may patch in obj_names, and callbacks exported for the
// per-object modules. demo2 renames its callbacks with a "2" suffix so that both can be
// loaded at once; the log shows the new names.
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { klp_func, klp_object } from '../../harness/livepatch/livepatch.js';
import type { split_object, split_patch } from '../../harness/livepatch/models/split-2020/fields.js';
import { callback_info } from './callback_info.js';

export interface DemoOptions {
  name: string;
  /** suffix of the exported callback names */
  suffix: string;
  obj_names: string[];
  /** demo has pre_patch_ret, demo2 has replace */
  params: 'pre_patch_ret' | 'replace';
}

export function callbacksDemo(o: DemoOptions): ModuleSource {
  return defineModule(o.name, ({ THIS_MODULE, func, call, pr_info, pr_err, find_module, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const pre_patch_ret = o.params === 'pre_patch_ret' ? module_param_int('pre_patch_ret', 0, 0o644, 'pre_patch_ret (default=0)') : undefined;
    const replace = o.params === 'replace' ? module_param_int('replace', 0, 0o644, 'replace (default=0)') : undefined;
    const info = (cb: string, obj: klp_object) => callback_info(pr_info, pr_err, find_module, cb, obj);

    // EXPORT_SYMBOL_GPL: the per-object modules call these
    const pre_patch = func(`pre_patch_callback${o.suffix}`, (obj: klp_object) => {
      info(`pre_patch_callback${o.suffix}`, obj);
      return pre_patch_ret?.value ?? 0;
    });
    const post_patch = func(`post_patch_callback${o.suffix}`, (obj: klp_object) => info(`post_patch_callback${o.suffix}`, obj));
    const pre_unpatch = func(`pre_unpatch_callback${o.suffix}`, (obj: klp_object) => info(`pre_unpatch_callback${o.suffix}`, obj));
    const post_unpatch = func(`post_unpatch_callback${o.suffix}`, (obj: klp_object) => info(`post_unpatch_callback${o.suffix}`, obj));

    const no_funcs: klp_func[] = [{}];
    const obj: split_object = {
      name: null /* vmlinux */,
      patch_name: o.name,
      lp_mod: THIS_MODULE,
      funcs: no_funcs,
      callbacks: {
        pre_patch: (ob) => call<number>(pre_patch, ob),
        post_patch: (ob) => call(post_patch, ob),
        pre_unpatch: (ob) => call(pre_unpatch, ob),
        post_unpatch: (ob) => call(post_unpatch, ob),
      },
    };
    const patch: split_patch = { mod: THIS_MODULE, objs: null, obj, obj_names: [...o.obj_names, null] };

    module_init(() => {
      if (replace) patch.replace = !!replace.value;
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  }, o.params === 'pre_patch_ret' ? { load: { pre_patch_ret: ['-19'] }, write: { pre_patch_ret: ['0', '-19'] } } : { load: { replace: ['1'] } });
}
