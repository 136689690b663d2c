// Mirror of lib/livepatch/test_klp_callbacks_busy.c at v5.5: the work function sleeps
// `sleep_secs` seconds, so a livepatch of it stalls while it sleeps; init does not wait
// for it, and exit waits for it to end (cancel_work_sync).
import { defineModule, type ModuleApi, type Param } from '../../harness/module_api.js';
import type { Sleep } from '../../harness/kernel/timer.js';

/** what the work function reads of its module: the C file's statics and the calls it makes */
interface Busymod extends Pick<ModuleApi, 'pr_info' | 'msleep'> {
  readonly sleep_secs: Param<number>;
}

// At file scope, as in C, with the module's statics bound as its first argument: a
// generator function made anew for each loaded module gets its own map in V8's old space,
// and that keeps each machine alive past every minor GC.
function* busymod_work_func(m: Busymod): Generator<Sleep, void, void> {
  const { pr_info, msleep, sleep_secs } = m;
  pr_info(`busymod_work_func, sleeping ${sleep_secs.value} seconds ...\n`);
  yield msleep(sleep_secs.value * 1000);
  pr_info('busymod_work_func exit\n');
}

export default defineModule('test_klp_callbacks_busy', ({ func, pr_info, module_param_int, DECLARE_WORK, schedule_work, cancel_work_sync, msleep, module_init, module_exit, MODULE_LICENSE }) => {
  const sleep_secs = module_param_int('sleep_secs', 0, 0o644, 'sleep_secs (default=0)');
  const busymod: Busymod = { pr_info, msleep, sleep_secs };
  const work = DECLARE_WORK(func('busymod_work_func', busymod_work_func.bind(null, busymod)));

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
