// Mirror of test_modules/test_klp_kprobe.c: a kprobe on cmdline_proc_show, with an empty
// post handler unless has_post_handler=n. Prints nothing.
import { defineModule } from '../../harness/module_api.js';
import type { kprobe } from '../../harness/kernel/kprobes.js';

export default defineModule('test_klp_kprobe', ({ module_param_bool, register_kprobe, unregister_kprobe, module_init, module_exit, MODULE_LICENSE, MODULE_DESCRIPTION }) => {
  const has_post_handler = module_param_bool('has_post_handler', true, 0o444, 'Whether to register a post_handler for the kprobe (default=true)');
  const kp: kprobe = { symbol_name: 'cmdline_proc_show' };

  function post_handler(): void {}

  module_init(() => {
    if (has_post_handler.value) kp.post_handler = post_handler;
    return register_kprobe(kp);
  });
  module_exit(() => unregister_kprobe(kp));
  MODULE_LICENSE('GPL');
  MODULE_DESCRIPTION('Livepatch test: kprobe function');
}, { load: { has_post_handler: ['0'] } });
