/**
 * A selftest session: one booted machine and the shell that runs a suite's steps on it,
 * with functions.sh's helpers and the user-space tools the scripts call.
 */
import { boot, type Machine } from '../boot.js';
import type { KernelConfig } from '../kernel/kernel.js';
import { modelAt, type KernelModelDefinition } from '../models.js';
import { insmod, modinfo, modprobe, rmmod, type ToolResult } from '../userspace/kmod.js';
import { sysctl } from '../userspace/procps.js';
import { PROGRAMS, type Program } from '../userspace/programs.js';
import { filterLog, filterNewLines } from './check_result.js';
import { FUNCTIONS_VARIABLES, selftestFunctions, type HelperContext } from './functions.js';
import { MachineFs, fsError } from './machine_fs.js';
import { helperCallProblem } from './helper_usage.js';
import { STEP_TIME_LIMIT_S, StepTimeLimit } from './limits.js';
import { Shell } from './shell/interpreter.js';
import { ShellExit } from './shell/host.js';
import type { CommandImpl, CommandIO, FsError, ShellHost } from './shell/host.js';

/** virtual time a fork+exec of an external program costs */
const PROCESS_COST_NS = 1_000_000;

export class SelftestSession implements ShellHost {
  readonly machine: Machine;
  readonly fs: MachineFs;
  readonly shell: Shell;
  readonly helpers: Record<string, CommandImpl>;
  private readonly tools: Record<string, (argv: string[]) => ToolResult>;
  private readonly ctx: HelperContext;
  stdout = '';
  stderr = '';

  constructor(model: KernelModelDefinition, config: Partial<KernelConfig> = {}) {
    // a model's release decides the functions.sh and the test modules the machine has
    if (config.version) model = modelAt(model, config.version);
    this.machine = boot(model, config);
    this.fs = new MachineFs(this.machine);
    const m = this.machine;
    const k = m.k;
    // the shell running the test script is what CPU 0 executes
    k.tasks.switchTo(k.tasks.spawn('bash'));
    this.tools = {
      insmod: (argv) => insmod(m, argv),
      rmmod: (argv) => rmmod(m, argv),
      modprobe: (argv) => modprobe(m, argv),
      modinfo: (argv) => modinfo(m, argv),
      sysctl: (argv) => sysctl(m, argv),
      dmesg: (argv) => {
        if (argv.includes('-C') || argv.includes('--clear')) {
          k.log.clear();
          return { status: 0, stdout: '', stderr: '' };
        }
        return { status: 0, stdout: k.log.dmesg(), stderr: '' };
      },
      date: () => ({ status: 0, stdout: `${k.clock.rfc3339ns()}\n`, stderr: '' }),
      uname: (argv) => ({ status: 0, stdout: argv.includes('-r') ? `${k.config.release}\n` : 'Linux\n', stderr: '' }),
    };
    const session = this;
    this.ctx = {
      dialect: model.dialect,
      lastDmesg: undefined,
      log: (msg) => session.kmsg(msg),
      tool: (argv) => session.runTool(argv),
      read: (path) => {
        const r = session.fs.readFile(path);
        return typeof r === 'string' ? r : undefined;
      },
      write: (path, value, io) => session.echoTo(path, value, io),
      exists: (path) => session.fs.stat(path) !== undefined,
      isFile: (path) => session.fs.stat(path)?.type === 'file',
      modeString: (path) => session.fs.stat(path)?.modeString,
      sleep: (s) => session.sleep(s),
      date: () => k.clock.rfc3339ns(),
      dmesg: () => session.runTool(['dmesg']).stdout,
      dmesgLine: (needle) => {
        // dmesg runs as before (its time, its pending work); its text is not searched whole
        session.runTool(['dmesg']);
        return k.log.lastLineContaining(needle);
      },
    };
    this.helpers = selftestFunctions(this.ctx);
    this.shell = new Shell(this, {
      stdout: (t) => (this.stdout += t),
      stderr: (t) => (this.stderr += t),
    });
  }

  /** the kernel log as `echo "$msg" > /dev/kmsg` writes it: one write, with the newline; a refused write is echo's error */
  kmsg(msg: string): void {
    const f = this.fs.openWrite('/dev/kmsg', false);
    if (!('write' in f)) throw new Error(`/dev/kmsg: ${f.message}`);
    const err = f.write(`${msg}\n`);
    if (err) this.stderr += `bash: line 1: echo: write error: ${err.message}\n`;
  }

