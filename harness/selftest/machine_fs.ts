/**
 * The shell's view of the simulated machine's files: every access is a system call of the
 * shell's task, so a pending livepatch switch happens on the way back, as it would.
 */
import type { Machine } from '../boot.js';
import { errnoName, strerror } from '../kernel/errno.js';
import { modeString, type Node } from '../kernel/vfs.js';
import type { FileStat, FsError, OpenFile, VirtualFs } from './shell/host.js';

export function fsError(err: number): FsError {
  return { code: errnoName(err), message: strerror(err) };
}

export class MachineFs implements VirtualFs {
  constructor(private readonly machine: Machine) {}

  readFile(path: string): string | FsError {
    const { k } = this.machine;
    k.workqueue.runPending();
    const r = k.syscall(() => k.vfs.read(path));
    return typeof r === 'number' ? fsError(r) : r;
  }

  openWrite(path: string, append = false): OpenFile | FsError {
    const { k } = this.machine;
    if (path === '/dev/null') return { write: () => undefined, close: () => {} };
    k.workqueue.runPending();
    const node = k.syscall(() => k.vfs.openWrite(path, append));
    if (typeof node === 'number') return fsError(node);
    return {
      write: (data: string) => {
        const r = k.syscall(() => k.vfs.write(node, data));
        return r < 0 ? fsError(r) : undefined;
      },
      close: () => {},
    };
  }

  stat(path: string): FileStat | undefined {
    if (path === '/dev/null') return { type: 'file', modeString: 'crw-rw-rw-' };
    const node = this.machine.k.vfs.lookup(path);
    return node ? new NodeStat(node) : undefined;
  }

  readdir(path: string): string[] | undefined {
    return this.machine.k.vfs.readdir(path);
  }
}

/**
 * A file's stat, its mode string made only when asked: most stats only ask whether the file
 * exists (loop_until's polls of sysfs), and building the string is most of their cost.
 */
class NodeStat implements FileStat {
  constructor(private readonly node: Node) {}
  get type(): 'file' | 'dir' {
    return this.node.kind;
  }
  get modeString(): string {
    return modeString(this.node);
  }
}
