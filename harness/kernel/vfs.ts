/**
 * The simulated file system: sysfs, procfs, debugfs and /dev/kmsg in one tree.
 *
 * It follows kernfs rather than a disk file system: a file is a pair of show/store
 * handlers, and opening one for an operation it has no handler for fails with -EACCES
 * even for root (that is how reading `force` or writing `transition` fails). Mode bits are
 * kept for `stat`; root's DAC override means they are not otherwise checked.
 */
import { EACCES, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR } from './errno.js';

export type ShowFn = () => string | number;
/** receives the raw buffer of one write(2); returns the count consumed or a negative errno */
export type StoreFn = (buf: string) => number;

export interface FileNode {
  kind: 'file';
  mode: number;
  show?: ShowFn;
  store?: StoreFn;
  /** a regular file's contents (tmpfs): opening it for writing without O_APPEND truncates */
  data?: string[];
}

export interface DirNode {
  kind: 'dir';
  mode: number;
  children: Map<string, Node>;
  /** a tmpfs directory (/tmp): user space creates regular files in it by opening them */
  tmpfs?: boolean;
}

export type Node = FileNode | DirNode;

/** paths repeat (every step stats the same sysfs files): their parts are kept, read-only */
const PARTS = new Map<string, readonly string[]>();

function split(path: string): readonly string[] {
  let parts = PARTS.get(path);
  if (!parts) {
    if (PARTS.size > 4096) PARTS.clear();
    parts = path.split('/').filter((p) => p !== '' && p !== '.');
    PARTS.set(path, parts);
  }
  return parts;
}

export function modeString(node: Node): string {
  const bits = 'rwxrwxrwx';
  let s = node.kind === 'dir' ? 'd' : '-';
  for (let i = 0; i < 9; i++) s += node.mode & (1 << (8 - i)) ? bits[i] : '-';
  // the sticky bit (/tmp) shows in the others' execute place
  if (node.mode & 0o1000) s = s.slice(0, 9) + (node.mode & 1 ? 't' : 'T');
  return s;
}

export class Vfs {
  readonly root: DirNode = { kind: 'dir', mode: 0o755, children: new Map() };

  lookup(path: string): Node | undefined {
    const parts = split(path);
    return this.walk(parts, parts.length);
  }

  /** the node at the first `n` parts of a path (n - 1: its parent), without building the path */
  private walk(parts: readonly string[], n: number): Node | undefined {
    let node: Node = this.root;
    for (let i = 0; i < n; i++) {
      const part = parts[i];
      if (node.kind !== 'dir') return undefined;
      if (part === '..') return undefined;
      const next: Node | undefined = node.children.get(part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  /** mkdir -p; existing directories are kept */
  mkdirs(path: string, mode = 0o755): DirNode {
    let node: DirNode = this.root;
    for (const part of split(path)) {
      let next = node.children.get(part);
      if (!next) {
        next = { kind: 'dir', mode, children: new Map() };
        node.children.set(part, next);
      }
      if (next.kind !== 'dir') throw new Error(`vfs: ${path}: not a directory`);
      node = next;
    }
    return node;
  }

  /** create one directory; -EEXIST if the name is taken (sysfs_create_dir) */
  mkdir(path: string, mode = 0o755): DirNode | number {
    const parts = split(path);
    const name = parts[parts.length - 1];
    const parent = this.walk(parts, parts.length - 1);
    if (!parent || parent.kind !== 'dir') return -ENOENT;
    if (parent.children.has(name)) return -EEXIST;
    const dir: DirNode = { kind: 'dir', mode, children: new Map() };
    parent.children.set(name, dir);
    return dir;
  }

  /** create a file in an existing directory (sysfs_create_file); replaces nothing */
  createFile(path: string, mode: number, show?: ShowFn, store?: StoreFn): number {
    const parts = split(path);
    const parent = this.walk(parts, parts.length - 1);
    if (!parent || parent.kind !== 'dir') return -ENOENT;
    return this.addFile(parent, parts[parts.length - 1], mode, show, store);
  }

  /**
   * createFile() in a directory already in hand: a kobject's attributes go into the
   * directory just made, without looking its path up again for each
   */
  addFile(dir: DirNode, name: string, mode: number, show?: ShowFn, store?: StoreFn): number {
    if (dir.children.has(name)) return -EEXIST;
    dir.children.set(name, { kind: 'file', mode, show, store });
    return 0;
  }

  /** remove a file or a whole directory tree; silent if absent */
  remove(path: string): void {
    const parts = split(path);
    const name = parts[parts.length - 1];
    const parent = this.walk(parts, parts.length - 1);
    if (parent && parent.kind === 'dir') parent.children.delete(name);
  }

  /** open + read; a negative errno on failure */
  read(path: string): string | number {
    return this.readNode(this.lookup(path));
  }

  /** read() of a node already looked up (a directory's entry, by name) */
  readNode(node: Node | undefined): string | number {
    if (!node) return -ENOENT;
    if (node.kind === 'dir') return -EISDIR;
    if (!node.show) return -EACCES;
    return node.show();
  }

  /** open for writing (O_CREAT, O_TRUNC unless `append`); a negative errno when open(2) would fail */
  openWrite(path: string, append = false): FileNode | number {
    const parts = split(path);
    const parent = this.walk(parts, parts.length - 1);
    if (parent && parent.kind !== 'dir') return -ENOTDIR;
    const node = this.lookup(path);
    if (!node) {
      // only tmpfs lets user space create files; sysfs, procfs and debugfs do not
      if (!parent || parent.kind !== 'dir' || !parent.tmpfs || parts.length === 0 || parts.includes('..')) return -ENOENT;
      const file = regularFile(0o644);
      parent.children.set(parts[parts.length - 1], file);
      return file;
    }
    if (node.kind === 'dir') return -EISDIR;
    if (!node.store) return -EACCES;
    if (node.data && !append) node.data.length = 0;
    return node;
  }

  /** mount a tmpfs at `path` (an empty directory anyone may write in, as /tmp is) */
  mountTmpfs(path: string): void {
    const dir = this.mkdirs(path, 0o1777);
    dir.mode = 0o1777;
    dir.tmpfs = true;
  }

  /** one write(2) to an opened file: kernfs skips the handler for a zero-length write */
  write(node: FileNode, data: string): number {
    if (data.length === 0) return 0;
    if (!node.store) return -EINVAL;
    return node.store(data);
  }

  readdir(path: string): string[] | undefined {
    const node = this.lookup(path);
    return node && node.kind === 'dir' ? [...node.children.keys()] : undefined;
  }
}

/** a tmpfs regular file: what is written is kept, in order, and read back whole */
function regularFile(mode: number): FileNode {
  const data: string[] = [];
  return {
    kind: 'file',
    mode,
    data,
    show: () => data.join(''),
    store: (buf) => (data.push(buf), buf.length),
  };
}
