/**
 * Workqueues (kernel/workqueue.c) on virtual time: work items, delayed work, and the
 * kworkers that run them.
 *
 * Work queued with queue_work() runs at the next scheduling point (before the shell's next
 * command, or while something sleeps); delayed work runs when virtual time reaches its
 * expiry. Ties are broken by queueing order, so every run is deterministic.
 */
import { MachineHang } from './hang.js';
import type { Task, TaskList } from './sched.js';
import type { Scheduler, Sleep, Timer } from './timer.js';

/**
 * A work function may be plain, or a generator that yields Sleep to block (msleep in a
 * loop): it then keeps its kworker, with its frame on that kworker's stack, until it ends.
 */
export type WorkFunc = (work: WorkStruct) => void | Generator<Sleep, void, void>;

export class WorkStruct {
  pending = false;
  /** the structure this work item is a member of, for container_of() (in C, pointer arithmetic) */
  container: object | undefined;
  /** a generator-based work function that is sleeping */
  running: { resume: () => void } | undefined;
  constructor(
    readonly name: string,
    readonly func: WorkFunc,
  ) {}
}

export class DelayedWork extends WorkStruct {
  timer: Timer | undefined;
}

/** process_one_work() in kworker context; the unit tests run work directly */
export type RunWork = (work: WorkStruct) => void;

export class Workqueue {
  private readonly runnable: WorkStruct[] = [];

  constructor(
    private readonly sched: Scheduler,
    private readonly runWork: RunWork,
  ) {}

  /** queue_work(): false if it was already pending */
  queue_work(work: WorkStruct): boolean {
    if (work.pending) return false;
    work.pending = true;
    this.runnable.push(work);
    return true;
  }

  /** schedule_delayed_work(): a no-op if the work is already pending */
  schedule_delayed_work(work: DelayedWork, delayNs: number): boolean {
    if (work.pending) return false;
    work.pending = true;
    work.timer = this.sched.addTimer(delayNs, () => {
      work.timer = undefined;
      this.runnable.push(work);
    });
    return true;
  }

  /**
   * flush_work() / cancel_work_sync() on running work: the caller sleeps while virtual
   * time passes, until the work ends. Queued work runs now. Called from inside the
   * scheduler (a work item flushing another), time cannot pass, so the sleeping work is
   * woken at once instead.
   */
  flush_work(work: WorkStruct): void {
    const i = this.runnable.indexOf(work);
    if (i >= 0) {
      this.runnable.splice(i, 1);
      this.execute(work);
    }
    const hang = () => new MachineHang(`flush_work(${work.name}) waits for a work that never ends`);
    if (this.sched.advancing) {
      for (let guard = 0; work.running; guard++) {
        if (guard > 1_000_000) throw hang();
        work.running.resume();
      }
    } else if (!this.sched.pollUntil(() => !work.running, 1_000_000, 1_000_000)) {
      // (the waiter looks again every millisecond, for at most 1,000 s)
      throw hang();
    }
  }

  /** cancel_work_sync(): a queued work is dropped; a running one is waited for */
  cancel_work_sync(work: WorkStruct): void {
    const i = this.runnable.indexOf(work);
    if (i >= 0) {
      this.runnable.splice(i, 1);
      work.pending = false;
    }
    this.flush_work(work);
  }

  /** run everything runnable now, including work that running work queues */
  runPending(): void {
    for (let guard = 0; this.runnable.length; guard++) {
      if (guard > 100_000) throw new Error('workqueue livelock in the simulated kernel');
      this.execute(this.runnable.shift()!);
    }
  }

  private execute(work: WorkStruct): void {
    work.pending = false;
    this.runWork(work);
  }
}

/**
 * The kworker pool: process_one_work() runs a work item on a free kworker; one sleeping in
 * a work item keeps its worker, so the next work gets another (spawned when none is free).
 */
export class Kworkers {
  private readonly kworkers: Task[] = [];
  private readonly busy = new Set<Task>();

  constructor(
    private readonly tasks: TaskList,
    private readonly sched: Scheduler,
  ) {
    this.kworkers.push(tasks.spawn('kworker/0:1', { kthread: true }));
  }

  private idleKworker(): Task {
    let w = this.kworkers.find((t) => !this.busy.has(t));
    if (!w) {
      w = this.tasks.spawn(`kworker/0:${this.kworkers.length + 1}`, { kthread: true, parent: this.kworkers[0] });
      this.kworkers.push(w);
    }
    return w;
  }

  /** process_one_work() */
  run(work: WorkStruct): void {
    const worker = this.idleKworker();
    const result = this.tasks.runAs(worker, () => work.func(work));
    if (!result) return;
    // a generator: it runs until it yields a sleep, and resumes when the sleep is over
    const gen = result;
    const depth = worker.stack.length;
    this.busy.add(worker);
    let timer: { cancelled: boolean } | undefined;
    const step = () => {
      if (timer) timer.cancelled = true;
      timer = undefined;
      const r = this.tasks.runAs(worker, () => gen.next());
      if (r.done) {
        worker.stack.length = depth;
        this.busy.delete(worker);
        work.running = undefined;
        return;
      }
      timer = this.sched.addTimer(r.value.sleepNs, step);
    };
    work.running = { resume: step };
    step();
  }
}
