/**
 * Suite files: YAML ports of the upstream test scripts.
 *
 *   kernel: mainline            # the kernel model the suite runs on
 *   version: '7.2'              # optional: the kernel version within the model's range
 *   description: ...            # optional
 *   compare: true               # optional: run under every model (golden logs per model)
 *   vars:                       # optional: shell variables set before the first test
 *     MOD_LIVEPATCH: test_klp_livepatch
 *   tests:
 *     - title: basic function patching
 *       steps:
 *         - load_lp test_klp_livepatch
 *         - disable_lp test_klp_livepatch
 *       disabled: true          # optional: kept, reported as SKIP
 *
 * Loading checks everything that can be checked without running: the schema, the model,
 * and every step's syntax and command names. Errors carry file and line.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { findModel, modelAt, modelNames, versionProblem, type KernelModelDefinition } from '../models.js';

export interface SuiteStep {
  source: string;
  line: number;
}

export interface SuiteTest {
  index: number;
  title: string;
  slug: string;
  line: number;
  steps: SuiteStep[];
  disabled: boolean;
  /** why a test is not run (a comparison under a model that lacks what it needs); SKIP with this reason */
  skipReason?: string;
}

export interface Suite {
  file: string;
  /** file name without .yaml: the golden directory's name */
  name: string;
  model: KernelModelDefinition;
  /** the kernel version to boot, [major, minor] */
  version: [number, number];
  description?: string;
  vars: Array<[string, string]>;
  tests: SuiteTest[];
  /** `compare: true`: run under every model, golden logs in expected/compare/<model>/ (harness/compare/) */
  compare?: boolean;
  /** the golden directory under expected/ when it is not the model's name */
  goldenGroup?: string;
}

/** a problem with a suite file, reported as one line naming file and line */
export class SuiteError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${detail}`);
  }
}

/** lower case, runs of anything else than letters and digits become one dash */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function suiteNameOf(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

export type StepValidator = (source: string) => string | undefined;

export function loadSuite(file: string, validateStep?: (model: KernelModelDefinition) => StepValidator): Suite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SuiteError(file, undefined, `cannot read suite: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseSuite(file, text, validateStep);
}

