// The POC's speaker livepatch (lib/livepatch/test_klp_speaker_livepatch.c, POC 4/7 and 5/7):
// fixes the welcome of both speaker modules and, with add_applause=1, carries the state
// "applause" (id 1). The state's callbacks keep the applause text in a shadow variable that
// the fixed welcome prints: "[] " after setup, "[APPLAUSE] " once enabled, "" once disabled.
// The state is is_shadow, so the core frees the variable when the state goes away;
// release frees it explicitly as well (the POC does both).
//
// test_klp_speaker_livepatch2 is the same source under another module name.
import { ENOMEM } from '../../harness/kernel/errno.js';
import type { klp_func, klp_object, klp_patch, klp_state } from '../../harness/livepatch/livepatch.js';
import type { states_state } from '../../harness/livepatch/models/states-api/fields.js';
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { Speaker } from './test_klp_speaker_h.js';

const APPLAUSE_ID = 1;
const APPLAUSE_SIZE = 64;

/**
 * The shadow variable is attached to NULL. The simulated shadow table keys on object
 * identity, so one frozen object stands for the NULL pointer; both livepatch modules are
 * built from this file and therefore use the same key, as C code passing NULL would.
 */
const shadow_object: object = Object.freeze({});

export function speakerLivepatchModule(name: string): ModuleSource {
  return defineModule(name, ({ THIS_MODULE, func, call_sleeping, pr_info, pr_warn, pr_err, errname, module_param_bool, module_param_int, klp_enable_patch, klp_shadow_alloc, klp_shadow_get, klp_shadow_free, module_init, module_exit, MODULE_LICENSE, MODULE_INFO, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
    const add_applause = module_param_bool('add_applause', false, 0o600, 'Use livepatch state to add an applause (default=false)');
    const setup_ret = module_param_int('setup_ret', 0, 0o644, 'The return value of the setup callback (default=0)');
    const noreplace = module_param_bool('noreplace', false, 0o600, 'Do not replace other livepatches (default=false)');

    /** the applause text, or "" when there is no shadow variable (no state, or not yet set up) */
    function applause(): string {
      const sv = klp_shadow_get(shadow_object, APPLAUSE_ID);
      return sv ? (sv.applause as string) : '';
    }

    function welcome(caller: string): void {
      pr_info(`${caller}: ${applause()}Ladies and gentleman, ...\n`);
    }

    const livepatch_speaker_welcome = func('livepatch_speaker_welcome', () => welcome('livepatch_speaker_welcome'));
    const livepatch_speaker_welcome2 = func('livepatch_speaker_welcome2', () => welcome('livepatch_speaker_welcome2'));

    // the fixed call_speaker goes on to the target's own waiting function
    const livepatch_call_speaker = func('livepatch_call_speaker', function* (sp: Speaker) {
      pr_info('livepatch_call_speaker: Calling speaker (fixed).\n');
      yield* call_sleeping(sp.wait_and_welcome, sp);
    });
    const livepatch_call_speaker2 = func('livepatch_call_speaker2', function* (sp: Speaker) {
      pr_info('livepatch_call_speaker2: Calling speaker (fixed).\n');
      yield* call_sleeping(sp.wait_and_welcome, sp);
    });

    /** store a new applause text into the existing shadow variable */
    function set_applause(caller: string, text: string): void {
      const sv = klp_shadow_get(shadow_object, APPLAUSE_ID);
      if (!sv) {
        pr_err(`${caller}: failed to get shadow variable with the applause description: ${APPLAUSE_ID}\n`);
        return;
      }
      sv.applause = text;
    }

    function setup_applause_callback(_patch: klp_patch, state: klp_state): number {
      pr_info(`setup_applause_callback: state ${state.id}\n`);
      if (setup_ret.value) {
        pr_err(`setup_applause_callback: forcing err: ${errname(setup_ret.value)}\n`);
        return setup_ret.value;
      }
      const sv = klp_shadow_alloc(shadow_object, APPLAUSE_ID, APPLAUSE_SIZE);
      if (!sv) {
        pr_err('setup_applause_callback: failed to allocated shadow variable for storing an applause description\n');
        return -ENOMEM;
      }
      sv.applause = '[] ';
      return 0;
    }

    function enable_applause_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`enable_applause_callback: state ${state.id}\n`);
      set_applause('enable_applause_callback', '[APPLAUSE] ');
    }

    function disable_applause_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`disable_applause_callback: state ${state.id}\n`);
      // applause[0] = '\0'
      set_applause('disable_applause_callback', '');
    }

    function release_applause_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`release_applause_callback: state ${state.id}\n`);
      klp_shadow_free(shadow_object, APPLAUSE_ID, null);
    }

    const speaker_funcs: klp_func[] = [
      { old_name: 'speaker_welcome', new_func: livepatch_speaker_welcome },
      { old_name: 'call_speaker', new_func: livepatch_call_speaker },
      {},
    ];
    const speaker2_funcs: klp_func[] = [
      { old_name: 'speaker_welcome2', new_func: livepatch_speaker_welcome2 },
      { old_name: 'call_speaker2', new_func: livepatch_call_speaker2 },
      {},
    ];
    const objs: klp_object[] = [
      { name: 'test_klp_speaker', funcs: speaker_funcs },
      { name: 'test_klp_speaker2', funcs: speaker2_funcs },
      {},
    ];
    const states: states_state[] = [
      {
        id: APPLAUSE_ID,
        is_shadow: true,
        callbacks: {
          setup: setup_applause_callback,
          enable: enable_applause_callback,
          disable: disable_applause_callback,
          release: release_applause_callback,
        },
      },
      { id: 0 },
    ];
    // the states are attached only when asked for (add_applause)
    const patch: klp_patch = { mod: THIS_MODULE, objs, replace: true };

    module_init(() => {
      if (noreplace.value) patch.replace = false;
      if (add_applause.value) {
        patch.states = states;
        if (noreplace.value)
          pr_warn(
            'The speaker livepatch can\'t be loaded when both "add_applause" and "noreplace" are used and another speaker livepatch is already loaded with "add_aplause"\n',
          );
      }
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
    MODULE_AUTHOR('Petr Mladek <pmladek@suse.com>');
    MODULE_DESCRIPTION('Livepatch test: livepatch test_klp_speaker test module');
  }, { load: { add_applause: ['1'], setup_ret: ['-19'], noreplace: ['1'] } });
}

