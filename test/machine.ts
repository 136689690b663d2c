// A booted mainline machine with the few operations unit tests need, driven directly
// (no shell): insmod/rmmod as kmod does them, sysfs writes as system calls, virtual time.
import { boot, type Machine } from '../harness/boot.js';
import { errnoName } from '../harness/kernel/errno.js';
import { findModel } from '../harness/models.js';
import type { ModuleSource } from '../harness/module_api.js';
import { insmod, rmmod } from '../harness/userspace/kmod.js';

export class TestMachine {
  readonly m: Machine;
  private mark = 0;

  /** boot `model`, with extra modules a test defines for itself */
  constructor(model = 'mainline', extra: ModuleSource[] = []) {
    const def = findModel(model)!;
    this.m = boot({ ...def, modules: new Map([...def.modules, ...extra.map((m) => [m.name, m] as const)]) });
    // the shell that drives the machine, as in a selftest run
    this.m.k.tasks.switchTo(this.m.k.tasks.spawn('bash'));
    this.m.k.dyndbg.control('file kernel/livepatch/* +p');
    this.m.k.dyndbg.control('func klp_try_switch_task -p');
  }

  insmod(name: string, ...args: string[]): string {
    const r = insmod(this.m, [`test_modules/${name}.ko`, ...args]);
    return r.stderr.trim();
  }

  rmmod(name: string): string {
    return rmmod(this.m, [name]).stderr.trim();
  }

  /** write(2) to a sysfs file: the byte count, or the errno's name */
  write(path: string, value: string): number | string {
    const k = this.m.k;
    const node = k.vfs.openWrite(path);
    if (typeof node === 'number') return errnoName(node);
    const r = k.syscall(() => k.vfs.write(node, value));
    return r < 0 ? errnoName(r) : r;
  }

  read(path: string): string | undefined {
    const r = this.m.k.vfs.read(path);
    return typeof r === 'string' ? r.replace(/\n$/, '') : undefined;
  }

  exists(path: string): boolean {
    return this.m.k.vfs.lookup(path) !== undefined;
  }

  /** let `seconds` of virtual time pass */
  wait(seconds: number): void {
    this.m.k.sched.advance(Math.round(seconds * 1e9));
  }

  /** kernel log lines printed since the last call */
  log(): string[] {
    const all = this.m.k.log.all();
    const lines = all.slice(this.mark).map((r) => r.text);
    this.mark = all.length;
    return lines.filter((l) => !/(tainting|taints) kernel/.test(l));
  }
}
