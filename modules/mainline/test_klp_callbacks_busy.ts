// Mirror of test_modules/test_klp_callbacks_busy.c (the block_transition version): a
// work function that, when asked to, sleeps in a loop so that a livepatch of it cannot
// switch the kworker running it.
import { defineModule } from '../../harness/module_api.js';
import type { Sleep } from '../../harness/kernel/timer.js';

export default defineModule('test_klp_callbacks_busy', ({ func, pr_info, module_param_bool, DECLARE_WORK, DECLARE_COMPLETION, complete, wait_for_completion, schedule_work, flush_work, msleep, module_init, module_exit, MODULE_LICENSE }) => {
  const block_transition = module_param_bool('block_transition', false, 0o644, 'block_transition (default=false)');
  const busymod_work_started = DECLARE_COMPLETION();

  const busymod_work_func = func('busymod_work_func', function* (): Generator<Sleep, void, void> {
    pr_info('busymod_work_func enter\n');
    complete(busymod_work_started);
    while (block_transition.value) {
      // busy-wait until the module's exit clears the flag
      yield msleep(20);
    }
    pr_info('busymod_work_func exit\n');
  });
  const work = DECLARE_WORK(busymod_work_func);

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
