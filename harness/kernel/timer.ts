/**
 * Timers, workqueues and delayed work on virtual time.
 *
 * Work queued with queue_work() runs at the next scheduling point (before the shell's next
 * command, or while something sleeps); delayed work runs when virtual time reaches its
 * expiry. Ties are broken by queueing order, so every run is deterministic.
 */
import type { VirtualClock } from './clock.js';

interface Timer {
  expires: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** what sleeping kernel code yields: msleep() and friends */
export interface Sleep {
  sleepNs: number;
}

export function msleep(ms: number): Sleep {
  return { sleepNs: ms * 1_000_000 };
}

/**
 * A work function may be plain, or a generator that yields Sleep to block (msleep in a
 * loop): it then keeps its kworker, with its frame on that kworker's stack, until it ends.
 */
export type WorkFunc = (work: WorkStruct) => void | Generator<Sleep, void, void>;

export class WorkStruct {
  pending = false;
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

export class Scheduler {
  private timers: Timer[] = [];
  private readonly runnable: WorkStruct[] = [];
  private seq = 0;

  constructor(
    private readonly clock: VirtualClock,
    /** runs a work item in kworker context */
    private readonly runWork: (work: WorkStruct) => void,
  ) {}

  addTimer(delayNs: number, fn: () => void): Timer {
    const t: Timer = { expires: this.clock.now() + delayNs, seq: this.seq++, fn, cancelled: false };
    this.timers.push(t);
    return t;
  }

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
    work.timer = this.addTimer(delayNs, () => {
      work.timer = undefined;
      this.runnable.push(work);
    });
    return true;
  }

  /** mod_delayed_work(): (re)arm whether or not it was pending */
  mod_delayed_work(work: DelayedWork, delayNs: number): void {
    this.cancel_delayed_work(work);
    this.schedule_delayed_work(work, delayNs);
  }

  cancel_delayed_work(work: DelayedWork): boolean {
    if (!work.pending) return false;
    if (work.timer) work.timer.cancelled = true;
    work.timer = undefined;
    const i = this.runnable.indexOf(work);
    if (i >= 0) this.runnable.splice(i, 1);
    work.pending = false;
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
    for (let guard = 0; work.running; guard++) {
      if (guard > 1_000_000) throw new Error(`flush_work(${work.name}): the work never ends`);
      if (this.advancing) work.running.resume();
      else this.advance(1_000_000);
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

  private advancing = false;

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

  /** let virtual time pass, firing timers in expiry order and running the work they queue */
  advance(deltaNs: number): void {
    if (this.advancing) throw new Error('virtual time cannot pass inside a timer or work item');
    this.advancing = true;
    try {
      this.advanceUnlocked(deltaNs);
    } finally {
      this.advancing = false;
    }
  }

  private advanceUnlocked(deltaNs: number): void {
    const target = this.clock.now() + deltaNs;
    this.runPending();
    const timers = this.timers;
    for (;;) {
      // one pass drops cancelled timers and finds the next to fire, allocating nothing: a
      // task hammering a syscall sets a timer every millisecond of virtual time
      let next: Timer | undefined;
      let at = -1;
      let live = 0;
      for (let i = 0; i < timers.length; i++) {
        const t = timers[i];
        if (t.cancelled) continue;
        timers[live++] = t;
        if (t.expires <= target && (!next || t.expires < next.expires || (t.expires === next.expires && t.seq < next.seq))) {
          next = t;
          at = live - 1;
        }
      }
      if (live !== timers.length) timers.length = live;
      if (!next) break;
      timers.splice(at, 1);
      this.clock.set(Math.max(this.clock.now(), next.expires));
      next.fn();
      this.runPending();
    }
    this.clock.set(target);
  }
}
