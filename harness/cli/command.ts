/**
 * What a subcommand is: one declarative entry (name, synopsis, options, help, handler),
 * parsed with node:util parseArgs by harness/cli.ts. Adding a subcommand is adding a file
 * that exports a `defineCommand({...})` and listing it in COMMANDS (harness/cli.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SuiteError, throwAll, type Suite } from '../selftest/suite.js';
import { loadSuitesCached } from '../selftest/suite_cache.js';
import { stepValidator } from '../selftest/validate.js';

/** the project folder (suites/, expected/, package.json), the same from the sources and from build/ */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  // bounded: a path has finitely many parents
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'suites'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** bad usage or input: one line on stderr, exit 2 */
export class UsageError extends Error {}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** the value's name in help, for string options */
  arg?: string;
  help: string;
}

type OptionValue<S extends OptionSpec> = S['type'] extends 'string' ? (S['multiple'] extends true ? string[] : string | undefined) : boolean | undefined;
export type Values<O extends Record<string, OptionSpec>> = { [K in keyof O]: OptionValue<O[K]> };

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  /** one line, for the command list */
  summary: string;
  /** the positional arguments as help shows them: '[PATH...]', 'PATH' */
  args: string;
  /** how many positional arguments it takes */
  positionals: { min: number; max: number };
  options: O;
  /** more help: paragraphs after the options */
  details?: string;
  handler(ctx: { values: Values<O>; positionals: string[]; io: Io }): number | Promise<number>;
}

export function defineCommand<O extends Record<string, OptionSpec>>(c: Command<O>): Command {
  return c as unknown as Command;
}

/** CI is set to a true value (CI=false, CI=0 and an empty CI are not CI) */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  const v = env.CI;
  return v !== undefined && !['', '0', 'false', 'no', 'off'].includes(v.trim().toLowerCase());
}

/** suite files named by the arguments: files as given, directories searched for *.yaml */
export function collectSuites(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (p: string, named: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(named ? `${p}: no such file or directory` : `${p}: cannot read (${code === 'ENOENT' ? 'a dangling symbolic link' : code})`);
    }
    if (st.isDirectory()) {
      let entries: Dirent[];
      try {
        entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (e) {
        throw new UsageError(`${p}: cannot read directory (${(e as NodeJS.ErrnoException).code})`);
      }
      const before = files.length;
      for (const e of entries) {
        const child = join(p, e.name);
        const yaml = /\.ya?ml$/.test(e.name);
        // the entry's type comes with the listing: only a link needs a stat() to follow it
        if (yaml && e.isFile()) files.push(child);
        else if (yaml || e.isDirectory() || (e.isSymbolicLink() && isDirectory(child))) walk(child, false);
      }
      if (named && files.length === before) throw new UsageError(`${p}: no suite files (*.yaml) in this directory`);
    } else files.push(p);
  };
  for (const p of paths.length ? paths : [join(ROOT, 'suites')]) walk(p, true);
  return files;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** a path as the user would type it from here */
export function display(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

/**
 * every suite the paths name; the problems of all of them are reported together. With
 * `variants`, what each runs as: a comparison suite once per model (runnableVariants()).
 */
export function loadAll(paths: string[], { variants = false } = {}): Suite[] {
  const suites: Suite[] = [];
  const errors: SuiteError[] = [];
  for (const f of collectSuites(paths)) {
    try {
      suites.push(...loadSuitesCached(display(f), `${ROOT}/build/cache/suites`, stepValidator, variants));
    } catch (e) {
      if (!(e instanceof SuiteError)) throw e;
      errors.push(e);
    }
  }
  throwAll(errors);
  return suites;
}