export function parseSuite(file: string, text: string, validateStep?: (model: KernelModelDefinition) => StepValidator): Suite {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lc.linePos(node.range[0]).line : undefined);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line;
    throw new SuiteError(file, line, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new SuiteError(file, lineOf(root as Node), 'a suite is a mapping with `kernel` and `tests`');

  const name = suiteNameOf(file);
  if (!SAFE_NAME.test(name)) throw new SuiteError(file, undefined, `suite name '${name}' cannot name a golden directory (use letters, digits, '.', '_' and '-')`);

  let model: KernelModelDefinition | undefined;
  let version: [number, number] | undefined;
  let versionLine: number | undefined;
  let description: string | undefined;
  const vars: Array<[string, string]> = [];
  let testsNode: Node | undefined;
  let compare = false;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    const line = lineOf(pair.key as Node);
    switch (key) {
      case 'kernel': {
        const v = isScalar(value) ? String(value.value) : '';
        model = findModel(v);
        if (!model) throw new SuiteError(file, line, `unknown kernel model '${v}' (known: ${modelNames().join(', ')})`);
        break;
      }
      case 'version': {
        const v = isScalar(value) ? String(value.value) : '';
        const m = /^(\d+)\.(\d+)$/.exec(v);
        if (!m) throw new SuiteError(file, line, `version must look like '7.2', not '${v}'`);
        version = [Number(m[1]), Number(m[2])];
        versionLine = line;
        break;
      }
      case 'description':
        description = isScalar(value) ? String(value.value) : undefined;
        break;
      case 'vars':
        if (!isMap(value)) throw new SuiteError(file, line, '`vars` must map variable names to values');
        for (const v of value.items) {
          const vname = isScalar(v.key) ? String(v.key.value) : '';
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(vname)) throw new SuiteError(file, lineOf(v.key as Node), `invalid variable name '${vname}'`);
          if (!isScalar(v.value)) throw new SuiteError(file, lineOf(v.key as Node), `variable ${vname} must be a plain value`);
          vars.push([vname, String(v.value.value)]);
        }
        break;
      case 'tests':
        testsNode = value ?? undefined;
        break;
      case 'compare':
        if (!isScalar(value) || typeof value.value !== 'boolean') throw new SuiteError(file, line, 'compare must be true or false');
        compare = value.value;
        break;
      default:
        throw new SuiteError(file, line, `unknown key '${key}' (expected kernel, version, description, vars, tests, compare)`);
    }
  }
  if (!model) throw new SuiteError(file, undefined, 'missing `kernel:` (the kernel model to run on)');
  version ??= model.versions[1];
  const problem = versionProblem(model, version);
  if (problem) throw new SuiteError(file, versionLine, problem);
  // the suite's steps are checked against, and run with, that version's functions.sh and modules
  model = modelAt(model, version);
  if (!isSeq(testsNode) || testsNode.items.length === 0)
    throw new SuiteError(file, lineOf(testsNode), '`tests` must be a non-empty list');

  const validator = validateStep?.(model);
  const tests: SuiteTest[] = [];
  const slugs = new Map<string, number>();
  testsNode.items.forEach((item, i) => {
    const tnode = item as Node;
    const tline = lineOf(tnode) ?? 0;
    if (!isMap(tnode)) throw new SuiteError(file, tline, `test ${i + 1}: must be a mapping with title and steps`);
    let title: string | undefined;
    let steps: SuiteStep[] | undefined;
    let disabled = false;
    for (const pair of tnode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      const line = lineOf(pair.key as Node);
      if (key === 'title') {
        if (!isScalar(value) || typeof value.value !== 'string' || !value.value.trim())
          throw new SuiteError(file, line, `test ${i + 1}: title must be a non-empty string`);
        title = value.value;
      } else if (key === 'steps') {
        if (!isSeq(value)) throw new SuiteError(file, line, `test ${i + 1}: steps must be a list of shell lines`);
        steps = value.items.map((s) => {
          const snode = s as Node;
          if (!isScalar(snode) || typeof snode.value !== 'string')
            throw new SuiteError(file, lineOf(snode) ?? line, `test ${i + 1}: every step must be one line of text (quote it: YAML reads ': ' as a mapping)`);
          return { source: snode.value, line: lineOf(snode) ?? line ?? tline };
        });
      } else if (key === 'disabled') {
        if (!isScalar(value) || typeof value.value !== 'boolean') throw new SuiteError(file, line, `test ${i + 1}: disabled must be true or false`);
        disabled = value.value;
      } else {
        throw new SuiteError(file, line, `test ${i + 1}: unknown key '${key}' (expected title, steps, disabled)`);
      }
    }
    if (!title) throw new SuiteError(file, tline, `test ${i + 1}: missing title`);
    if (!steps) throw new SuiteError(file, tline, `test '${title}': missing steps`);
    const slug = slugify(title);
    if (!slug) throw new SuiteError(file, tline, `test '${title}': the title needs letters or digits to name its golden file`);
    if (slugs.has(slug)) throw new SuiteError(file, tline, `test '${title}': same golden name as test ${slugs.get(slug)}`);
    slugs.set(slug, i + 1);
    if (validator)
      steps.forEach((s, n) => {
        const problem = validator(s.source);
        if (problem) throw new SuiteError(file, s.line, `test '${title}', step ${n + 1} (${s.source}): ${problem}`);
      });
    tests.push({ index: i + 1, title, slug, line: tline, steps, disabled });
  });
  return { file, name, model, version, description, vars, tests, ...(compare ? { compare } : {}) };
}

/** expected/<model>/<suite>/<NN>-<slug>.log */
export function goldenPath(root: string, suite: Suite, test: SuiteTest): string {
  return `${root}/expected/${suite.goldenGroup ?? suite.model.name}/${suite.name}/${String(test.index).padStart(2, '0')}-${test.slug}.log`;
}
