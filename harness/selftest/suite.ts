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
import { didYouMean } from './did_you_mean.js';

export interface SuiteStep {
  source: string;
  line: number;
  /** YAML ended the step at ' #' (a comment), which may have been part of it */
  cutAtComment?: boolean;
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
    super(`${file}${line ? `:${line}` : ''}: ${oneLine(detail)}`);
  }
}

/** every problem found in a suite (or in several), one line each, in file order */
export class SuiteErrors extends SuiteError {
  constructor(readonly all: SuiteError[]) {
    super(all[0].file, all[0].line, all[0].detail);
    this.message = all.map((e) => e.message).join('\n');
  }
}

/** throws the problems found, if any: one as itself, more as SuiteErrors */
export function throwAll(errors: SuiteError[]): void {
  const flat = errors.flatMap((e) => (e instanceof SuiteErrors ? e.all : [e]));
  if (flat.length === 1) throw flat[0];
  if (flat.length) throw new SuiteErrors(flat);
}

/**
 * A title or a step as an error message quotes it: on one line, whatever it holds (a
 * block step spans lines; a title may hold a line break), so that every problem stays
 * one line of output.
 */
export function oneLine(text: string): string {
  return text.replace(/\n/g, '\\n').replace(/\r/g, '\\r');
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

/** a suite file's text; a file that cannot be read is a SuiteError naming it */
export function readSuiteText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SuiteError(file, undefined, `cannot read suite: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function loadSuite(file: string, validateStep?: (model: KernelModelDefinition) => StepValidator): Suite {
  return parseSuite(file, readSuiteText(file), validateStep);
}

/**
 * A suite from its text. Problems that leave nothing to check further (YAML that does not
 * parse, no model) end the loading at once; the others are all collected, so that one run
 * shows every mistake of the file.
 */
export function parseSuite(file: string, text: string, validateStep?: (model: KernelModelDefinition) => StepValidator): Suite {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lc.linePos(node.range[0]).line : undefined);
  if (doc.errors.length)
    throwAll(doc.errors.map((e) => new SuiteError(file, e.linePos?.[0]?.line, `invalid YAML: ${e.message.split('\n')[0]}`)));
  const root = doc.contents;
  if (!isMap(root)) throw new SuiteError(file, lineOf(root as Node), 'a suite is a mapping with `kernel` and `tests`');

  const errors: SuiteError[] = [];
  const problem = (line: number | undefined, detail: string) => errors.push(new SuiteError(file, line, detail));

  const name = suiteNameOf(file);
  if (!SAFE_NAME.test(name)) problem(undefined, `suite name '${name}' cannot name a golden directory (use letters, digits, '.', '_' and '-')`);

  let model: KernelModelDefinition | undefined;
  let modelLine: number | undefined;
  let version: [number, number] | undefined;
  let versionLine: number | undefined;
  let description: string | undefined;
  const vars: Array<[string, string]> = [];
  let testsNode: Node | undefined;
  let testsLine: number | undefined;
  let compare = false;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    const line = lineOf(pair.key as Node);
    switch (key) {
      case 'kernel': {
        const v = isScalar(value) ? String(value.value) : '';
        model = findModel(v);
        modelLine = line;
        if (!model) {
          const near = didYouMean(v, modelNames());
          problem(line, `unknown kernel model '${v}' (${near ? `did you mean ${near}? ` : ''}known: ${modelNames().join(', ')})`);
        }
        break;
      }
      case 'version': {
        // the text as written: YAML reads an unquoted 6.20 as the number 6.2
        const v = isScalar(value) ? (value.source ?? String(value.value)) : '';
        const m = /^(\d+)\.(\d+)$/.exec(v);
        if (!m) problem(line, `version must look like '7.2', not '${v}'`);
        else {
          version = [Number(m[1]), Number(m[2])];
          versionLine = line;
        }
        break;
      }
      case 'description':
        description = isScalar(value) ? String(value.value) : undefined;
        break;
      case 'vars':
        if (!isMap(value)) {
          problem(line, '`vars` must map variable names to values');
          break;
        }
        for (const v of value.items) {
          const vname = isScalar(v.key) ? String(v.key.value) : '';
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(vname)) problem(lineOf(v.key as Node), `invalid variable name '${vname}'`);
          else if (!isScalar(v.value)) problem(lineOf(v.key as Node), `variable ${vname} must be a plain value`);
          else vars.push([vname, String(v.value.source ?? v.value.value)]);
        }
        break;
      case 'tests':
        testsNode = value ?? undefined;
        testsLine = line;
        break;
      case 'compare':
        if (!isScalar(value) || typeof value.value !== 'boolean') problem(line, 'compare must be true or false');
        else compare = value.value;
        break;
      default: {
        const near = didYouMean(key, SUITE_KEYS);
        problem(line, `unknown key '${key}' (${near ? `did you mean ${near}? ` : ''}expected ${SUITE_KEYS.join(', ')})`);
      }
    }
  }
  if (!model) {
    if (modelLine === undefined) problem(undefined, 'missing `kernel:` (the kernel model to run on)');
    throwAll(errors);
    throw new Error('unreachable: no model and no error');
  }
  version ??= model.versions[1];
  const outOfRange = versionProblem(model, version);
  if (outOfRange) problem(versionLine, outOfRange);
  // the suite's steps are checked against, and run with, that version's functions.sh and modules
  else model = modelAt(model, version);
  const tests: SuiteTest[] = [];
  if (!isSeq(testsNode) || testsNode.items.length === 0) {
    problem(lineOf(testsNode) ?? testsLine, '`tests` must be a non-empty list');
    throwAll(errors);
  }
  const validator = validateStep?.(model);
  const slugs = new Map<string, number>();
  (isSeq(testsNode) ? testsNode.items : []).forEach((item, i) => {
    const tnode = item as Node;
    const tline = lineOf(tnode) ?? 0;
    if (!isMap(tnode)) return problem(tline, `test ${i + 1}: must be a mapping with title and steps`);
    let title: string | undefined;
    let steps: SuiteStep[] | undefined;
    let disabled = false;
    for (const pair of tnode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      const line = lineOf(pair.key as Node);
      if (key === 'title') {
        if (!isScalar(value) || typeof value.value !== 'string' || !value.value.trim()) problem(line, `test ${i + 1}: title must be a non-empty string`);
        else title = value.value;
      } else if (key === 'steps') {
        if (!isSeq(value)) {
          problem(line, `test ${i + 1}: steps must be a list of shell lines`);
          continue;
        }
        steps = [];
        for (const s of value.items) {
          const snode = s as Node;
          const sline = lineOf(snode) ?? line ?? tline;
          if (!isScalar(snode) || typeof snode.value !== 'string')
            problem(sline, `test ${i + 1}: every step must be one line of text (quote it: YAML reads ': ' as a mapping)`);
          else if (snode.value.includes('\0')) problem(sline, `test ${i + 1}: a step cannot hold a NUL byte (a shell line is a C string; printf '\\0' writes one)`);
          else steps.push({ source: snode.value, line: sline, cutAtComment: cutAtComment(text, snode) });
        }
      } else if (key === 'disabled') {
        if (!isScalar(value) || typeof value.value !== 'boolean') problem(line, `test ${i + 1}: disabled must be true or false`);
        else disabled = value.value;
      } else {
        const near = didYouMean(key, TEST_KEYS);
        problem(line, `test ${i + 1}: unknown key '${key}' (${near ? `did you mean ${near}? ` : ''}expected ${TEST_KEYS.join(', ')})`);
      }
    }
    const label = title === undefined ? `test ${i + 1}` : `test '${title}'`;
    if (!tnode.items.some((p) => isScalar(p.key) && p.key.value === 'title')) problem(tline, `test ${i + 1}: missing title`);
    if (!tnode.items.some((p) => isScalar(p.key) && p.key.value === 'steps')) problem(tline, `${label}: missing steps`);
    if (title === undefined || steps === undefined) return;
    const slug = slugify(title);
    if (!slug) return problem(tline, `test '${title}': the title needs letters or digits to name its golden file`);
    if (slugs.has(slug)) problem(tline, `test '${title}': same golden name as test ${slugs.get(slug)}`);
    slugs.set(slug, i + 1);
    if (validator)
      steps.forEach((s, n) => {
        const p = validator(s.source);
        if (p) problem(s.line, `test '${title}', step ${n + 1} (${s.source}): ${p}${s.cutAtComment ? `; YAML ended this step at ' #', which starts a comment: quote the whole step` : ''}`);
      });
    tests.push({ index: i + 1, title, slug, line: tline, steps: steps.map(({ source, line }) => ({ source, line })), disabled });
  });
  throwAll(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { file, name, model, version, description, vars, tests, ...(compare ? { compare } : {}) };
}

const SUITE_KEYS = ['kernel', 'version', 'description', 'vars', 'tests', 'compare'];
const TEST_KEYS = ['title', 'steps', 'disabled'];

/** a plain step followed by a comment on its line: YAML may have cut a ' #' the step meant */
function cutAtComment(text: string, node: Node): boolean {
  if (!isScalar(node) || node.type !== 'PLAIN' || !node.range) return false;
  const after = text.slice(node.range[1], node.range[2]);
  return /^[ \t]+#/.test(after);
}

/** expected/<model>/<suite>/<NN>-<slug>.log */
export function goldenPath(root: string, suite: Suite, test: SuiteTest): string {
  return `${root}/expected/${suite.goldenGroup ?? suite.model.name}/${suite.name}/${goldenName(test)}`;
}

/** a test's golden file name in its suite's folder: NN-<slug>.log */
export function goldenName(test: SuiteTest): string {
  return `${String(test.index).padStart(2, '0')}-${test.slug}.log`;
}
