// The body of test_modules/test_klp_speaker_livepatch.c as it stands after v1 14/19. It
// replaces speaker_welcome() and block_doors_func() in both speaker modules and can add
// two independent "applause" states, ids 10 and 11. Each state keeps a short string in a
// shadow variable (is_shadow), so the core frees the string when the state goes away;
// the callbacks only move it between "[...]" and "[APPLAUSE...]". The welcome replacement
// prints every applause string it finds, whichever livepatch put it there.
// test_klp_speaker_livepatch2.c includes the same source under another module name.
import { ENOMEM } from '../../harness/kernel/errno.js';
import type { Sleep } from '../../harness/kernel/timer.js';
import type { WorkStruct } from '../../harness/kernel/workqueue.js';
import type { klp_func, klp_object, klp_patch, klp_state } from '../../harness/livepatch/livepatch.js';
import type { ShadowData } from '../../harness/livepatch/shadow.js';
import type { klp_state_callbacks, states_state } from '../../harness/livepatch/models/states-api/fields.js';
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import { container_of_hall } from './speaker_hall.js';

const APPLAUSE_NUM = 2;
const APPLAUSE_START_ID = 10;
const APPLAUSE_STR_SIZE = 16;

/**
 * `static void *shadow_object = NULL`: the shadow variables hang on NULL. The shadow API
 * needs an identity to compare, so one object stands for NULL in every livepatch built
 * from this source; that is what lets one livepatch see the other's applause.
 */
const shadow_object: object = Object.freeze({});

/** the applause string in the shadow variable's buffer */
type ApplauseShadow = ShadowData & { applause: string };

/** snprintf() into a char[APPLAUSE_STR_SIZE] */
const snprintf = (s: string) => s.slice(0, APPLAUSE_STR_SIZE - 1);

/** applause number idx is told apart by a suffix: "" for the first, "2" for the second */
const applause_suffix = (idx: number) => (idx ? String(idx + 1) : '');

