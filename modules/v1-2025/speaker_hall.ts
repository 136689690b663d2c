// Mirror of test_modules/test_klp_speaker.h (v1 13/19): the "hall" a speaker module keeps
// its door-blocking work in. The livepatch includes the same header so that its
// replacement of block_doors_func() can get from the work item back to the hall and call
// the original do_block_doors() through the hall's pointer.
import type { KFunc } from '../../harness/kernel/kallsyms.js';
import type { WorkStruct } from '../../harness/kernel/workqueue.js';

/** typedef void (*do_block_doors_t)(void): a sleeping function, called with call_sleeping */
export type do_block_doors_t = KFunc;

export interface hall {
  block_doors_work: WorkStruct;
  do_block_doors: do_block_doors_t;
}

// container_of() is pointer arithmetic in C; here the work item remembers the hall
// that embeds it (WorkStruct.container), which is all the arithmetic would find.

/** the hall is laid out: its block_doors_work member now leads back to it */
export function hall_embed(h: hall): hall {
  h.block_doors_work.container = h;
  return h;
}

/** container_of(work, struct hall, block_doors_work) */
export function container_of_hall(work: WorkStruct): hall {
  const h = work.container as hall | undefined;
  if (!h) throw new Error(`container_of: work ${work.name} is not embedded in a struct hall`);
  return h;
}
