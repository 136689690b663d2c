/**
 * ftrace: handlers attached to function entries, and the call path that honours them.
 *
 * Livepatch, kprobes and the function tracer all attach here. An ops with IPMODIFY may
 * redirect the call (livepatch does); only one IPMODIFY user may own a function, which is
 * why a kprobe with a post handler makes a later livepatch fail with -EBUSY.
 */
import { EBUSY, ENODEV } from './errno.js';
import type { KFunc } from './kallsyms.js';

export const FTRACE_OPS_FL_IPMODIFY = 1 << 0;
export const FTRACE_OPS_FL_DYNAMIC = 1 << 1;
/** the ops must stay registered: refuses ftrace_enabled=0 while active, and vice versa */
export const FTRACE_OPS_FL_PERMANENT = 1 << 2;
export const FTRACE_OPS_FL_SAVE_REGS = 1 << 3;

export interface FtraceOps {
  name: string;
  flags: number;
  /** functions this ops is filtered on (ftrace_set_filter_ip) */
  filter: Set<KFunc>;
  /**
   * Called on entry to a filtered function. An IPMODIFY handler returns the code to run
   * instead (or undefined to let the original run).
   */
  func: (fn: KFunc) => KFunc | undefined;
  registered?: boolean;
}

export class Ftrace {
  /** the kernel.ftrace_enabled sysctl */
  ftraceEnabled = true;
  private readonly ops: FtraceOps[] = [];

  /** register_ftrace_function() */
  register(ops: FtraceOps): number {
    if (ops.registered) return -EBUSY;
    if (!this.ftraceEnabled && ops.flags & FTRACE_OPS_FL_PERMANENT) return -EBUSY;
    if (ops.flags & FTRACE_OPS_FL_IPMODIFY) {
      for (const other of this.ops) {
        if (!(other.flags & FTRACE_OPS_FL_IPMODIFY)) continue;
        for (const fn of ops.filter) if (other.filter.has(fn)) return -EBUSY;
      }
    }
    ops.registered = true;
    this.ops.push(ops);
    return 0;
  }

  /** unregister_ftrace_function() */
  unregister(ops: FtraceOps): number {
    const i = this.ops.indexOf(ops);
    if (i < 0) return -ENODEV;
    this.ops.splice(i, 1);
    ops.registered = false;
    return 0;
  }

  /** is any registered ops PERMANENT (refuses kernel.ftrace_enabled=0)? */
  hasPermanentOps(): boolean {
    return this.ops.some((o) => o.flags & FTRACE_OPS_FL_PERMANENT);
  }

  /**
   * What runs when `fn` is called: every ops filtered on it sees the call (tracers,
   * kprobes), and an IPMODIFY ops may redirect it.
   */
  resolve(fn: KFunc): KFunc {
    const target = this.dispatch(fn);
    this.onCall?.(fn, target);
    return target;
  }

  /**
   * Who watches every call from outside the machine (the explorer's consistency-model
   * check): `fn` was called and `ran` is what ran. Not a kernel facility: the simulator's
   * equivalent of recording a function trace of the whole run.
   */
  onCall: ((fn: KFunc, ran: KFunc) => void) | null = null;

  /** the observer's answer to: would a call of `fn`, running `fn` itself, tell you anything now? */
  onCallWatches: ((fn: KFunc) => boolean) | null = null;

  /**
   * Would a call of `fn` now run `fn` itself, seen by no ops and by no observer that could
   * object? Such a call changes nothing (the periodic callers of programs.ts ask, so that
   * time can pass over their calls: timer.ts).
   */
  callIsInert(fn: KFunc): boolean {
    if (this.ftraceEnabled) for (const o of this.ops) if (o.filter.has(fn)) return false;
    return !this.onCall || this.onCallWatches?.(fn) === false;
  }

  private dispatch(fn: KFunc): KFunc {
    if (!this.ftraceEnabled) return fn;
    let target = fn;
    for (const o of this.ops) {
      if (!o.filter.has(fn)) continue;
      const r = o.func(fn);
      if (r && o.flags & FTRACE_OPS_FL_IPMODIFY) target = r;
    }
    // the replacement has an fentry of its own: tracers watching it see the call too
    if (target !== fn)
      for (const o of this.ops) if (o.filter.has(target) && !(o.flags & FTRACE_OPS_FL_IPMODIFY)) o.func(target);
    return target;
  }
}
