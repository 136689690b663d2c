// lib/livepatch/test_klp_speaker.h of the POC: the `struct speaker` a speaker target module
// fills in and hands to its work function. NOT IN THE POSTED SERIES: the POC's Makefile and
// code include the header but the diffstat lacks it; this is the evident content, built from
// what test_klp_speaker.c and test_klp_speaker_livepatch.c use.
//
// The function pointers let a livepatched call_speaker() continue into the target module's
// own speaker_wait_and_welcome() without resolving any of the target's symbols.
import type { KFunc } from '../../harness/kernel/kallsyms.js';
import type { WorkStruct } from '../../harness/kernel/workqueue.js';

/** DECLARE_COMPLETION() / init_completion() */
export interface Completion {
  done: boolean;
}

export interface Speaker {
  /** _VER_NAME(call_speaker): what the work function calls (livepatched) */
  call: KFunc;
  /** _VER_NAME(speaker_welcome) (livepatched) */
  welcome: KFunc;
  /** speaker_wait_and_welcome: sleeps while `is_waiting` */
  wait_and_welcome: KFunc;
  work: WorkStruct;
  /** the waiting_welcome parameter asked the speaker to wait */
  is_waiting: boolean;
  /** completed once the worker sits in speaker_wait_and_welcome() */
  started_waiting: Completion;
  /** what the read-only `started_waiting` parameter shows: 1 while the worker waits */
  started_waiting_param: { readonly value: number; set(v: number): void };
}
