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
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runnableVariants } from '../compare/variant.js';
import { findModel, modelAt } from '../models.js';
import { parseSuite, SuiteError, suiteNameOf, type StepValidator, type Suite } from './suite.js';
import type { KernelModelDefinition } from '../models.js';

declare const KLP_BUILD_ID: string | undefined;

/** the build's identity, where this code runs from the bundle */
const BUILD_ID = typeof KLP_BUILD_ID === 'string' ? KLP_BUILD_ID : undefined;

/** a suite less what the file's name and the model registry give back */
type StoredSuite = Omit<Suite, 'file' | 'name' | 'model'> & { model: string };

/** what an entry holds: the suite, or the variants it runs as (harness/compare/variant.ts) */
interface Entry {
  build: string;
  text: string;
  suites: StoredSuite[];
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SuiteError(file, undefined, `cannot read suite: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const load = () => {
    const suite = parseSuite(file, text, validateStep);
    return variants ? runnableVariants(suite) : [suite];
  };
  if (BUILD_ID === undefined) return load();
  const entryFile = `${dir}/${sha1(`${resolve(file)}${variants ? '\0variants' : ''}`)}.json`;
  const textHash = sha1(text);
  try {
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry;
    if (entry.build === BUILD_ID && entry.text === textHash) {
      const suites = entry.suites.map((s) => revive(file, s));
      if (suites.every((s) => s !== undefined)) return suites;
    }
  } catch {
    // no entry, or one that does not parse: load the suite itself
  }
  const suites = load();
  const entry: Entry = { build: BUILD_ID, text: textHash, suites: suites.map(store) };
  const tmp = `${entryFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, entryFile);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
  return suites;
}
