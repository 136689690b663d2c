/**
 * Booting a simulated machine for one kernel model: the shared kernel and livepatch core,
 * with the model's policy plugged in.
 */
import { DEFAULT_CONFIG, Kernel, type KernelConfig } from './kernel/kernel.js';
import { Kprobes } from './kernel/kprobes.js';
import { sysctl_init } from './kernel/sysctl.js';
import { FunctionTracer } from './kernel/trace.js';
import { vmlinux_init, type Vmlinux } from './kernel/vmlinux.js';
import { klp_init } from './livepatch/core.js';
import type { Klp } from './livepatch/klp.js';
import type { KernelModelDefinition } from './models.js';
import type { ModuleSource } from './module_api.js';
import { modprobe } from './userspace/kmod.js';

export interface Machine {
  readonly k: Kernel;
  readonly klp: Klp;
  readonly vmlinux: Vmlinux;
  readonly kprobes: Kprobes;
  readonly model: KernelModelDefinition;
  /**
   * what each module file's .modinfo section holds, read once (a .ko file does not change
   * on disk): kmod.ts's probeModuleInfo()
   */
  readonly modinfo: Map<ModuleSource, ReadonlyMap<string, string>>;
}

export function boot(model: KernelModelDefinition, config: Partial<KernelConfig> = {}): Machine {
  const version = config.version ?? DEFAULT_CONFIG.version;
  const release = config.release ?? `${version[0]}.${version[1]}.0-klp-selftest`;
  const k = new Kernel({ ...DEFAULT_CONFIG, ...model.kernel, ...config, version, release });
  const vmlinux = vmlinux_init(k);
  sysctl_init(k);
  new FunctionTracer(k);
  const kprobes = new Kprobes(k);
  const klp = klp_init(k, model.klp);
  const machine: Machine = { k, klp, vmlinux, kprobes, model, modinfo: new Map() };
  k.vfs.mkdirs('/sys/kernel/debug/dynamic_debug');
  k.vfs.createFile(
    '/sys/kernel/debug/dynamic_debug/control',
    0o644,
    () => k.dyndbg.show(),
    (buf) => {
      const err = k.dyndbg.control(buf);
      return err ? err : buf.length;
    },
  );
  // what request_module() runs: modprobe with this model's modules
  // bound to a name before it is stored: storing the arrow literal straight into the field
  // made V8 keep every machine alive past its minor GCs (measured: 88 KB surviving each
  // scavenge became 1.4 MB); the same for klp_update_patch_state in klp_init()
  const usermodehelper = (argv: string[]) => modprobe(machine, argv.slice(1)).status;
  k.usermodehelper = usermodehelper;
  k.vfs.mkdirs('/dev');
  k.vfs.createFile('/dev/kmsg', 0o644, undefined, (buf) => k.log.devkmsgWrite(buf));
  // scratch space for a test's own files
  k.vfs.mountTmpfs('/tmp');
  return machine;
}
