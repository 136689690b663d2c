// The body of test_modules/test_klp_state.c as it stands after v1 04/19; test_klp_state2.c
// and test_klp_state3.c only `#include` it, so the three differ in their module name
// alone. An atomic-replace livepatch with one state, id 1, that raises console_loglevel
// while the state exists. The original loglevel is kept in a shadow variable attached to
// console_loglevel with the state's id; is_shadow lets the core free it when the state is
// removed, so the module only reports that its dtor ran.
import { ENOMEM } from '../../harness/kernel/errno.js';
import type { Printk } from '../../harness/kernel/printk.js';
import type { klp_func, klp_object, klp_patch, klp_state } from '../../harness/livepatch/livepatch.js';
import type { ShadowData } from '../../harness/livepatch/shadow.js';
import type { states_state } from '../../harness/livepatch/models/states-api/fields.js';
import { defineModule, type ModuleSource } from '../../harness/module_api.js';

const CONSOLE_LOGLEVEL_FIX_ID = 1;
const CONSOLE_LOGLEVEL_MOTORMOUTH = 15;
/** sizeof(console_loglevel) */
const SIZEOF_INT = 4;

/**
 * &console_loglevel: one identity per booted kernel, the same for every module that
 * takes the address, as the linker would resolve it. Shadow variables are keyed by it.
 */
function address_of_console_loglevel(printk: Printk): object {
  return printk.console_loglevel_addr;
}

type LoglevelShadow = ShadowData & { loglevel?: number };

export function v1StateModule(name: string): ModuleSource {
  return defineModule(name, ({ THIS_MODULE, kernel, pr_info, pr_err, module_param_bool, klp_shadow_alloc, klp_shadow_get, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
    const printk = kernel.log;
    const loglevel_obj = address_of_console_loglevel(printk);

    const state_block_disable = module_param_bool('state_block_disable', false, 0o600);
    const no_state = module_param_bool('no_state', false, 0o600);

    function allocate_loglevel_state(): number {
      const sv = klp_shadow_alloc(loglevel_obj, CONSOLE_LOGLEVEL_FIX_ID, SIZEOF_INT);
      if (!sv) {
        pr_err('allocate_loglevel_state: failed to allocate shadow variable for the original loglevel\n');
        return -ENOMEM;
      }
      pr_info('allocate_loglevel_state: allocating space to store console_loglevel\n');
      return 0;
    }

    function fix_console_loglevel(): void {
      const sv = klp_shadow_get(loglevel_obj, CONSOLE_LOGLEVEL_FIX_ID) as LoglevelShadow | null;
      if (!sv) return;
      pr_info('fix_console_loglevel: fixing console_loglevel\n');
      sv.loglevel = printk.console_loglevel;
      printk.console_loglevel = CONSOLE_LOGLEVEL_MOTORMOUTH;
    }

    function restore_console_loglevel(): void {
      const sv = klp_shadow_get(loglevel_obj, CONSOLE_LOGLEVEL_FIX_ID) as LoglevelShadow | null;
      if (!sv) return;
      pr_info('restore_console_loglevel: restoring console_loglevel\n');
      printk.console_loglevel = sv.loglevel ?? printk.console_loglevel;
    }

    function pre_patch_callback(_patch: klp_patch, state: klp_state): number {
      pr_info(`pre_patch_callback: state ${state.id}\n`);
      return allocate_loglevel_state();
    }

    function post_patch_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`post_patch_callback: state ${state.id}\n`);
      fix_console_loglevel();
    }

    function pre_unpatch_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`pre_unpatch_callback: state ${state.id}\n`);
      restore_console_loglevel();
    }

    /** nothing left to do here: the core frees the shadow variable (is_shadow) */
    function post_unpatch_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`post_unpatch_callback: state ${state.id} (nope)\n`);
    }

    // the misspelt name is the C function's, and __func__ puts it into the log
    function shadow_conosle_loglevel_dtor(_obj: object, _shadow_data: ShadowData): void {
      pr_info('shadow_conosle_loglevel_dtor: freeing space for the stored console_loglevel\n');
    }

    const no_funcs: klp_func[] = [{}];
    // a vmlinux object without functions: the patch exists for its state only
    const objs: klp_object[] = [{ name: null, funcs: no_funcs }, {}];
    const states: states_state[] = [
      {
        id: CONSOLE_LOGLEVEL_FIX_ID,
        is_shadow: true,
        callbacks: {
          pre_patch: pre_patch_callback,
          post_patch: post_patch_callback,
          pre_unpatch: pre_unpatch_callback,
          post_unpatch: post_unpatch_callback,
          shadow_dtor: shadow_conosle_loglevel_dtor,
        },
      },
      { id: 0 },
    ];
    const patch: klp_patch = { mod: THIS_MODULE, objs, states, replace: true };

    // the init function kept the name it had in test_klp_callbacks_demo.c
    function test_klp_callbacks_demo_init(): number {
      states[0].block_disable = state_block_disable.value;
      if (no_state.value) patch.states = null;
      return klp_enable_patch(patch);
    }

    module_init(test_klp_callbacks_demo_init);
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
    MODULE_AUTHOR('Petr Mladek <pmladek@suse.com>');
    MODULE_DESCRIPTION('Livepatch test: system state modification');
  }, { load: { state_block_disable: ['1'], no_state: ['1'] } });
}
