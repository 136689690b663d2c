/**
 * Golden logs: expected/<model>/<suite>/<NN>-<slug>.log, one per test, produced by the
 * simulator (`klp-selftest update`) and compared byte for byte (`klp-selftest run`).
 * A golden file holds the log followed by one newline.
 *
 * A golden folder belongs to one suite: the shipped suites/<model>/<suite>.yaml when there
 * is one. Writes go to a temporary file renamed over the golden one, so an interrupted
 * update leaves each file either as it was or complete.
 */
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeWhole } from '../write_whole.js';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { goldenName, goldenPath, type Suite, type SuiteTest } from './suite.js';
import { makeDirs } from '../make_dirs.js';

/** the suffix of a write in progress (ignored by git, removed by the next update) */
export const TEMP_SUFFIX = '.new';

/** a golden file that cannot be used or written, reported as one line */
export class GoldenError extends Error {}

export function goldenFile(root: string, suite: Suite, test: SuiteTest): string {
  const path = resolve(goldenPath(root, suite, test));
  const base = resolve(root, 'expected') + sep;
  // names are checked when a suite loads; this is the last line of defence
  if (!path.startsWith(base)) throw new GoldenError(`refusing a golden path outside expected/: ${path}`);
  return path;
}

/** the folder goldenPath() puts a suite's files in: expected/<model>/ or a comparison's expected/compare/<model>/ */
export function goldenDir(root: string, suite: Suite): string {
  return resolve(root, 'expected', suite.goldenGroup ?? suite.model.name, suite.name);
}

/** the shipped suite that owns a golden folder: suites/<model>/, or suites/compare/ for a comparison */
function shippedOwner(root: string, suite: Suite): string {
  const folder = suite.goldenGroup ? suite.goldenGroup.split('/')[0] : suite.model.name;
  return resolve(root, 'suites', folder, `${suite.name}.yaml`);
}

/**
 * Refuse suites that would use golden files that are not theirs: a suite outside suites/
 * named like a shipped one, and two suites of one run sharing a golden folder.
 */
export function checkGoldenOwners(root: string, suites: Suite[]): void {
  const seen = new Map<string, string>();
  for (const suite of suites) {
    const dir = goldenDir(root, suite);
    const owner = shippedOwner(root, suite);
    const file = resolve(suite.file);
    const show = () => relative(root, dir);
    // a shipped suite is its folder's owner: only another file needs the owner looked for
    if (file !== owner && existsSync(owner))
      throw new GoldenError(`${suite.file}: its golden folder ${show()} belongs to ${relative(process.cwd(), owner) || owner} (rename the suite file)`);
    const other = seen.get(dir);
    if (other !== undefined && other !== file) throw new GoldenError(`${suite.file}: shares the golden folder ${show()} with ${other}`);
    seen.set(dir, file);
  }
}

export function readGolden(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new GoldenError(`${path}: cannot read golden file: ${code ?? String(e)}`);
  }
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

export type UpdateAction = 'created' | 'updated' | 'unchanged';

/** what writing this log would do */
export function goldenAction(path: string, log: string): UpdateAction {
  const current = readGolden(path);
  if (current === log) return 'unchanged';
  return current === undefined ? 'created' : 'updated';
}

/** throw unless the file (or, for a new one, its nearest existing folder) can be written */
export function checkWritable(path: string): void {
  let p = existsSync(path) ? path : dirname(path);
  while (!existsSync(p)) p = dirname(p);
  try {
    if (p !== path && !statSync(p).isDirectory()) throw new GoldenError(`${p}: not a directory`);
    accessSync(p, constants.W_OK);
    if (p === path) accessSync(dirname(path), constants.W_OK);
  } catch (e) {
    if (e instanceof GoldenError) throw e;
    throw new GoldenError(`${p}: cannot write golden files here: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** write atomically: a reader sees the old golden file or the new one */
export function writeGolden(path: string, log: string): void {
  makeDirs(dirname(path));
  try {
    // the temporary file's suffix is what staleTemporaries() looks for
    writeWhole(path, log + '\n', path + TEMP_SUFFIX);
  } catch (e) {
    throw new GoldenError(`${path}: cannot write golden file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** golden files in the suite's folder that no test of it produces (a renamed test's old file) */
export function orphanGoldens(root: string, suite: Suite): string[] {
  const dir = goldenDir(root, suite);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const wanted = new Set(suite.tests.map(goldenName));
  return names
    .filter((n) => n.endsWith('.log') && !wanted.has(n))
    .map((n) => join(dir, n))
    .sort();
}

/** writes an interrupted update left behind */
export function staleTemporaries(root: string, suite: Suite): string[] {
  const dir = goldenDir(root, suite);
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.log' + TEMP_SUFFIX))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

export function displayPath(root: string, path: string): string {
  return relative(process.cwd(), path) || relative(root, path);
}

/** goldenFile() and displayPath() of a suite's tests */
export interface SuiteGoldens {
  file(test: SuiteTest): string;
  shown(test: SuiteTest): string;
}

/**
 * goldenFile() and displayPath() for the tests of one suite, its folder resolved once: a run
 * asks for every test's, and path.resolve() and relative() go over the whole path character
 * by character each time (some milliseconds of a cold run in all, in the interpreter). A
 * name that is not a plain file name takes goldenFile()'s way, and its check.
 */
export function suiteGoldens(root: string, suite: Suite): SuiteGoldens {
  const dir = goldenDir(root, suite);
  const inside = dir.startsWith(resolve(root, 'expected') + sep);
  const shownDir = relative(process.cwd(), dir);
  const plain = (name: string) => inside && !name.includes('/') && !name.includes(sep);
  return {
    file(test) {
      const name = goldenName(test);
      return plain(name) ? dir + sep + name : goldenFile(root, suite, test);
    },
    shown(test) {
      const name = goldenName(test);
      return plain(name) ? (shownDir ? shownDir + sep + name : name) : displayPath(root, goldenFile(root, suite, test));
    },
  };
}
