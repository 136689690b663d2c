// The console_loglevel state livepatches of test_klp_state.c and test_klp_state2.c: a
// replace patch with one klp_state (id 1) whose callbacks set and restore
// console_loglevel. Version 1 always does the work itself; version 2 takes the state over
// from a previous patch (klp_get_prev_state) instead. test_klp_state3.c includes
// test_klp_state2.c, so it is version 2 under another name.
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { klp_func, klp_object, klp_patch, klp_state } from '../../harness/livepatch/livepatch.js';
import { callback_info } from './callback_info.js';

const CONSOLE_LOGLEVEL_STATE = 1;
const CONSOLE_LOGLEVEL_MOTORMOUTH = 15;

/**
 * `patchInit`: the patch's initialisers beyond mod, objs and states; mainline's modules
 * say `.replace = true`, a series' versions may say something else
 */
export function stateModule(name: string, version: 1 | 2, patchInit: Partial<klp_patch> = { replace: true }): ModuleSource {
  return defineModule(name, ({ THIS_MODULE, kernel, pr_info, klp_get_state, klp_get_prev_state, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
    const printk = kernel.log;
    const migrates = version >= 2;
    const states: klp_state[] = [{ id: CONSOLE_LOGLEVEL_STATE, version }, { id: 0, version: 0 }];
    const no_funcs: klp_func[] = [{}];
    const objs: klp_object[] = [];
    const patch: klp_patch = { ...patchInit, mod: THIS_MODULE, objs, states };
    const prev = () => (migrates ? klp_get_prev_state(CONSOLE_LOGLEVEL_STATE) : null);

    function allocate_loglevel_state(): number {
      if (prev()) {
        pr_info('allocate_loglevel_state: space to store console_loglevel already allocated\n');
        return 0;
      }
      const loglevel_state = klp_get_state(patch, CONSOLE_LOGLEVEL_STATE);
      if (!loglevel_state) return -22;
      loglevel_state.data = { console_loglevel: 0 };
      pr_info('allocate_loglevel_state: allocating space to store console_loglevel\n');
      return 0;
    }

    function fix_console_loglevel(): void {
      const loglevel_state = klp_get_state(patch, CONSOLE_LOGLEVEL_STATE);
      if (!loglevel_state) return;
      const prev_state = prev();
      if (prev_state) {
        pr_info('fix_console_loglevel: taking over the console_loglevel change\n');
        loglevel_state.data = prev_state.data;
        return;
      }
      pr_info('fix_console_loglevel: fixing console_loglevel\n');
      (loglevel_state.data as { console_loglevel: number }).console_loglevel = printk.console_loglevel;
      printk.console_loglevel = CONSOLE_LOGLEVEL_MOTORMOUTH;
    }

    function restore_console_loglevel(): void {
      if (prev()) {
        pr_info('restore_console_loglevel: passing the console_loglevel change back to the old livepatch\n');
        return;
      }
      const loglevel_state = klp_get_state(patch, CONSOLE_LOGLEVEL_STATE);
      if (!loglevel_state) return;
      pr_info('restore_console_loglevel: restoring console_loglevel\n');
      printk.console_loglevel = (loglevel_state.data as { console_loglevel: number }).console_loglevel;
    }

    function free_loglevel_state(): void {
      if (prev()) {
        pr_info('free_loglevel_state: keeping space to store console_loglevel\n');
        return;
      }
      const loglevel_state = klp_get_state(patch, CONSOLE_LOGLEVEL_STATE);
      if (!loglevel_state) return;
      pr_info('free_loglevel_state: freeing space for the stored console_loglevel\n');
      loglevel_state.data = undefined;
    }

    objs.push(
      {
        name: null /* vmlinux */,
        funcs: no_funcs,
        callbacks: {
          pre_patch: (obj) => {
            callback_info(pr_info, 'pre_patch_callback', obj);
            return allocate_loglevel_state();
          },
          post_patch: (obj) => {
            callback_info(pr_info, 'post_patch_callback', obj);
            fix_console_loglevel();
          },
          pre_unpatch: (obj) => {
            callback_info(pr_info, 'pre_unpatch_callback', obj);
            restore_console_loglevel();
          },
          post_unpatch: (obj) => {
            callback_info(pr_info, 'post_unpatch_callback', obj);
            free_loglevel_state();
          },
        },
      },
      {},
    );

    module_init(() => klp_enable_patch(patch));
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
    MODULE_AUTHOR('Petr Mladek <pmladek@suse.com>');
    MODULE_DESCRIPTION('Livepatch test: system state modification');
  });
}
