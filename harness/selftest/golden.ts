/**
 * Golden logs: expected/<model>/<suite>/<NN>-<slug>.log, one per test, produced by the
 * simulator (`klp-selftest update`) and compared byte for byte (`klp-selftest run`).
 * A golden file holds the log followed by one newline.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { goldenPath, type Suite, type SuiteTest } from './suite.js';

export function goldenFile(root: string, suite: Suite, test: SuiteTest): string {
  const path = resolve(goldenPath(root, suite, test));
  const base = resolve(root, 'expected') + sep;
  // names are checked when a suite loads; this is the last line of defence
  if (!path.startsWith(base)) throw new Error(`refusing a golden path outside expected/: ${path}`);
  return path;
}

export function readGolden(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

export type UpdateAction = 'created' | 'updated' | 'unchanged';

/** what writing this log would do; writes only when `write` is set and the text changed */
export function updateGolden(path: string, log: string, write: boolean): UpdateAction {
  const current = readGolden(path);
  if (current === log) return 'unchanged';
  if (write) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, log + '\n');
  }
  return current === undefined ? 'created' : 'updated';
}

export function displayPath(root: string, path: string): string {
  return relative(process.cwd(), path) || relative(root, path);
}
