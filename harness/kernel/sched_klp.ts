/**
 * The scheduler's part in a livepatch transition: klp_start_transition() asks the scheduler
 * to switch tasks at its own points too, and how it does that changed twice.
 *
 * - 'none' (before 6.4): the scheduler has no livepatch hook.
 * - 'cond_resched_static_call' (6.4 to 6.15, "livepatch,sched: Add livepatch task switching
 *   to cond_resched()"): with PREEMPT_DYNAMIC on a static-call architecture (x86, as Debian
 *   builds it), klp_cond_resched_enable() is sched_dynamic_klp_enable(), which does
 *   static_call_update(cond_resched, klp_cond_resched). cond_resched() is inlined at every
 *   one of its call sites, so this rewrites each of them with text_poke_bp(), and each rewrite
 *   waits for every CPU (text_poke_sync(): on_each_cpu()). The task that started the
 *   transition spends that time in the update, before its first try-complete attempt; the
 *   other CPUs do not stay idle through it (the IPIs, and whatever else runs there in that
 *   time), so their idle tasks pass do_idle()'s switch point. That first attempt then finds
 *   nothing left to switch, and the transition completes inside the insmod or the sysfs
 *   write that started it. What was seen on Debian's 6.12.95: the stacks
 *   klp_enable_patch -> klp_try_complete_transition -> klp_complete_transition and
 *   enabled_store -> klp_try_complete_transition -> klp_complete_transition, and completion
 *   times off the retry's whole-second grid; which of the two takes the idle CPU through
 *   its loop was not.
 * - 'schedule_static_key' (6.16 on, "sched,livepatch: Untangle cond_resched() and
 *   live-patching"): one static key tested in __schedule(); enabling it is quick, and the
 *   first attempt still meets the other CPU's idle task running.
 */
import type { Kernel } from './kernel.js';

export type KlpSchedHook = 'none' | 'cond_resched_static_call' | 'schedule_static_key';

/** what klp_start_transition() calls last (klp_cond_resched_enable(), later klp_resched_enable()) */
export function sched_klp_enable(k: Kernel): void {
  if (k.config.klpSchedHook !== 'cond_resched_static_call') return;
  // static_call_update(cond_resched, ...): every CPU that is idle (not this one, which
  // runs the update) goes through its idle loop while the call sites are rewritten
  for (let cpu = 0; cpu < k.config.nrCpus; cpu++) if (k.cpu_curr(cpu) === k.tasks.idleTasks()[cpu]) k.do_idle_switch(cpu);
}
