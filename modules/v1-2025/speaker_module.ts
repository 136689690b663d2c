// The body of test_modules/test_klp_speaker.c as it stands after v1 13/19: a target module
// for the speaker livepatches. Reading its `welcome` parameter makes the speaker greet the
// audience; writing 1 to `block_doors` starts a work item that sleeps in do_block_doors()
// with block_doors_func() below it on the kworker's stack, which keeps a livepatch of
// block_doors_func() from switching that kworker. test_klp_speaker2.c defines SPEAKER_ID
// and includes this file, so only the module name and SPEAKER_ID differ; the C function
// names, and with them the messages' __func__ parts, stay the same.
import { EBUSY, EINVAL } from '../../harness/kernel/errno.js';
import type { Sleep } from '../../harness/kernel/timer.js';
import type { WorkStruct } from '../../harness/kernel/workqueue.js';
import { defineModule, type ModuleSource } from '../../harness/module_api.js';
import { container_of_hall, hall_embed, type hall } from './speaker_hall.js';

export function speakerModule(name: string, SPEAKER_ID: string): ModuleSource {
  return defineModule(name, ({ func, call, call_sleeping, pr_info, pr_err, kstrtobool, module_param_cb, DECLARE_WORK, DECLARE_COMPLETION, complete, wait_for_completion, schedule_work, flush_work, msleep, module_init, module_exit, MODULE_LICENSE }) => {
    /** the backing store of the block_doors parameter */
    let block_doors = false;
    /** set by module_exit: the blocking loop must end whatever block_doors says */
    let show_over = false;
    const started_blocking_doors = DECLARE_COMPLETION();

    // noinline: the livepatches replace it, and the worker's call below must reach
    // whichever version the worker's own patch state selects.
    const speaker_welcome = func('speaker_welcome', (context: string) => {
      pr_info(`speaker_welcome${SPEAKER_ID}: Hello, World!${context}\n`);
    });

    // Sleeps until told to stop. Not livepatched itself: what blocks a transition is the
    // caller, block_doors_func(), waiting below it on the stack.
    const do_block_doors = func('do_block_doors', function* (): Generator<Sleep, void, void> {
      pr_info('do_block_doors: Started blocking doors.\n');
      complete(started_blocking_doors);
      while (block_doors && !show_over) yield msleep(20);
      // only a cleared block_doors greets; module removal just ends the show
      if (!block_doors) {
        pr_info('do_block_doors: Stopped blocking doors.\n');
        call(speaker_welcome, ' <--- from blocked doors');
      }
    });

    // The work function, livepatched. Built without sibling-call optimisation in C, so
    // its frame stays on the stack while do_block_doors() sleeps.
    const block_doors_func = func('block_doors_func', function* (work: WorkStruct): Generator<Sleep, void, void> {
      const h = container_of_hall(work);
      pr_info(`block_doors_func: Going to block doors${SPEAKER_ID}.\n`);
      yield* call_sleeping(h.do_block_doors);
    });

    let the_hall: hall | undefined;
    /** INIT_WORK() once: either the insmod parameter or module_init gets here first */
    function init_hall(): hall {
      the_hall ??= hall_embed({ block_doors_work: DECLARE_WORK(block_doors_func), do_block_doors });
      return the_hall;
    }

    // `welcome`: reading it is the way to call speaker_welcome(); nothing is returned
    module_param_cb(
      'welcome',
      {
        get: () => {
          call(speaker_welcome, '');
          return '';
        },
      },
      0o400,
    );

    // `block_doors`: 1 starts blocking and returns only once the worker sleeps in
    // do_block_doors(); 0 stops it and waits until the worker is done.
    function block_doors_set(val: string): number {
      const value = kstrtobool(val);
      if (typeof value === 'number') return value;
      if (value === block_doors) {
        if (value) {
          pr_err('block_doors_set: The doors are already blocked.\n');
          return -EBUSY;
        }
        pr_err('block_doors_set: The doors are not being blocked.\n');
        return -EINVAL;
      }
      block_doors = value;
      const h = init_hall();
      if (block_doors) {
        // reinit_completion(): wait for this run of the work, not an earlier one
        started_blocking_doors.done = false;
        schedule_work(h.block_doors_work);
        wait_for_completion(started_blocking_doors);
      } else {
        flush_work(h.block_doors_work);
      }
      return 0;
    }

    // reports through the log, like `welcome`; the read itself shows nothing
    function block_doors_get(): string {
      pr_info(block_doors ? 'The doors are blocked.\n' : 'The doors are not blocked.\n');
      return '';
    }

    module_param_cb('block_doors', { set: block_doors_set, get: block_doors_get }, 0o600);

    module_init(() => {
      pr_info('test_klp_speaker_init\n');
      init_hall();
      return 0;
    });
    module_exit(() => {
      pr_info('test_klp_speaker_exit\n');
      show_over = true;
      if (the_hall) flush_work(the_hall.block_doors_work);
    });
    MODULE_LICENSE('GPL');
  }, { write: { block_doors: ['0', '1'] }, read: ['welcome', 'block_doors'] });
}
