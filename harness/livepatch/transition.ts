/**
 * kernel/livepatch/transition.c: the per-task consistency model.
 *
 * A transition moves every task, one at a time, from the initial to the target patch
 * state. A task switches when its stack holds none of the functions being replaced
 * (klp_try_switch_task), when it returns to user space (klp_update_patch_state), in the
 * idle loop, or when forced. Until all have switched, a delayed work retries about once a
 * second; the 16th failed attempt prints "signaling remaining tasks".
 */
import { EADDRINUSE, EBUSY, EINVAL } from '../kernel/errno.js';
import { HZ, NSEC_PER_SEC } from '../kernel/clock.js';
import type { DebugSite } from '../kernel/dynamic_debug.js';
import type { KFunc } from '../kernel/kallsyms.js';
import { sched_klp_enable } from '../kernel/sched_klp.js';
import { KERN_NOTICE, KERN_WARNING } from '../kernel/printk.js';
import { KLP_TRANSITION_IDLE, KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED, type Task } from '../kernel/sched.js';
import { klp_post_patch_callback, klp_post_unpatch_callback } from './callbacks.js';
import {
  klp_atomic_replace,
  klp_discard_nops,
  klp_free_patch_async,
  klp_free_replaced_patches_async,
  klp_replaces_old_patch,
  klp_unpatch_replaced_patches,
} from './core.js';
import type { Klp } from './klp.js';
import { klp_for_each_func, klp_for_each_object, klp_is_object_loaded, type klp_func } from './livepatch.js';
import { klp_find_ops, klp_unpatch_objects } from './patch.js';

/** klp_send_signals() every SIGNALS_TIMEOUT failed attempts, the first time with a message */
const SIGNALS_TIMEOUT = 15;

const FILE = 'kernel/livepatch/transition.c';
export const dbg_try_switch: DebugSite = { module: 'livepatch', file: FILE, func: 'klp_try_switch_task', line: 306, format: '%s: %s:%d is sleeping on function %s\n' };
export const dbg_complete: DebugSite = { module: 'livepatch', file: FILE, func: 'klp_complete_transition', line: 82, format: "'%s': completing %s transition\n" };
export const dbg_cancel: DebugSite = { module: 'livepatch', file: FILE, func: 'klp_cancel_transition', line: 148, format: "'%s': canceling patching transition, going to unpatch\n" };
export const dbg_init: DebugSite = { module: 'livepatch', file: FILE, func: 'klp_init_transition', line: 545, format: "'%s': initializing %s transition\n" };
export const dbg_reverse: DebugSite = { module: 'livepatch', file: FILE, func: 'klp_reverse_transition', line: 631, format: "'%s': reversing transition from %s\n" };
export const TRANSITION_DEBUG_SITES = [dbg_complete, dbg_cancel, dbg_try_switch, dbg_init, dbg_reverse];

function direction(klp: Klp): string {
  return klp.klp_target_state === KLP_TRANSITION_PATCHED ? 'patching' : 'unpatching';
}

function patchName(klp: Klp): string {
  return klp.klp_transition_patch!.mod.name;
}

/** every task the transition walks: normal tasks, then the per-CPU idle tasks */
function forEachTask(klp: Klp): Task[] {
  return klp.k.tasks.normalTasks().concat(klp.k.tasks.idleTasks());
}

/**
 * klp_complete_transition(): all tasks are in the target state; drop what the transition
 * left behind and run the post callbacks.
 */
export function klp_complete_transition(klp: Klp): void {
  const k = klp.k;
  const patch = klp.klp_transition_patch!;
  k.pr_debug(dbg_complete, `livepatch: '${patchName(klp)}': completing ${direction(klp)} transition\n`);

  if (klp_atomic_replace(klp, patch) && klp.klp_target_state === KLP_TRANSITION_PATCHED) {
    klp_unpatch_replaced_patches(klp, patch);
    klp_discard_nops(klp, patch);
    klp.policy.klp_complete_transition_after_discard_nops?.(patch);
  }

  if (klp.klp_target_state === KLP_TRANSITION_UNPATCHED) {
    // every task runs the old code now: the new functions can leave the func stacks
    klp_unpatch_objects(klp, patch);
  }

  for (const obj of klp_for_each_object(patch)) for (const func of klp_for_each_func(obj)) func.transition = false;

  for (const task of forEachTask(klp)) task.patch_state = KLP_TRANSITION_IDLE;

  for (const obj of klp_for_each_object(patch)) {
    if (!klp_is_object_loaded(obj)) continue;
    if (klp.klp_target_state === KLP_TRANSITION_PATCHED) klp_post_patch_callback(klp, obj);
    else if (klp.klp_target_state === KLP_TRANSITION_UNPATCHED) {
      klp_post_unpatch_callback(klp, obj);
      klp.policy.klp_post_unpatch_callback_after?.(obj);
    }
  }
  klp.policy.klp_complete_transition_after_post_callbacks?.(patch, klp.klp_target_state);

  k.printk(KERN_NOTICE, `livepatch: '${patchName(klp)}': ${direction(klp)} complete\n`);

  klp.klp_target_state = KLP_TRANSITION_IDLE;
  klp.klp_transition_patch = null;
}

