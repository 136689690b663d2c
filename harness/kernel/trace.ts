/**
 * The function tracer behind /sys/kernel/tracing: current_tracer, set_ftrace_filter,
 * tracing_on and the trace buffer. It is an ftrace user without IPMODIFY, so it coexists
 * with livepatches, and it sees the replacement function when a livepatch redirects a call.
 */
import { EINVAL } from './errno.js';
import type { FtraceOps } from './ftrace.js';
import type { Kernel } from './kernel.js';

const DIR = '/sys/kernel/tracing';

export class FunctionTracer {
  private tracer = 'nop';
  private filter: string[] = [];
  private on = true;
  private entries: string[] = [];
  private ops: FtraceOps | undefined;

  constructor(private readonly k: Kernel) {
    const vfs = k.vfs;
    vfs.mkdirs(DIR);
    vfs.createFile(`${DIR}/current_tracer`, 0o644, () => `${this.tracer}\n`, (buf) => {
      const t = buf.trim();
      if (t !== 'nop' && t !== 'function') return -EINVAL;
      this.tracer = t;
      this.update();
      return buf.length;
    });
    vfs.createFile(`${DIR}/available_tracers`, 0o444, () => 'function nop\n');
    vfs.createFile(
      `${DIR}/set_ftrace_filter`,
      0o644,
      () => (this.filter.length ? this.filter.map((f) => `${f}\n`).join('') : '#### all functions enabled ####\n'),
      (buf) => {
        const names = buf.split(/\s+/).filter(Boolean);
        for (const n of names) if (!k.kallsyms.has(n)) return -EINVAL;
        this.filter = names;
        this.update();
        return buf.length;
      },
    );
    vfs.createFile(`${DIR}/tracing_on`, 0o644, () => `${this.on ? 1 : 0}\n`, (buf) => {
      this.on = buf.trim() !== '0';
      return buf.length;
    });
    vfs.createFile(`${DIR}/trace`, 0o644, () => this.show(), (buf) => {
      this.entries = [];
      return buf.length;
    });
  }

  /** (re)register the tracer's ftrace ops for the current filter */
  private update(): void {
    if (this.ops) this.k.ftrace.unregister(this.ops);
    this.ops = undefined;
    if (this.tracer !== 'function') return;
    const funcs = this.filter.length
      ? this.filter.map((n) => this.k.kallsyms.lookupName(n)!).filter(Boolean)
      : [];
    this.ops = {
      name: 'function_trace',
      flags: 0,
      filter: new Set(funcs),
      func: (fn) => {
        if (this.on) {
          const t = this.k.current;
          const ts = this.k.clock.now();
          const stamp = `${Math.floor(ts / 1e9)}.${String(Math.floor((ts % 1e9) / 1e3)).padStart(6, '0')}`;
          this.entries.push(`${`${t.comm}-${t.pid}`.padStart(16)} [000] ..... ${stamp.padStart(12)}: ${fn.name} <-seq_read_iter`);
        }
        return undefined;
      },
    };
    this.k.ftrace.register(this.ops);
  }

  private show(): string {
    const head = [
      `# tracer: ${this.tracer}`,
      '#',
      `# entries-in-buffer/entries-written: ${this.entries.length}/${this.entries.length}   #P:${this.k.config.nrCpus}`,
      '#',
      '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
      '#              | |         |   |||||     |         |',
    ];
    return [...head, ...this.entries].join('\n') + '\n';
  }
}
