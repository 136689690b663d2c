/**
 * request_module(): the kernel asks user space to load a module, by running
 * `modprobe -q -- NAME` as a usermode helper, and gets its wait status back
 * (exit code << 8), the way kernel/module/kmod.c does.
 */
import type { Kernel } from './kernel.js';

export function request_module(k: Kernel, name: string): number {
  if (!k.usermodehelper) return -2;
  const status = k.runProcess('modprobe', () => k.usermodehelper!(['modprobe', '-q', '--', name]), k.tasks.normalTasks()[1]);
  return status << 8;
}
