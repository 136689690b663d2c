/**
 * kprobes on ftrace (CONFIG_KPROBES_ON_FTRACE): a probe on a function entry is an ftrace
 * user. A probe with a post handler needs to change the instruction pointer, so it is
 * armed through an IPMODIFY ops and then owns the function: a livepatch of it fails
 * with -EBUSY, and the other way round.
 */
import { EINVAL, ENOENT } from './errno.js';
import { FTRACE_OPS_FL_IPMODIFY, FTRACE_OPS_FL_SAVE_REGS, type FtraceOps } from './ftrace.js';
import type { Kernel } from './kernel.js';
import type { KFunc } from './kallsyms.js';

export interface kprobe {
  symbol_name: string;
  pre_handler?: (p: kprobe) => number;
  post_handler?: (p: kprobe) => void;
  // internal
  addr?: KFunc;
  ops?: FtraceOps;
  disabled?: boolean;
}

export class Kprobes {
  private readonly probes: kprobe[] = [];
  /** /sys/kernel/debug/kprobes/enabled */
  enabled = true;

  constructor(private readonly k: Kernel) {
    k.vfs.mkdirs('/sys/kernel/debug/kprobes');
    k.vfs.createFile(
      '/sys/kernel/debug/kprobes/enabled',
      0o600,
      () => `${this.enabled ? 1 : 0}\n`,
      (buf) => {
        const c = buf[0];
        if (c === '1' || c === 'y' || c === 'Y') this.arm_all_kprobes();
        else if (c === '0' || c === 'n' || c === 'N') this.disarm_all_kprobes();
        else return -EINVAL;
        return buf.length;
      },
    );
    k.vfs.createFile('/sys/kernel/debug/kprobes/list', 0o444, () =>
      this.probes.map((p) => `ffffffff81000000  k  ${p.symbol_name}+0x0    [FTRACE]\n`).join(''),
    );
  }

  private arm(p: kprobe): number {
    const ops: FtraceOps = {
      name: `kprobe:${p.symbol_name}`,
      flags: FTRACE_OPS_FL_SAVE_REGS | (p.post_handler ? FTRACE_OPS_FL_IPMODIFY : 0),
      filter: new Set([p.addr!]),
      func: () => {
        p.pre_handler?.(p);
        p.post_handler?.(p);
        return undefined;
      },
    };
    const ret = this.k.ftrace.register(ops);
    if (ret) {
      // __arm_kprobe_ftrace(): WARN(ret < 0, ...) when the ops cannot be registered
      this.k.WARN(`Failed to register kprobe-ftrace (error ${ret})\n`, 'kernel/kprobes.c', '__arm_kprobe_ftrace');
      return ret;
    }
    p.ops = ops;
    return 0;
  }

  private disarm(p: kprobe): void {
    if (p.ops) this.k.ftrace.unregister(p.ops);
    p.ops = undefined;
  }

  register_kprobe(p: kprobe): number {
    const addr = this.k.kallsyms.lookupName(p.symbol_name);
    if (!addr) return -ENOENT;
    p.addr = addr;
    if (this.enabled) {
      const ret = this.arm(p);
      if (ret) return ret;
    }
    this.probes.push(p);
    return 0;
  }

  unregister_kprobe(p: kprobe): void {
    const i = this.probes.indexOf(p);
    if (i < 0) return;
    this.disarm(p);
    this.probes.splice(i, 1);
  }

  arm_all_kprobes(): void {
    if (this.enabled) return;
    this.enabled = true;
    for (const p of this.probes) this.arm(p);
  }

  disarm_all_kprobes(): void {
    if (!this.enabled) return;
    this.enabled = false;
    for (const p of this.probes) this.disarm(p);
  }
}
