/**
 * Booting a simulated machine for one kernel model: the shared kernel and livepatch core,
 * with the model's policy plugged in.
 */
import { DEFAULT_CONFIG, Kernel, type KernelConfig } from './kernel/kernel.js';
import { vmlinux_init, type Vmlinux } from './kernel/vmlinux.js';
import { klp_init } from './livepatch/core.js';
import type { Klp } from './livepatch/klp.js';
import type { KernelModelDefinition } from './models.js';

export interface Machine {
  readonly k: Kernel;
  readonly klp: Klp;
  readonly vmlinux: Vmlinux;
  readonly model: KernelModelDefinition;
}

export function boot(model: KernelModelDefinition, config: Partial<KernelConfig> = {}): Machine {
  const k = new Kernel({ ...DEFAULT_CONFIG, ...config });
  const vmlinux = vmlinux_init(k);
  const klp = klp_init(k, model.klp);
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
  k.vfs.createFile('/dev/kmsg', 0o644, undefined, (buf) => k.log.devkmsgWrite(buf));
  return { k, klp, vmlinux, model };
}
