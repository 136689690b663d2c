// Mirror of test_modules/test_klp_callbacks_busy.c (the block_transition version): a
// work function that, when asked to, sleeps in a loop so that a livepatch of it cannot
// switch the kworker running it.
import { defineModule, type ModuleApi, type Param } from '../../harness/module_api.js';
import type { Sleep } from '../../harness/kernel/timer.js';

/** what the work function reads of its module: the C file's statics and the calls it makes */
interface Busymod extends Pick<ModuleApi, 'pr_info' | 'complete' | 'msleep'> {
  readonly block_transition: Param<boolean>;
  readonly busymod_work_started: ReturnType<ModuleApi['DECLARE_COMPLETION']>;
}

// At file scope, as in C, with the module's statics bound as its first argument: a
// generator function made anew for each loaded module gets its own map in V8's old space,
// and that keeps each machine alive past every minor GC.
function* busymod_work_func(m: Busymod): Generator<Sleep, void, void> {
  const { pr_info, complete, msleep, block_transition, busymod_work_started } = m;
  pr_info('busymod_work_func enter\n');
  complete(busymod_work_started);
  while (block_transition.value) {
    // busy-wait until the module's exit clears the flag
    yield msleep(20);
  }
  pr_info('busymod_work_func exit\n');
}

export default defineModule('test_klp_callbacks_busy', ({ func, pr_info, module_param_bool, DECLARE_WORK, DECLARE_COMPLETION, complete, wait_for_completion, schedule_work, flush_work, msleep, module_init, module_exit, MODULE_LICENSE }) => {
  const block_transition = module_param_bool('block_transition', false, 0o644, 'block_transition (default=false)');
  const busymod_work_started = DECLARE_COMPLETION();
  const busymod: Busymod = { pr_info, complete, msleep, block_transition, busymod_work_started };
  const work = DECLARE_WORK(func('busymod_work_func', busymod_work_func.bind(null, busymod)));

  module_init(() => {
    pr_info('test_klp_callbacks_busy_init\n');
    schedule_work(work);
    // the work function must already be running when init returns
    wait_for_completion(busymod_work_started);
    // without blocking, let it finish now so that its messages come before init's return
    if (!block_transition.value) flush_work(work);
    return 0;
  });
  module_exit(() => {
    block_transition.set(false);
    flush_work(work);
    pr_info('test_klp_callbacks_busy_exit\n');
  });
  MODULE_LICENSE('GPL');
}, { load: { block_transition: ['Y'] }, write: { block_transition: ['N', 'Y'] } });
