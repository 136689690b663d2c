// A per-object livepatch module of the split series, `<patch>__<module>`: one klp_object
// for the target module, with the main module's exported callbacks, handed to the patch
// by klp_add_object() from its init.
import type { ModuleSource } from '../../harness/module_api.js';
import { defineSplitModule } from '../../harness/livepatch/models/split-2020/api.js';
import type { split_object } from '../../harness/livepatch/models/split-2020/fields.js';
import type { KFunc } from '../../harness/kernel/kallsyms.js';
import type { klp_func } from '../../harness/livepatch/livepatch.js';

export interface PerObjectOptions {
  patch_name: string;
  target: string;
  /** the functions it replaces: old name and the replacement's body */
  funcs?: Array<{ old_name: string; new_name: string; body: (pr_info: (fmt: string) => void) => void }>;
}

export function perObjectModule(o: PerObjectOptions): ModuleSource {
  return defineSplitModule(`${o.patch_name}__${o.target}`, ({ THIS_MODULE, func, call, pr_info, symbol_get, klp_add_object, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    // resolved when the module is loaded, as the module loader resolves its symbols
    const cb = (name: string): KFunc => symbol_get(name);
    const pre_patch = cb('pre_patch_callback');
    const post_patch = cb('post_patch_callback');
    const pre_unpatch = cb('pre_unpatch_callback');
    const post_unpatch = cb('post_unpatch_callback');

    const funcs: klp_func[] = (o.funcs ?? []).map((f) => ({ old_name: f.old_name, new_func: func(f.new_name, () => f.body(pr_info)) }));
    funcs.push({});
    const obj: split_object = {
      name: o.target,
      patch_name: o.patch_name,
      lp_mod: THIS_MODULE,
      funcs,
      callbacks: {
        pre_patch: (ob) => call<number>(pre_patch, ob),
        post_patch: (ob) => call(post_patch, ob),
        pre_unpatch: (ob) => call(pre_unpatch, ob),
        post_unpatch: (ob) => call(post_unpatch, ob),
      },
    };

    module_init(() => klp_add_object(obj));
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  });
}
