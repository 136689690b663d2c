// Mirror of tools/testing/selftests/livepatch/test_modules/test_klp_livepatch.c:
// replaces cmdline_proc_show so that /proc/cmdline reads "<module>: this has been live patched".
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { SeqFile } from '../../harness/kernel/seq_file.js';
import type { klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';
import { knobParam, type ReplaceKnob } from './replace_knob.js';

/** mainline's module has no replace knob; a series may add one (replace_knob.ts) */
export function livepatchModule(knob?: ReplaceKnob): ModuleSource {
  return defineModule('test_klp_livepatch', ({ THIS_MODULE, func, seq_printf, module_param_int, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const livepatch_cmdline_proc_show = func('livepatch_cmdline_proc_show', (m: SeqFile) => {
      seq_printf(m, `${THIS_MODULE.name}: this has been live patched\n`);
      return 0;
    });

    const replace = knob && knobParam(knob, module_param_int);

    const funcs: klp_func[] = [{ old_name: 'cmdline_proc_show', new_func: livepatch_cmdline_proc_show }, {}];
    const objs: klp_object[] = [{ /* name being NULL means vmlinux */ funcs }, {}];
    const patch: klp_patch = { mod: THIS_MODULE, objs };

    module_init(() => {
      if (knob && replace) knob.apply(patch, replace.value);
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  }, knob ? { load: { [knob.name]: knob.explore } } : undefined);
}

export default livepatchModule();
