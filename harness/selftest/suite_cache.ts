/**
 * Loaded suites kept between runs, as compilers keep object files: reading a suite means
 * parsing its YAML and every step's shell, and checking each command a step names against
 * the model's helpers, which on a cold start costs more than running the tests. A suite
 * that loaded without a problem is written to build/cache/suites/ and taken from there
 * while its text and the build are the same.
 *
 * Only the bundled CLI has a cache (scripts/bundle.js defines KLP_BUILD_ID, a hash of
 * everything the bundle holds): a change to the simulator is a new build and makes every
 * entry stale. A suite with a problem is never cached, so its errors are always found anew.
 * Entries are written through a temporary file and a rename; one that cannot be read,
 * written or parsed is as good as none.
 */
import { readFileSync } from 'node:fs';
import { writeWhole } from '../write_whole.js';
import { resolve } from 'node:path';
import { runnableVariants } from '../compare/variant.js';
import { findModel, modelAt } from '../models.js';
import { parseSuite, readSuiteText, suiteNameOf, type StepValidator, type Suite } from './suite.js';
import type { KernelModelDefinition } from '../models.js';
import { makeDirs } from '../make_dirs.js';

declare const KLP_BUILD_ID: string | undefined;

/** the build's identity, where this code runs from the bundle */
const BUILD_ID = typeof KLP_BUILD_ID === 'string' ? KLP_BUILD_ID : undefined;

/** a suite less what the file's name and the model registry give back */
type StoredSuite = Omit<Suite, 'file' | 'name' | 'model'> & { model: string };

/**
 * What an entry holds: the suite, or the variants it runs as (harness/compare/variant.ts),
 * with the path and the whole text it was loaded from, compared as they are: an entry is
 * taken only for the same file with the same text.
 */
interface Entry {
  build: string;
  path: string;
  text: string;
  suites: StoredSuite[];
}

/**
 * An entry's file name: a 64-bit FNV-1a hash of its key, in two 32-bit halves. Not
 * node:crypto: starting OpenSSL's digests costs a cold run more than loading the suites.
 * A collision costs a reload, never a wrong suite: the entry names its path.
 */
function entryName(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

const entryKey = (file: string, variants: boolean) => `${resolve(file)}${variants ? ' (variants)' : ''}`;

/** where the entry of a suite file is kept */
export function cacheEntryFile(dir: string, file: string, variants: boolean): string {
  return entryFileOf(dir, entryKey(file, variants));
}

const entryFileOf = (dir: string, key: string) => `${dir}/${entryName(key)}.json`;

function revive(file: string, stored: StoredSuite): Suite | undefined {
  const base = findModel(stored.model);
  if (!base) return undefined;
  return { ...stored, file, name: suiteNameOf(file), model: modelAt(base, stored.version) };
}

function store(suite: Suite): StoredSuite {
  const { file: _file, name: _name, model, ...rest } = suite;
  return { ...rest, model: model.name };
}

/**
 * loadSuite(), or with `variants` the suites it runs as (runnableVariants(): a comparison
 * suite once per model, each test checked against that model), through the cache in `dir`
 * when the bundle runs
 */
export function loadSuitesCached(
  file: string,
  dir: string,
  validateStep: (model: KernelModelDefinition) => StepValidator,
  variants: boolean,
): Suite[] {
  const text = readSuiteText(file);
  const load = () => {
    const suite = parseSuite(file, text, validateStep);
    return variants ? runnableVariants(suite) : [suite];
  };
  if (BUILD_ID === undefined) return load();
  const path = entryKey(file, variants);
  const entryFile = entryFileOf(dir, path);
  try {
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry;
    if (entry.build === BUILD_ID && entry.path === path && entry.text === text) {
      const suites = entry.suites.map((s) => revive(file, s));
      if (suites.every((s) => s !== undefined)) return suites;
    }
  } catch {
    // no entry, or one that does not parse: load the suite itself
  }
  const suites = load();
  const entry: Entry = { build: BUILD_ID, path, text, suites: suites.map(store) };
  try {
    makeDirs(dir);
    writeWhole(entryFile, JSON.stringify(entry));
  } catch {
    // a cache is an optimisation: without the entry the next run loads the suite again
  }
  return suites;
}
