/**
 * Timers on virtual time, and time passing: advance() fires the timers that expire in the
 * interval in expiry order (ties in arming order) and runs the work they make runnable
 * (workqueue.ts) after each.
 */
import type { VirtualClock } from './clock.js';

export interface Timer {
  expires: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
  /**
   * A periodic timer (addPeriodic): armed again `period` ns after each firing, and able to
   * tell when a firing would change nothing (`inert`): advance() passes over those (below).
   */
  periodic?: { period: number; inert: () => boolean };
}

/** what sleeping kernel code yields: msleep() and friends */
export interface Sleep {
  sleepNs: number;
}

export function msleep(ms: number): Sleep {
  return { sleepNs: ms * 1_000_000 };
}

export class Scheduler {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(
    private readonly clock: VirtualClock,
    /** runs the work that is runnable (the workqueues' runPending) */
    private readonly runPending: () => void,
  ) {}

  /**
   * when the next timer that can change anything fires (virtual ns), or undefined when
   * none is set: an inert periodic timer's firings change nothing (passOver())
   */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers) if (!t.cancelled && (next === undefined || t.expires < next) && !t.periodic?.inert()) next = t.expires;
    return next;
  }

  addTimer(delayNs: number, fn: () => void, periodic?: Timer['periodic']): Timer {
    const t: Timer = { expires: this.clock.now() + delayNs, seq: this.seq++, fn, cancelled: false, periodic };
    this.timers.push(t);
    return t;
  }

  /**
   * A sleeper that looks at `done()` every `lookNs` of virtual time until it holds (the
   * wait loops of wait_for_completion() and flush_work()). Only a timer, or the work it
   * queues, can make it hold, so the looks before the next timer that can change anything
   * are skipped: the sleeper wakes on the look it would have. False when it would wait
   * forever: no such timer is left, or it would take more than `maxLooks` looks.
   */
  pollUntil(done: () => boolean, lookNs: number, maxLooks: number): boolean {
    for (let looks = 0; !done(); ) {
      const next = this.nextExpiry();
      if (next === undefined) return false;
      const steps = Math.max(1, Math.ceil((next - this.clock.now()) / lookNs));
      looks += steps;
      if (looks > maxLooks) return false;
      this.advance(steps * lookNs);
    }
    return true;
  }

  /**
   * A timer that fires every `periodNs` until cancelled, armed again after each firing (as
   * a timer function's own mod_timer() would, before the work it queued runs). `inert`
   * says when a firing would change nothing.
   */
  addPeriodic(periodNs: number, fn: () => void, inert: () => boolean): Timer {
    return this.addTimer(periodNs, fn, { period: periodNs, inert });
  }

  private advancingNow = false;

  /** inside a timer or a work item run by advance(): time cannot pass */
  get advancing(): boolean {
    return this.advancingNow;
  }

  /** let virtual time pass, firing timers in expiry order and running the work they queue */
  advance(deltaNs: number): void {
    if (this.advancingNow) throw new Error('virtual time cannot pass inside a timer or work item');
    this.advancingNow = true;
    try {
      this.advanceUnlocked(deltaNs);
    } finally {
      this.advancingNow = false;
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
      if (next.periodic?.inert() && this.passOver(next, target)) continue;
      // the order of the array means nothing (expiry and seq decide): the last fills the gap
      const last = timers.pop()!;
      if (at < timers.length) timers[at] = last;
      this.clock.set(Math.max(this.clock.now(), next.expires));
      next.fn();
      if (next.periodic && !next.cancelled) {
        next.expires = this.clock.now() + next.periodic.period;
        next.seq = this.seq++;
        timers.push(next);
      }
      this.runPending();
    }
    this.clock.set(target);
  }

  /**
   * Like a tickless kernel that does not wake an idle CPU to do nothing: an inert periodic
   * timer's firings are passed over up to the first one that could see a change. Only a
   * timer that is not inert (or the work it queues, or the next step, after `target`) can
   * change anything, so the firings before the next such timer are no-ops and are skipped;
   * the timer lands on its own period's grid, at or after that timer (then after it, as its
   * re-arming would have ordered them: it is re-armed now, after every timer already set),
   * or past `target`. Returns false when there is nothing to pass over (that timer expires
   * with it), and the firing happens as usual.
   */
  private passOver(t: Timer, target: number): boolean {
    let bound = Infinity;
    for (const o of this.timers)
      if (o !== t && !o.cancelled && o.expires < bound && !o.periodic?.inert()) bound = o.expires;
    const period = t.periodic!.period;
    let at: number;
    if (bound <= target) {
      if (bound <= t.expires) return false;
      at = t.expires + Math.ceil((bound - t.expires) / period) * period;
    } else {
      at = t.expires + (Math.floor((target - t.expires) / period) + 1) * period;
    }
    t.expires = at;
    t.seq = this.seq++;
    return true;
  }
}