/** klp_cancel_transition(): an enable failed before the transition started */
export function klp_cancel_transition(klp: Klp): void {
  if (klp.klp_target_state !== KLP_TRANSITION_PATCHED) return;
  klp.k.pr_debug(dbg_cancel, `livepatch: '${patchName(klp)}': canceling patching transition, going to unpatch\n`);
  klp.klp_target_state = KLP_TRANSITION_UNPATCHED;
  klp_complete_transition(klp);
}

/** klp_update_patch_state(): the switch on kernel exit, in the idle loop, or when forced */
export function klp_update_patch_state(klp: Klp, task: Task): void {
  if (task.patch_pending) {
    task.patch_pending = false;
    task.patch_state = klp.klp_target_state;
  }
}

/**
 * klp_check_stack_func(): is the code this func is replacing (patching) or providing
 * (unpatching) on the stack?
 */
function klp_check_stack_func(klp: Klp, func: klp_func, stack: readonly KFunc[]): boolean {
  let code: KFunc | null | undefined;
  if (klp.klp_target_state === KLP_TRANSITION_UNPATCHED) {
    code = func.new_func;
  } else {
    const ops = klp_find_ops(klp, func.old_func);
    const i = ops ? ops.func_stack.indexOf(func) : -1;
    if (!ops || ops.func_stack.length === 1 || i < 0 || i + 1 >= ops.func_stack.length) code = func.old_func;
    else code = ops.func_stack[i + 1].new_func;
  }
  return !!code && stack.includes(code);
}

/**
 * klp_check_stack(): -EINVAL when the unwinder cannot vouch for the stack, -EADDRINUSE
 * (with the func's name) when code being replaced or removed is on it, else 0
 */
function klp_check_stack(klp: Klp, task: Task): { ret: number; old_name?: string } {
  if (task.unreliableStack) return { ret: -EINVAL };
  for (const obj of klp_for_each_object(klp.klp_transition_patch!)) {
    if (!obj.patched) continue;
    for (const func of klp_for_each_func(obj))
      if (klp_check_stack_func(klp, func, task.stack)) return { ret: -EADDRINUSE, old_name: func.old_name ?? '' };
  }
  return { ret: 0 };
}

/** klp_check_and_switch_task(): 0, -EBUSY (running elsewhere), or what klp_check_stack() found */
function klp_check_and_switch_task(klp: Klp, task: Task): { ret: number; old_name?: string } {
  if (klp.k.task_curr(task) && task !== klp.k.current) return { ret: -EBUSY };
  const r = klp_check_stack(klp, task);
  if (r.ret) return r;
  task.patch_pending = false;
  task.patch_state = klp.klp_target_state;
  return { ret: 0 };
}

/** klp_try_switch_task(): try to move one task to the target state by checking its stack */
function klp_try_switch_task(klp: Klp, task: Task): boolean {
  if (task.patch_state === klp.klp_target_state) return true;
  // without reliable stack traces only kernel exit switches tasks
  if (!klp.have_reliable_stack) return false;
  const { ret, old_name } = klp_check_and_switch_task(klp, task);
  const who = `${task.comm}:${task.pid}`;
  const k = klp.k;
  switch (ret) {
    case 0:
      break;
    case -EBUSY:
      k.pr_debug(dbg_try_switch, `livepatch: klp_try_switch_task: ${who} is running\n`);
      break;
    case -EINVAL:
      k.pr_debug(dbg_try_switch, `livepatch: klp_try_switch_task: ${who} has an unreliable stack\n`);
      break;
    case -EADDRINUSE:
      k.pr_debug(dbg_try_switch, `livepatch: klp_try_switch_task: ${who} is sleeping on function ${old_name}\n`);
      break;
    default:
      k.pr_debug(dbg_try_switch, `livepatch: klp_try_switch_task: Unknown error code (${ret}) when trying to switch ${who}\n`);
  }
  return ret === 0;
}

/** klp_send_signals(): nudge the tasks that still have not switched */
function klp_send_signals(klp: Klp): void {
  if (klp.klp_signals_cnt === SIGNALS_TIMEOUT) klp.k.printk(KERN_NOTICE, 'livepatch: signaling remaining tasks\n');
  for (const task of klp.k.tasks.normalTasks()) {
    if (!task.patch_pending) continue;
    // a kthread sleeping interruptibly is woken; a user task gets a fake signal
    task.signalPending = true;
    klp.k.wakeTask(task);
  }
}

/** round_jiffies_relative(HZ): the retry lands on a whole second of jiffies */
function roundJiffiesRelativeNs(klp: Klp, deltaJiffies: number): number {
  const now = klp.k.clock.jiffies();
  let j = now + deltaJiffies;
  const rem = j % HZ;
  j = rem < HZ / 4 ? j - rem : j - rem + HZ;
  if (j <= now) j = now + deltaJiffies;
  const targetNs = (j * NSEC_PER_SEC) / HZ;
  return Math.max(1, targetNs - klp.k.clock.now());
}

