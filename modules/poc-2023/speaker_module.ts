// The POC's speaker target module (lib/livepatch/test_klp_speaker.c, POC 4/7 and 5/7): a
// "Hello, World!" function to livepatch, and a worker that can be told to wait inside the
// module so that a livepatch of the functions on its stack cannot switch it.
//
// test_klp_speaker2 is the same source built a second time with _VER_NAME() appending "2"
// to the names of the functions a livepatch replaces, so `ver` stands for that macro.
// Everything else, init and exit included, keeps its name.
import { EBUSY, EINVAL } from '../../harness/kernel/errno.js';
import type { Sleep } from '../../harness/kernel/timer.js';
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import type { Speaker } from './test_klp_speaker_h.js';

export function speakerModule(name: string, ver: '' | '2'): ModuleSource {
  return defineModule(name, ({ func, call, call_sleeping, pr_info, pr_err, kstrtobool, module_param_cb, module_param_int, DECLARE_WORK, DECLARE_COMPLETION, complete, wait_for_completion, schedule_work, flush_work, msleep, module_init, module_exit, MODULE_LICENSE, MODULE_AUTHOR, MODULE_DESCRIPTION }) => {
    const _VER_NAME = (fn: string) => `${fn}${ver}`;

    const speaker_welcome = func(_VER_NAME('speaker_welcome'), () => {
      pr_info(`${_VER_NAME('speaker_welcome')}: Hello, World!\n`);
    });

    // Not livepatched: it is where the worker sleeps. The welcome at the end goes through
    // ftrace, so it is the patched or the original one as the worker's own patch state says.
    const speaker_wait_and_welcome = func('speaker_wait_and_welcome', function* (sp: Speaker): Generator<Sleep, void, void> {
      pr_info('speaker_wait_and_welcome: Speaker started waiting.\n');
      sp.started_waiting_param.set(1);
      complete(sp.started_waiting);
      while (sp.is_waiting) yield msleep(20);
      sp.started_waiting_param.set(0);
      call(sp.welcome);
    });

    // Livepatched, and on the worker's stack for as long as the speaker waits.
    const call_speaker = func(_VER_NAME('call_speaker'), function* (sp: Speaker) {
      pr_info(`${_VER_NAME('call_speaker')}: Calling speaker.\n`);
      yield* call_sleeping(sp.wait_and_welcome, sp);
    });

    // the work function finds its speaker with container_of(); here the closure does
    const speaker_work_func = func('speaker_work_func', function* () {
      yield* call_sleeping(speaker.call, speaker);
    });

    const started_waiting_param = module_param_int('started_waiting', 0, 0o400, 'Speaker started waiting (read only)');

    const speaker: Speaker = {
      call: call_speaker,
      welcome: speaker_welcome,
      wait_and_welcome: speaker_wait_and_welcome,
      work: DECLARE_WORK(speaker_work_func),
      is_waiting: false,
      started_waiting: DECLARE_COMPLETION(),
      started_waiting_param,
    };

    // Reading `welcome` makes the speaker speak in the reader's context; nothing is returned.
    module_param_cb('welcome', {
      get: () => {
        call(speaker.welcome);
        return '';
      },
    }, 0o400, 'Print welcome message into the kernel log when reading the value.');

    // Writing 1 sends the worker into speaker_wait_and_welcome() and returns once it is
    // there; writing 0 lets it go on and waits for its welcome.
    function waiting_welcome_set(val: string): number {
      const wait = kstrtobool(val);
      if (typeof wait === 'number') return wait;
      if (wait) {
        if (speaker.is_waiting) {
          pr_err('waiting_welcome_set: Speaker is already waiting.\n');
          return -EBUSY;
        }
        speaker.is_waiting = true;
        speaker.started_waiting = DECLARE_COMPLETION(); // reinit_completion()
        schedule_work(speaker.work);
        wait_for_completion(speaker.started_waiting);
        return 0;
      }
      if (!speaker.is_waiting) {
        pr_err('waiting_welcome_set: Speaker has not been waiting.\n');
        return -EINVAL;
      }
      speaker.is_waiting = false;
      flush_work(speaker.work);
      return 0;
    }

    function waiting_welcome_get(): string {
      pr_info(speaker.is_waiting ? 'Speaker is waiting.\n' : 'Speaker is not waiting.\n');
      return '';
    }

    module_param_cb('waiting_welcome', { set: waiting_welcome_set, get: waiting_welcome_get }, 0o600,
      'Speaker will be waiting for welcome when set. It will welcome when cleared.');

    module_init(() => {
      pr_info('test_klp_speaker_init\n');
      return 0;
    });
    module_exit(() => {
      pr_info('test_klp_speaker_exit\n');
      // a waiting worker must leave the module's code before the module goes
      speaker.is_waiting = false;
      flush_work(speaker.work);
    });
    MODULE_LICENSE('GPL');
    MODULE_AUTHOR('Petr Mladek <pmladek@suse.com>');
    MODULE_DESCRIPTION('Livepatch test: test functions');
  }, { write: { waiting_welcome: ['0', '1'] }, read: ['welcome', 'waiting_welcome'] });
}
