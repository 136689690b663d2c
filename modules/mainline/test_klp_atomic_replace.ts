// Mirror of test_modules/test_klp_atomic_replace.c: patches meminfo_proc_show; the
// `replace` parameter decides whether the patch is an atomic replace (a series may give it
// another knob: replace_knob.ts).
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { SeqFile } from '../../harness/kernel/seq_file.js';
import type { klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';
import { knobParam, REPLACE, type ReplaceKnob } from './replace_knob.js';

export function atomicReplaceModule(knob: ReplaceKnob): ModuleSource {
  return defineModule('test_klp_atomic_replace', ({ THIS_MODULE, func, seq_printf, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const replace = knobParam(knob, module_param_int);

    const livepatch_meminfo_proc_show = func('livepatch_meminfo_proc_show', (m: SeqFile) => {
      seq_printf(m, `${THIS_MODULE.name}: this has been live patched\n`);
      return 0;
    });

    const funcs: klp_func[] = [{ old_name: 'meminfo_proc_show', new_func: livepatch_meminfo_proc_show }, {}];
    const objs: klp_object[] = [{ funcs }, {}];
    /* set .replace in the init function below for demo purposes */
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

export default atomicReplaceModule(REPLACE);
