/**
 * One simulated machine: clock, timers, workqueues, log, tasks, symbols, ftrace, file
 * system and module loader. Subsystems (the livepatch core, vmlinux's functions) attach to it at boot;
 * see harness/boot.ts.
 */
import { NSEC_PER_MSEC, VirtualClock } from './clock.js';
import { DynamicDebug, type DebugSite } from './dynamic_debug.js';
import { Ftrace } from './ftrace.js';
import { Kallsyms, type KFunc } from './kallsyms.js';
import { ModuleLoader, TAINT_WARN } from './module.js';
import { KERN_DEBUG, KERN_WARNING, Printk } from './printk.js';
import { TaskList, type Task } from './sched.js';
import { Scheduler, type Sleep } from './timer.js';
import { Kworkers, WorkStruct, Workqueue } from './workqueue.js';
import { Vfs } from './vfs.js';
import type { KlpSchedHook } from './sched_klp.js';

export interface KernelConfig {
  nrCpus: number;
  /** the kernel version modelled, [major, minor]: decides version-dependent behaviour */
  version: [number, number];
  /** the kernel release `uname -r` reports */
  release: string;
  /** wall-clock time at boot, ms since the epoch */
  bootEpochMs: number;
  /** virtual time at which user space starts running the tests */
  bootNs: number;
  /** how the scheduler helps a livepatch transition along (harness/kernel/sched_klp.ts) */
  klpSchedHook: KlpSchedHook;
}

export const DEFAULT_CONFIG: KernelConfig = {
  nrCpus: 2,
  version: [7, 3],
  release: '7.3.0-klp-selftest',
  bootEpochMs: Date.UTC(2026, 0, 1, 0, 0, 0),
  bootNs: 5_000 * NSEC_PER_MSEC,
  klpSchedHook: 'schedule_static_key',
};

export class Kernel {
  readonly clock: VirtualClock;
  readonly sched: Scheduler;
  readonly workqueue: Workqueue;
  readonly log: Printk;
  readonly dyndbg = new DynamicDebug();
  readonly tasks: TaskList;
  readonly kallsyms = new Kallsyms();
  readonly ftrace = new Ftrace();
  readonly vfs = new Vfs();
  readonly modules: ModuleLoader;
  private taints = 0;
  private readonly kworkers: Kworkers;

  constructor(readonly config: KernelConfig = DEFAULT_CONFIG) {
    this.clock = new VirtualClock(config.bootNs, config.bootEpochMs);
    this.tasks = new TaskList(config.nrCpus);
    this.log = new Printk(this.clock, () => this.tasks.current.pid);
    this.sched = new Scheduler(this.clock, () => this.workqueue.runPending());
    this.workqueue = new Workqueue(this.sched, (w) => this.kworkers.run(w));
    this.modules = new ModuleLoader(this);
    this.tasks.spawn('systemd');
    this.tasks.spawn('kthreadd', { kthread: true });
    this.kworkers = new Kworkers(this.tasks, this.sched);
  }

  versionAtLeast(major: number, minor: number): boolean {
    const [a, b] = this.config.version;
    return a > major || (a === major && b >= minor);
  }

  get current(): Task {
    return this.tasks.current;
  }

  printk(level: number, text: string): void {
    this.log.printk(level, text);
  }

  /** pr_debug(): printed only when dynamic debug enabled the callsite */
  pr_debug(site: DebugSite, text: string): void {
    if (this.dyndbg.isEnabled(site)) this.log.printk(KERN_DEBUG, text);
  }

  private readonly pointers = new WeakMap<object, string>();
  private pointerCount = 0;

