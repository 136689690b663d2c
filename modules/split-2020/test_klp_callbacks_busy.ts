// Mirror of lib/livepatch/test_klp_callbacks_busy.c at v5.5: the work function sleeps
// `sleep_secs` seconds, so a livepatch of it stalls while it sleeps; init does not wait
// for it, and exit waits for it to end (cancel_work_sync).
import { defineModule } from '../../harness/module_api.js';
import type { Sleep } from '../../harness/kernel/timer.js';

export default defineModule('test_klp_callbacks_busy', ({ func, pr_info, module_param_int, DECLARE_WORK, schedule_work, cancel_work_sync, msleep, module_init, module_exit, MODULE_LICENSE }) => {
  const sleep_secs = module_param_int('sleep_secs', 0, 0o644, 'sleep_secs (default=0)');

  const busymod_work_func = func('busymod_work_func', function* (): Generator<Sleep, void, void> {
    pr_info(`busymod_work_func, sleeping ${sleep_secs.value} seconds ...\n`);
    yield msleep(sleep_secs.value * 1000);
    pr_info('busymod_work_func exit\n');
  });
  const work = DECLARE_WORK(busymod_work_func);

  module_init(() => {
    pr_info('test_klp_callbacks_busy_init\n');
    schedule_work(work);
    return 0;
  });
  module_exit(() => {
    cancel_work_sync(work);
    pr_info('test_klp_callbacks_busy_exit\n');
  });
  MODULE_LICENSE('GPL');
}, { load: { sleep_secs: ['2', '20'] } });
