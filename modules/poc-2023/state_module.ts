// The POC's console_loglevel state livepatch (lib/livepatch/test_klp_state.c after POC 3/7
// and 7/7): a replace patch with one state (id 1) whose per-state callbacks raise
// console_loglevel and put it back. The original level is kept in a shadow variable on
// &console_loglevel, which setup allocates and release frees itself (the POC does not set
// is_shadow here).
//
// After 7/7 the state has no version, so test_klp_state2.c and test_klp_state3.c just
// include test_klp_state.c: the three differ only in their module name.
import { ENOMEM } from '../../harness/kernel/errno.js';
import type { klp_func, klp_object, klp_patch, klp_state } from '../../harness/livepatch/livepatch.js';
import type { states_state } from '../../harness/livepatch/models/states-api/fields.js';
import { defineModule, type ModuleSource } from '../../harness/module_api.js';

const CONSOLE_LOGLEVEL_FIX_ID = 1;
const CONSOLE_LOGLEVEL_MOTORMOUTH = 15;
/** sizeof(int) */
const INT_SIZE = 4;

export function pocStateModule(name: string): ModuleSource {
  return defineModule(name, ({ THIS_MODULE, kernel, pr_info, pr_err, kstrtobool, module_param_cb, klp_enable_patch, klp_shadow_alloc, klp_shadow_get, klp_shadow_free, module_init, module_exit, MODULE_LICENSE, MODULE_INFO, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
    // console_loglevel lives in the printk state; that object's identity is its address
    // (&console_loglevel), the key of the shadow variable
    const printk = kernel.log;
    const console_loglevel_addr: object = printk;

    function allocate_loglevel_state(): number {
      pr_info('allocate_loglevel_state: allocating space to store console_loglevel\n');
      const shadow = klp_shadow_alloc(console_loglevel_addr, CONSOLE_LOGLEVEL_FIX_ID, INT_SIZE);
      if (!shadow) {
        pr_err('allocate_loglevel_state: failed to allocated shadow variable for storing original loglevel\n');
        return -ENOMEM;
      }
      return 0;
    }

    function fix_console_loglevel(): void {
      pr_info('fix_console_loglevel: fixing console_loglevel\n');
      const shadow = klp_shadow_get(console_loglevel_addr, CONSOLE_LOGLEVEL_FIX_ID);
      // setup allocated it; without it there is nowhere to keep the original level
      if (!shadow) return;
      shadow.console_loglevel = printk.console_loglevel;
      printk.console_loglevel = CONSOLE_LOGLEVEL_MOTORMOUTH;
    }

    function restore_console_loglevel(): void {
      pr_info('restore_console_loglevel: restoring console_loglevel\n');
      const shadow = klp_shadow_get(console_loglevel_addr, CONSOLE_LOGLEVEL_FIX_ID);
      if (!shadow) return;
      printk.console_loglevel = shadow.console_loglevel as number;
    }

    function free_loglevel_state(): void {
      pr_info('free_loglevel_state: freeing space for the stored console_loglevel\n');
      klp_shadow_free(console_loglevel_addr, CONSOLE_LOGLEVEL_FIX_ID, null);
    }

    function setup_state_callback(_patch: klp_patch, state: klp_state): number {
      pr_info(`setup_state_callback: state ${state.id}\n`);
      return allocate_loglevel_state();
    }
    function enable_state_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`enable_state_callback: state ${state.id}\n`);
      fix_console_loglevel();
    }
    function disable_state_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`disable_state_callback: state ${state.id}\n`);
      restore_console_loglevel();
    }
    function release_state_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`release_state_callback: state ${state.id}\n`);
      free_loglevel_state();
    }

    const no_funcs: klp_func[] = [{}];
    const objs: klp_object[] = [{ name: null /* vmlinux */, funcs: no_funcs }, {}];
    const states: states_state[] = [
      {
        id: CONSOLE_LOGLEVEL_FIX_ID,
        callbacks: {
          setup: setup_state_callback,
          enable: enable_state_callback,
          disable: disable_state_callback,
          release: release_state_callback,
        },
      },
      { id: 0 },
    ];
    const patch: klp_patch = { mod: THIS_MODULE, objs, states, replace: true };

    // block_state_disable: whether the state forbids disabling the patch (and replacing it
    // by a patch without the state). Reading it reports in the log.
    module_param_cb('block_state_disable', {
      set: (val) => {
        const block = kstrtobool(val);
        if (typeof block === 'number') return block;
        states[0].block_disable = block;
        return 0;
      },
      get: () => {
        pr_info(`block_state_disable_get: Disable transition is ${states[0].block_disable ? 'not supported' : 'supported'} by state: ${states[0].id}\n`);
        return '';
      },
    }, 0o600, 'Block disable of the livepatch via the state (default=false)');

    // no_state: load the patch without its state, to test the compatibility check
    let no_state = false;
    module_param_cb('no_state', {
      set: (val) => {
        const r = kstrtobool(val);
        if (typeof r === 'number') return r;
        no_state = r;
        return 0;
      },
      get: () => `${no_state ? 'Y' : 'N'}\n`,
    }, 0o400, 'Do not add the state into the livepatch (default=false)');

    module_init(() => {
      if (no_state) patch.states = null;
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
    MODULE_AUTHOR('Petr Mladek <pmladek@suse.com>');
    MODULE_DESCRIPTION('Livepatch test: system state modification');
  }, { load: { block_state_disable: ['1'], no_state: ['1'] }, write: { block_state_disable: ['0', '1'] } });
}