  /** %p: a stable hashed pointer per object, 16 hex digits like a 64-bit kernel prints */
  ptr(obj: object): string {
    let p = this.pointers.get(obj);
    if (!p) {
      // splitmix64 of a counter: looks like a hashed pointer, same on every run
      let z = (BigInt(++this.pointerCount) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
      z ^= z >> 31n;
      p = z.toString(16).padStart(16, '0');
      this.pointers.set(obj, p);
    }
    return p;
  }

  /**
   * WARN(1, fmt...): the splat kernel/panic.c prints on x86 (the text comes before the
   * WARNING line there), and taint W.
   */
  WARN(text: string, file: string, func: string): void {
    this.printk(KERN_WARNING, '------------[ cut here ]------------\n');
    if (text) this.printk(KERN_WARNING, text);
    const cur = this.current;
    this.printk(KERN_WARNING, `WARNING: CPU: 0 PID: ${cur.pid} at ${file} ${func}\n`);
    this.printk(KERN_WARNING, `${this.modules.print_modules()}\n`);
    this.printk(KERN_WARNING, `CPU: 0 UID: 0 PID: ${cur.pid} Comm: ${cur.comm}\n`);
    this.printk(KERN_WARNING, '---[ end trace 0000000000000000 ]---\n');
    this.add_taint(TAINT_WARN);
  }

  private readonly warnedOnce = new Set<string>();

  /** WARN_ON_ONCE(): a splat without text, the first time this site fires */
  WARN_ON_ONCE(file: string, func: string): void {
    const key = `${file}:${func}`;
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.WARN('', file, func);
  }

  add_taint(flag: number): void {
    this.taints |= 1 << flag;
  }

  test_taint(flag: number): boolean {
    return (this.taints & (1 << flag)) !== 0;
  }

  get tainted(): number {
    return this.taints;
  }

  /**
   * Call a kernel function as the current task. ftrace decides which version runs (the
   * livepatch handler picks by the task's patch state); the version that runs is on the
   * task's stack for the duration of the call.
   */
  call<R = unknown>(fn: KFunc, ...args: unknown[]): R {
    const target = this.ftrace.resolve(fn);
    const stack = this.current.stack;
    stack.push(target);
    try {
      return target.impl(...args) as R;
    } finally {
      stack.pop();
    }
  }

  /**
   * Where the kernel calls into the livepatch core on its own: on return to user space
   * (exit_to_user_mode) and in the idle loop. Set when the livepatch core initializes.
   */
  klp_update_patch_state: ((task: Task) => void) | undefined;

  /** call_usermodehelper(): runs a user-space program (modprobe) and returns its exit code */
  usermodehelper: ((argv: string[]) => number) | undefined;

  cpuOnline(cpu: number): boolean {
    return cpu >= 0 && cpu < this.config.nrCpus;
  }

  /** the task a CPU is executing right now: CPU 0 runs `current`, others their spinning task or idle */
  cpu_curr(cpu: number): Task {
    if (cpu === 0) return this.current;
    for (const t of this.tasks.normalTasks()) if (t.runningOnCpu === cpu) return t;
    return this.tasks.idleTasks()[cpu];
  }

  /** task_curr(): is the task executing on some CPU at this moment? */
  task_curr(task: Task): boolean {
    if (task === this.current) return true;
    if (task.isIdle) return this.cpu_curr(task.idleCpu!) === task;
    return task.runningOnCpu !== undefined;
  }

  /**
   * wake_up_if_idle(): kick an idle CPU through its idle loop. The loop passes
   * klp_update_patch_state() for the idle task at once, on that CPU.
   */
  wake_up_if_idle(cpu: number): void {
    if (this.cpu_curr(cpu) !== this.tasks.idleTasks()[cpu]) return;
    this.workqueue.queue_work(new WorkStruct(`idle_loop/${cpu}`, () => this.do_idle_switch(cpu)));
  }

  /** the end of one pass of do_idle() on `cpu`: its idle task takes a pending livepatch switch */
  do_idle_switch(cpu: number): void {
    const idle = this.tasks.idleTasks()[cpu];
    this.tasks.runAs(idle, () => this.klp_update_patch_state?.(idle));
  }

  /**
   * Wake a sleeping task (wake_up_state(TASK_INTERRUPTIBLE) for a kthread, a fake signal
   * for a user task): it goes through its wake-up path on its own CPU soon after. A task
   * in an uninterruptible sleep (msleep) does not notice.
   */
  wakeTask(task: Task): void {
    // a user task handles the signal and passes exit_to_user_mode(); a kthread only runs
    // again if it sleeps interruptibly and says what it then does
    const wake = task.kthread ? task.onWake : (task.onWake ?? (() => this.klp_update_patch_state?.(task)));
    if (!wake) return;
    this.workqueue.queue_work(new WorkStruct(`wake/${task.pid}`, () => this.tasks.runAs(task, wake)));
  }

  /**
   * A system call made by the current task: on the way back to user space the task passes
   * exit_to_user_mode(), where a pending livepatch switch happens without a stack check.
   */
  syscall<R>(fn: () => R): R {
    try {
      return fn();
    } finally {
      // exit_to_user_mode_loop() calls klp_update_patch_state() for _TIF_PATCH_PENDING only
      const task = this.current;
      if (!task.kthread && task.patch_pending) this.klp_update_patch_state?.(task);
    }
  }

  /** a short-lived user process (fork + exec + exit), such as insmod or cat */
  runProcess<R>(comm: string, fn: (task: Task) => R, parent?: Task): R {
    const task = this.tasks.spawn(comm, { parent: parent ?? this.current });
    try {
      return this.tasks.runAs(task, () => fn(task));
    } finally {
      this.tasks.exit(task);
    }
  }

  /**
   * Call a kernel function that may sleep (a generator), as a work function does: the
   * version ftrace picks stays on the task's stack until the generator ends.
   */
  *callSleeping(fn: KFunc, ...args: unknown[]): Generator<Sleep, unknown, void> {
    const target = this.ftrace.resolve(fn);
    const stack = this.current.stack;
    stack.push(target);
    try {
      const r = target.impl(...args);
      if (r && typeof r === 'object' && typeof (r as Generator).next === 'function') return yield* r as Generator<Sleep, unknown, void>;
      return r;
    } finally {
      // the generator may end while another task is current: pop from the stack we pushed to
      stack.splice(stack.lastIndexOf(target), 1);
    }
  }
}
