/**
 * The few vmlinux functions the livepatch selftests patch or call, with the /proc files
 * that reach them. Reading /proc/cmdline calls cmdline_proc_show() through ftrace, so a
 * livepatch changes what `cat` sees exactly when the reading task is meant to.
 */
import type { Kernel } from './kernel.js';
import { KFunc } from './kallsyms.js';
import { SeqFile, seq_printf, seq_puts } from './seq_file.js';

export interface Vmlinux {
  cmdline_proc_show: KFunc;
  meminfo_proc_show: KFunc;
  /** the getpid syscall entry, with the arch's wrapper prefix (__x64_ on x86_64) */
  sys_getpid: KFunc;
}

/** arch syscall wrapper prefix (FN_PREFIX in test_klp_syscall.c) */
export const SYSCALL_PREFIX = '__x64_';

function proc_create_single(k: Kernel, name: string, show: KFunc): void {
  k.vfs.createFile(`/proc/${name}`, 0o444, () => {
    const m = new SeqFile();
    k.call(show, m);
    return m.buf;
  });
}

export function vmlinux_init(k: Kernel): Vmlinux {
  const cmdline = `BOOT_IMAGE=/boot/vmlinuz-${k.config.release} root=/dev/vda1 ro console=ttyS0,115200 nokaslr`;
  const cmdline_proc_show = k.kallsyms.add(
    new KFunc('cmdline_proc_show', 'vmlinux', (m: SeqFile) => {
      seq_puts(m, cmdline);
      seq_puts(m, '\n');
      return 0;
    }),
  );
  const meminfo_proc_show = k.kallsyms.add(
    new KFunc('meminfo_proc_show', 'vmlinux', (m: SeqFile) => {
      const kb = (n: number) => `${String(n).padStart(8, ' ')} kB\n`;
      seq_printf(m, `MemTotal:       ${kb(2014252)}`);
      seq_printf(m, `MemFree:        ${kb(1554008)}`);
      seq_printf(m, `MemAvailable:   ${kb(1747228)}`);
      seq_printf(m, `Buffers:        ${kb(9328)}`);
      seq_printf(m, `Cached:         ${kb(288228)}`);
      seq_printf(m, `SwapCached:     ${kb(0)}`);
      return 0;
    }),
  );
  const sys_getpid = k.kallsyms.add(new KFunc(`${SYSCALL_PREFIX}sys_getpid`, 'vmlinux', () => k.current.pid));

  k.vfs.mkdirs('/proc/sys/kernel');
  proc_create_single(k, 'cmdline', cmdline_proc_show);
  proc_create_single(k, 'meminfo', meminfo_proc_show);
  // data symbols that scripts look for (test-kprobe checks CONFIG_KPROBES_ON_FTRACE this way)
  k.kallsyms.add(new KFunc('kprobe_ftrace_ops', 'vmlinux', () => undefined));
  k.vfs.createFile('/proc/kallsyms', 0o444, () => k.kallsyms.show());
  return { cmdline_proc_show, meminfo_proc_show, sys_getpid };
}
