/**
 * Tasks: what the livepatch consistency model looks at.
 *
 * A task has a call stack of the function versions it is executing or sleeping in, the
 * per-task patch state and TIF_PATCH_PENDING, and where it is (sleeping, running on a
 * CPU, idle loop). The stack is made of KFunc identities, the simulator's equivalent of
 * return addresses: a stack check asks whether one of them is a given function's code.
 */
import type { KFunc } from './kallsyms.js';

export const KLP_TRANSITION_IDLE = -1;
export const KLP_TRANSITION_UNPATCHED = 0;
export const KLP_TRANSITION_PATCHED = 1;

export class Task {
  /** per-task livepatch state (task->patch_state) */
  patch_state = KLP_TRANSITION_IDLE;
  /** TIF_PATCH_PENDING */
  patch_pending = false;
  /** frames, outermost first; the kernel code currently executed or slept in */
  readonly stack: KFunc[] = [];
  /** CPU it is running on right now (other than as `current`), or undefined when sleeping */
  runningOnCpu: number | undefined;
  /** a fake signal was sent (klp_send_signals: set_notify_signal / wake_up_state) */
  signalPending = false;
  /** the unwinder cannot vouch for this stack (klp_check_stack fails with -EINVAL) */
  unreliableStack = false;
  exited = false;
  /**
   * What the task does when a (fake) signal or an interruptible wake-up reaches it: a user
   * task returns to user space, a kthread in an interruptible sleep runs its loop again.
   * Undefined for tasks that cannot be woken that way (uninterruptible sleepers).
   */
  onWake: (() => void) | undefined;

  constructor(
    readonly pid: number,
    public comm: string,
    readonly kthread: boolean,
    /** the per-CPU idle task ("swapper/N") of this CPU */
    readonly idleCpu?: number,
  ) {}

  get isIdle(): boolean {
    return this.idleCpu !== undefined;
  }
}

export class TaskList {
  private readonly tasks: Task[] = [];
  private readonly idle: Task[] = [];
  private nextPid = 1;
  private currentTask: Task;

  constructor(readonly nrCpus: number) {
    for (let cpu = 0; cpu < nrCpus; cpu++) this.idle.push(new Task(0, `swapper/${cpu}`, true, cpu));
    this.currentTask = this.idle[0];
  }

  /** what copy_process() calls for livepatch (klp_copy_process), set when the core initializes */
  copy_process_hook: ((parent: Task, child: Task) => void) | undefined;

  /** a new task, forked from `parent` (default: the current task) */
  spawn(comm: string, opts: { kthread?: boolean; parent?: Task; pid?: number } = {}): Task {
    const pid = opts.pid ?? this.nextPid++;
    if (pid >= this.nextPid) this.nextPid = pid + 1;
    const t = new Task(pid, comm, !!opts.kthread);
    const parent = opts.parent ?? this.currentTask;
    this.copy_process_hook?.(parent, t);
    this.tasks.push(t);
    return t;
  }

  exit(task: Task): void {
    task.exited = true;
    const i = this.tasks.indexOf(task);
    if (i >= 0) this.tasks.splice(i, 1);
  }

  /** for_each_process_thread order: creation order */
  normalTasks(): readonly Task[] {
    return this.tasks;
  }

  idleTasks(): readonly Task[] {
    return this.idle;
  }

  all(): Task[] {
    return this.idle.concat(this.tasks);
  }

  byPid(pid: number): Task | undefined {
    return this.tasks.find((t) => t.pid === pid);
  }

  get current(): Task {
    return this.currentTask;
  }

  /** make `task` the one CPU 0 runs from now on (the shell that drives the machine) */
  switchTo(task: Task): void {
    this.currentTask = task;
  }

  /** run fn as `task` (a context switch in the simulated machine) */
  runAs<T>(task: Task, fn: () => T): T {
    const prev = this.currentTask;
    this.currentTask = task;
    try {
      return fn();
    } finally {
      this.currentTask = prev;
    }
  }
}