export function speakerLivepatchModule(name: string): ModuleSource {
  return defineModule(name, ({ THIS_MODULE, func, call_sleeping, pr_info, pr_err, errname, module_param_bool, module_param_int, klp_shadow_alloc, klp_shadow_get, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const add_applause = [module_param_bool('applause', false, 0o400), module_param_bool('applause2', false, 0o400)];
    const pre_patch_ret = module_param_int('pre_patch_ret', 0, 0o400);
    const replace = module_param_bool('replace', false, 0o400);

    function __lp_speaker_welcome(caller: string, speaker_id: string, context: string): void {
      // all applauses present, in id order, whichever livepatch added them
      let applause = '';
      for (let idx = 0; idx < APPLAUSE_NUM; idx++) {
        const sv = klp_shadow_get(shadow_object, APPLAUSE_START_ID + idx) as ApplauseShadow | null;
        if (sv) applause += sv.applause;
      }
      if (applause) applause += ' ';
      pr_info(`${caller}${speaker_id}: ${applause}Ladies and gentleman, ...${context}\n`);
    }

    const lp_speaker_welcome = func('lp_speaker_welcome', (context: string) => __lp_speaker_welcome('lp_speaker_welcome', '', context));
    const lp_speaker2_welcome = func('lp_speaker2_welcome', (context: string) => __lp_speaker_welcome('lp_speaker2_welcome', '(2)', context));

    // The fixed work function still ends in the original do_block_doors(), reached
    // through the hall the work item is embedded in; it sleeps there, so this
    // replacement stays on the kworker's stack as long as the doors are blocked.
    function* __lp_block_doors_func(caller: string, speaker_id: string, work: WorkStruct): Generator<Sleep, void, void> {
      const h = container_of_hall(work);
      pr_info(`${caller}: Going to block doors${speaker_id} (fixed).\n`);
      yield* call_sleeping(h.do_block_doors);
    }

    const lp_block_doors_func = func('lp_block_doors_func', (work: WorkStruct) => __lp_block_doors_func('lp_block_doors_func', '', work));
    const lp_block_doors_func2 = func('lp_block_doors_func2', (work: WorkStruct) => __lp_block_doors_func('lp_block_doors_func2', '(2)', work));

    /** the shadow string of applause idx, or NULL with the caller's complaint */
    function get_applause(caller: string, idx: number): ApplauseShadow | null {
      if (idx < 0 || idx >= APPLAUSE_NUM) {
        pr_err(`${caller}: Applause table index out of scope: ${idx}\n`);
        return null;
      }
      const sv = klp_shadow_get(shadow_object, APPLAUSE_START_ID + idx) as ApplauseShadow | null;
      if (!sv) pr_err(`${caller}: failed to get shadow variable with the applause description: ${APPLAUSE_START_ID + idx}\n`);
      return sv;
    }

    function set_applause(idx: number): void {
      const sv = get_applause('set_applause', idx);
      if (sv) sv.applause = snprintf(`[APPLAUSE${applause_suffix(idx)}]`);
    }

    function unset_applause(idx: number): void {
      const sv = get_applause('unset_applause', idx);
      if (sv) sv.applause = snprintf(`[${applause_suffix(idx)}]`);
    }

    /** the string must still be there; freeing it is the core's job (is_shadow) */
    function check_applause(idx: number): void {
      get_applause('check_applause', idx);
    }

    const state_idx = (state: klp_state) => state.id - APPLAUSE_START_ID;

    function applause_pre_patch_callback(_patch: klp_patch, state: klp_state): number {
      pr_info(`applause_pre_patch_callback: state ${state.id}\n`);
      if (pre_patch_ret.value) {
        pr_err(`applause_pre_patch_callback: forcing err: ${errname(pre_patch_ret.value)}\n`);
        return pre_patch_ret.value;
      }
      const idx = state_idx(state);
      // the string starts out "not applauding yet"
      const sv = klp_shadow_alloc(shadow_object, state.id, APPLAUSE_STR_SIZE, (_obj, data) => {
        (data as ApplauseShadow).applause = snprintf(`[${applause_suffix(idx)}]`);
        return 0;
      });
      if (!sv) {
        pr_err('applause_pre_patch_callback: failed to allocated shadow variable for storing an applause description\n');
        return -ENOMEM;
      }
      return 0;
    }

    function applause_post_patch_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`applause_post_patch_callback: state ${state.id}\n`);
      set_applause(state_idx(state));
    }

    function applause_pre_unpatch_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`applause_pre_unpatch_callback: state ${state.id}\n`);
      unset_applause(state_idx(state));
    }

    function applause_post_unpatch_callback(_patch: klp_patch, state: klp_state): void {
      pr_info(`applause_post_unpatch_callback: state ${state.id} (nope)\n`);
      check_applause(state_idx(state));
    }

    function applause_shadow_dtor(_obj: object, shadow_data: ShadowData): void {
      pr_info(`applause_shadow_dtor: freeing applause ${(shadow_data as ApplauseShadow).applause} (nope)\n`);
    }

    const speaker_funcs: klp_func[] = [
      { old_name: 'speaker_welcome', new_func: lp_speaker_welcome },
      { old_name: 'block_doors_func', new_func: lp_block_doors_func },
      {},
    ];
    const speaker2_funcs: klp_func[] = [
      { old_name: 'speaker_welcome', new_func: lp_speaker2_welcome },
      { old_name: 'block_doors_func', new_func: lp_block_doors_func2 },
      {},
    ];
    // no vmlinux object: only the two speaker modules are patched
    const objs: klp_object[] = [{ name: 'test_klp_speaker', funcs: speaker_funcs }, { name: 'test_klp_speaker2', funcs: speaker2_funcs }, {}];
    const patch: klp_patch = { mod: THIS_MODULE, objs };

    /**
     * kzalloc the states[] array with just the requested applauses, lowest id first, and
     * a terminating entry. Without any, the patch has no states at all.
     */
    function applause_init(): number {
      const states: states_state[] = [];
      for (let idx = 0; idx < APPLAUSE_NUM; idx++) {
        if (!add_applause[idx].value) continue;
        // every state gets its own copy of the callbacks: the core keeps per-state
        // bookkeeping (pre_patch_succeeded) in it
        const callbacks: klp_state_callbacks = {
          pre_patch: applause_pre_patch_callback,
          post_patch: applause_post_patch_callback,
          pre_unpatch: applause_pre_unpatch_callback,
          post_unpatch: applause_post_unpatch_callback,
          shadow_dtor: applause_shadow_dtor,
        };
        states.push({ id: APPLAUSE_START_ID + idx, is_shadow: true, callbacks });
      }
      if (!states.length) return 0;
      states.push({ id: 0 });
      patch.states = states;
      return 0;
    }

    module_init(() => {
      const ret = applause_init();
      if (ret) return ret;
      if (replace.value) patch.replace = true;
      return klp_enable_patch(patch);
    });
    module_exit(() => {});
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  }, { load: { applause: ['1'], applause2: ['1'], pre_patch_ret: ['-19'], replace: ['1'] } });
}
