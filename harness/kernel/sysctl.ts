/**
 * /proc/sys entries the selftests touch. kernel.ftrace_enabled cannot be turned off while
 * a PERMANENT ftrace user (a livepatch) is registered, and from Linux 7.3 on it cannot be
 * turned off at all.
 */
import { EBUSY, EINVAL, EOPNOTSUPP } from './errno.js';
import type { Kernel } from './kernel.js';
import { kstrtoint } from './kstrtox.js';

/** does this kernel refuse kernel.ftrace_enabled=0 outright (7.3's deprecation)? */
export function ftraceEnabledDeprecated(k: Kernel): boolean {
  return k.versionAtLeast(7, 3);
}

export function sysctl_init(k: Kernel): void {
  k.vfs.mkdirs('/proc/sys/kernel');
  k.vfs.createFile(
    '/proc/sys/kernel/ftrace_enabled',
    0o644,
    () => `${k.ftrace.ftraceEnabled ? 1 : 0}\n`,
    (buf) => {
      // proc_dointvec: an integer, surrounding white space allowed
      const r = kstrtoint(buf.trim(), 10);
      if (!r.ok) return -EINVAL;
      const on = r.value !== 0;
      if (on) {
        k.ftrace.ftraceEnabled = true;
        return buf.length;
      }
      if (ftraceEnabledDeprecated(k)) return -EOPNOTSUPP;
      if (k.ftrace.hasPermanentOps()) return -EBUSY;
      k.ftrace.ftraceEnabled = false;
      return buf.length;
    },
  );
}