  /** `echo value > path` from the shell: one write of "value\n"; errors as bash prints them */
  echoTo(path: string, value: string, io: CommandIO): boolean {
    const f = this.fs.openWrite(path, false);
    if (!('write' in f)) {
      io.err(`bash: line 1: ${path}: ${f.message}\n`);
      return false;
    }
    const err = f.write(`${value}\n`);
    if (err) {
      io.err(`bash: line 1: echo: write error: ${err.message}\n`);
      return false;
    }
    return true;
  }

  /** the user-space tools a step may call by name */
  toolNames(): string[] {
    return Object.keys(this.tools);
  }

  runTool(argv: string[]): ToolResult {
    const tool = Object.hasOwn(this.tools, argv[0]) ? this.tools[argv[0]] : undefined;
    if (!tool) return { status: 127, stdout: '', stderr: `bash: line 1: ${argv[0]}: command not found\n` };
    this.machine.k.workqueue.runPending();
    this.machine.k.sched.advance(PROCESS_COST_NS);
    return tool(argv.slice(1));
  }

  // ShellHost

  command(name: string): CommandImpl | undefined {
    const helper = Object.hasOwn(this.helpers, name) ? this.helpers[name] : undefined;
    if (helper)
      return (argv, io) => {
        const problem = helperCallProblem(name, argv);
        if (!problem) return helper(argv, io);
        io.err(`${name}: ${problem}\n`);
        throw new ShellExit(2);
      };
    if (!Object.hasOwn(this.tools, name)) return undefined;
    return (argv, io) => {
      const r = this.runTool([name, ...argv]);
      if (r.stdout) io.out(r.stdout);
      if (r.stderr) io.err(r.stderr);
      return r.status;
    };
  }

  /** when the current step began, in machine time */
  private stepStartNs = 0;

  sleep(seconds: number): void {
    const ns = Math.round(seconds * 1e9);
    const k = this.machine.k;
    const spent = (k.clock.now() - this.stepStartNs) / 1e9;
    if (!(spent + seconds <= STEP_TIME_LIMIT_S))
      throw new StepTimeLimit(`a sleep of ${seconds} s would make the step take ${Math.round(spent + seconds)} s of machine time, more than the ${STEP_TIME_LIMIT_S} s a step may take`);
    k.sched.advance(ns);
  }

  private readonly programs = new Map<number, Program>();

  spawn(argv: string[]): number | FsError {
    const name = argv[0].replace(/^.*\//, '');
    const start = Object.hasOwn(PROGRAMS, name) ? PROGRAMS[name] : undefined;
    if (!start) return fsError(-2);
    const k = this.machine.k;
    k.sched.advance(PROCESS_COST_NS);
    const p = start(this.machine, argv, k.current);
    this.programs.set(p.task.pid, p);
    return p.task.pid;
  }

  kill(pid: number): FsError | undefined {
    const p = this.programs.get(pid);
    if (!p) return fsError(-3);
    this.programs.delete(pid);
    p.kill();
    return undefined;
  }

  nproc(): number {
    return this.machine.k.config.nrCpus;
  }

  // running

  /** setup_config: dynamic debug and ftrace as the selftests set them (push/pop_config have nothing to save on a fresh boot) */
  setup(): void {
    for (const [name, value] of Object.entries(FUNCTIONS_VARIABLES)) this.shell.setVar(name, value);
    this.shell.run('set_dynamic_debug');
    this.shell.run('set_ftrace_enabled 1');
  }

  /** run one step; ShellExit propagates (die, skip, exit) */
  step(source: string): number {
    this.stepStartNs = this.machine.k.clock.now();
    this.machine.k.workqueue.runPending();
    return this.shell.run(source);
  }

  /** the first record of the current test: its canary cannot be before */
  private testSeq = 0;

  startTest(title: string): void {
    this.testSeq = this.machine.k.log.seq;
    this.helpers.start_test([title], {
      stdin: '',
      out: (t) => (this.stdout += t),
      err: (t) => (this.stderr += t),
      shell: this.shell,
    });
  }

  /** check_result's view of the log since the last start_test */
  result(): string | undefined {
    const filter = this.ctx.dialect.logFilter;
    if (this.ctx.savedDmesgLines !== undefined) return filterNewLines(this.ctx.dmesg(), this.ctx.savedDmesgLines, filter);
    if (this.ctx.lastDmesg === undefined) return undefined;
    // dmesg runs, but only the lines from the test's start can hold its canary
    this.runTool(['dmesg']);
    return filterLog(this.machine.k.log.dmesgSince(this.testSeq), this.ctx.lastDmesg, filter);
  }
}
