/**
 * Writing a whole file or none: the text goes to a temporary file beside it, which is then
 * renamed over it, so a reader (or a run after Ctrl-C) never sees half of one. A failed
 * write removes its temporary file and throws.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeWhole(path: string, data: string | Uint8Array, tmp = `${path}.${process.pid}.tmp`): void {
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
