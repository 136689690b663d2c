/**
 * `mkdir -p` that always ends. Node's own (mkdirSync with `recursive`) loops for ever where
 * mkdir(2) answers ENOENT under a parent that exists, as procfs does (`--out /proc/x`), so
 * each missing level is made in turn, outermost first, and a failure is thrown as mkdir(2)
 * gave it (ENOENT, EACCES, ENOTDIR, ...).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (e) {
      // made meanwhile by another writer: as good as made here
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw e;
    }
  }
}
