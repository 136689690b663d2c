/**
 * procps tools: sysctl (reads and writes /proc/sys, prints errors the way procps-ng 4
 * does, naming the /proc path) and the getpid hammer of test-syscall.sh.
 */
import type { Machine } from '../boot.js';
import { strerror } from '../kernel/errno.js';
import type { ToolResult } from './kmod.js';

function keyPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

/** sysctl [-q] [-n|--values] key[=value]... */
export function sysctl(machine: Machine, argv: string[]): ToolResult {
  const { k } = machine;
  const quiet = argv.includes('-q') || argv.includes('--quiet');
  const valuesOnly = argv.includes('-n') || argv.includes('--values');
  let stdout = '';
  let stderr = '';
  let status = 0;
  for (const arg of argv.filter((a) => !a.startsWith('-'))) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg : arg.slice(0, eq);
    const path = keyPath(key);
    if (!k.vfs.lookup(path)) {
      stderr += `sysctl: cannot stat ${path}: No such file or directory\n`;
      status = 255;
      continue;
    }
    if (eq < 0) {
      const v = k.syscall(() => k.vfs.read(path));
      if (typeof v === 'number') {
        stderr += `sysctl: permission denied on key '${key}'\n`;
        status = 255;
        continue;
      }
      stdout += valuesOnly ? v : `${key} = ${v}`;
      continue;
    }
    const value = arg.slice(eq + 1);
    const node = k.vfs.openWrite(path);
    const r = typeof node === 'number' ? node : k.syscall(() => k.vfs.write(node, value));
    if (r < 0) {
      stderr += `sysctl: setting key "${path}": ${strerror(r)}\n`;
      status = 255;
    } else if (!quiet) {
      stdout += `${key} = ${value}\n`;
    }
  }
  return { status, stdout, stderr };
}