/**
 * klp_try_complete_transition(): one attempt to switch every remaining task. Completes the
 * transition when all have switched; otherwise schedules the next attempt.
 */
export function klp_try_complete_transition(klp: Klp): void {
  const k = klp.k;
  let complete = true;
  for (const task of k.tasks.normalTasks()) if (!klp_try_switch_task(klp, task)) complete = false;

  for (const task of k.tasks.idleTasks()) {
    if (k.cpuOnline(task.idleCpu!)) {
      if (!klp_try_switch_task(klp, task)) {
        complete = false;
        // make the idle task go through its main loop, where it switches
        k.wake_up_if_idle(task.idleCpu!);
      }
    } else if (task.patch_state !== klp.klp_target_state) {
      task.patch_pending = false;
      task.patch_state = klp.klp_target_state;
    }
  }

  if (!complete) {
    if (klp.klp_signals_cnt && !(klp.klp_signals_cnt % SIGNALS_TIMEOUT)) klp_send_signals(klp);
    klp.klp_signals_cnt++;
    k.workqueue.schedule_delayed_work(klp.klp_transition_work, roundJiffiesRelativeNs(klp, HZ));
    return;
  }

  const patch = klp.klp_transition_patch!;
  klp_complete_transition(klp);

  // freeing is here rather than in klp_complete_transition(), which the cancel path shares
  if (!patch.enabled) klp_free_patch_async(klp, patch);
  else if (klp_atomic_replace(klp, patch)) klp_free_replaced_patches_async(klp, patch);
}

/** klp_start_transition(): mark every task that still has to switch */
export function klp_start_transition(klp: Klp): void {
  const k = klp.k;
  k.printk(KERN_NOTICE, `livepatch: '${patchName(klp)}': starting ${direction(klp)} transition\n`);
  for (const task of forEachTask(klp)) if (task.patch_state !== klp.klp_target_state) task.patch_pending = true;
  // klp_cond_resched_enable(): which scheduler hook, and what enabling it costs, is the release's
  sched_klp_enable(k);
  klp.klp_signals_cnt = 0;
}

/** klp_init_transition(): every task starts in the opposite of the target state */
export function klp_init_transition(klp: Klp, patch: NonNullable<Klp['klp_transition_patch']>, state: number): void {
  klp.klp_transition_patch = patch;
  klp.klp_target_state = state;
  klp.k.pr_debug(dbg_init, `livepatch: '${patch.mod.name}': initializing ${direction(klp)} transition\n`);
  const initial_state = state === KLP_TRANSITION_PATCHED ? KLP_TRANSITION_UNPATCHED : KLP_TRANSITION_PATCHED;
  for (const task of forEachTask(klp)) task.patch_state = initial_state;
  // when patching, the funcs become visible to the handler only in klp_patch_object()
  for (const obj of klp_for_each_object(patch)) for (const func of klp_for_each_func(obj)) func.transition = true;
}

/**
 * klp_reverse_transition(): go back the way we came. No callbacks run now and no attempt
 * is made; the already scheduled work does the next one.
 */
export function klp_reverse_transition(klp: Klp): void {
  const patch = klp.klp_transition_patch!;
  klp.k.pr_debug(
    dbg_reverse,
    `livepatch: '${patch.mod.name}': reversing transition from ${klp.klp_target_state === KLP_TRANSITION_PATCHED ? 'patching to unpatching' : 'unpatching to patching'}\n`,
  );
  for (const task of forEachTask(klp)) task.patch_pending = false;
  patch.enabled = !patch.enabled;
  klp.klp_target_state = klp.klp_target_state === KLP_TRANSITION_PATCHED ? KLP_TRANSITION_UNPATCHED : KLP_TRANSITION_PATCHED;
  klp_start_transition(klp);
}

/** klp_copy_process(): a child starts where its parent is */
export function klp_copy_process(parent: Task, child: Task): void {
  child.patch_pending = parent.patch_pending;
  child.patch_state = parent.patch_state;
}

/** klp_force_transition(): switch everybody now, without stack checks */
export function klp_force_transition(klp: Klp): void {
  klp.k.printk(KERN_WARNING, 'livepatch: forcing remaining tasks to the patched state\n');
  for (const task of forEachTask(klp)) klp_update_patch_state(klp, task);
  // the modules of patches removed under force can never be unloaded
  if (klp.klp_target_state === KLP_TRANSITION_UNPATCHED) klp.klp_transition_patch!.forced = true;
  else if (klp_atomic_replace(klp, klp.klp_transition_patch!))
    for (const patch of klp.klp_patches)
      if (patch !== klp.klp_transition_patch && klp_replaces_old_patch(klp, klp.klp_transition_patch!, patch)) patch.forced = true;
}

/** the delayed work: one more attempt while a transition is in progress */
export function klp_transition_work_fn(klp: Klp): void {
  if (klp.klp_transition_patch) klp_try_complete_transition(klp);
}

