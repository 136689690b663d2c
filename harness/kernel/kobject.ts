/**
 * kobject_add() and kobject_put() as far as sysfs shows them: a directory appears with its
 * default attributes, a duplicate name fails with -EEXIST and the two lines sysfs and the
 * kobject core print for it.
 */
import { EEXIST } from './errno.js';
import type { Kernel } from './kernel.js';
import { KERN_ERR, KERN_WARNING } from './printk.js';
import type { ShowFn, StoreFn } from './vfs.js';

export interface KobjAttribute {
  name: string;
  mode: number;
  show?: ShowFn;
  store?: StoreFn;
}

/** create /sys/<parent>/<name> with its attributes; returns the path or a negative errno */
export function kobject_add(k: Kernel, parent: string, name: string, attrs: KobjAttribute[] = []): string | number {
  const path = `${parent}/${name}`;
  const dir = k.vfs.mkdir(path, 0o755);
  if (typeof dir === 'number') {
    if (dir === -EEXIST) {
      k.printk(KERN_WARNING, `sysfs: cannot create duplicate filename '${path.replace(/^\/sys/, '')}'\n`);
      k.printk(
        KERN_ERR,
        `kobject: kobject_add_internal failed for ${name} with -EEXIST, don't try to register things with the same name in the same directory.\n`,
      );
    }
    return dir;
  }
  for (const a of attrs) k.vfs.addFile(dir, a.name, a.mode, a.show, a.store);
  return path;
}

/** the last kobject_put(): the directory and everything in it go */
export function kobject_del(k: Kernel, path: string | undefined): void {
  if (path) k.vfs.remove(path);
}
