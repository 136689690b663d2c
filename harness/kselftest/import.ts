/**
 * A kselftest script turned into a YAML suite and its golden logs: the assignments before
 * the first test become `vars:`, each test its title and its commands verbatim (one step
 * per top-level command, however many lines it spans), and each check_result text, as the
 * script expands it when it runs, the test's golden log.
 *
 * A comment block above a test's start or above a step becomes its YAML comment. What has
 * no place in a suite is listed, never dropped silently: other comments (the file's
 * header), commands outside a test, the title line and `dmesg -C` of v5.5-era scripts
 * (the dialect's test start does both). The functions.sh line, setup_config and `exit 0` are what every suite
 * implies; tests after `exit 0` become `disabled: true`.
 */
import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { KernelModelDefinition } from '../models.js';
import { runScript, type ScriptRun } from './run.js';
import type { KselftestScript } from './script.js';
import { ScriptError } from './script.js';

export interface ImportedTest {
  title: string;
  steps: string[];
  disabled: boolean;
  /** the expanded check_result text; a disabled test may have none */
  golden?: string;
  /** the comment block above its start, without the '#'s */
  comment?: string;
  /** the comment above each step */
  stepComments: Array<string | undefined>;
}

export interface Imported {
  vars: Array<[string, string]>;
  tests: ImportedTest[];
  /** `file:line: skipped: <why>`, and `file:line: note: ...` for a text expanded without a run */
  skipped: string[];
  /** the run that expanded the check_result texts */
  run: ScriptRun;
}

/** `run`: the script's run, when the caller has one already */
export function importScript(script: KselftestScript, model: KernelModelDefinition, version: [number, number], run?: ScriptRun): Imported {
  const { file, items } = script;
  const skipped: string[] = [];
  const skip = (line: number, why: string) => skipped.push(`${file}:${line}: skipped: ${why}`);
  const vars: Array<[string, string]> = [];
  const firstTest = script.tests[0].start;
  const owner = new Map<number, number>();
  script.tests.forEach((t, ti) => {
    const end = t.check ?? (ti + 1 < script.tests.length ? script.tests[ti + 1].start : items.length);
    for (let n = t.start + 1; n < end; n++) owner.set(n, ti);
  });
  const steps: string[][] = script.tests.map(() => []);
  // a comment block goes with what follows it: a test's start or a step; any other is listed
  const comments: Array<string | undefined> = script.tests.map(() => undefined);
  const stepComments: Array<Array<string | undefined>> = script.tests.map(() => []);
  let pending: typeof items = [];
  // an empty `#` line stays one (YAML would print an empty comment line as a blank line)
  const block = () => pending.map((c) => c.source.trim().replace(/^#/, '') || ' ').join('\n');
  const flush = () => {
    for (const c of pending) skip(c.line, 'a comment');
    pending = [];
  };
  items.forEach((item, n) => {
    if (item.kind === 'comment') {
      pending.push(item);
      return;
    }
    const starts = script.tests.findIndex((t) => t.start === n);
    if (starts >= 0 && pending.length) {
      comments[starts] = block();
      pending = [];
    }
    const owned = owner.get(n);
    if (owned !== undefined && pending.length && (item.kind === 'command' || item.kind === 'assign' || item.kind === 'clear-log')) {
      stepComments[owned][steps[owned].length] = block();
      pending = [];
    }
    flush();
    switch (item.kind) {
      case 'source':
      case 'setup':
        // a suite sources functions.sh and runs setup_config once, before its first test
        if (n > firstTest) return skip(item.line, `${item.kind === 'setup' ? 'setup_config' : 'functions.sh'} again: a suite has it once, before its first test`);
        return;
      case 'exit':
      case 'start':
      case 'check':
        return;
      case 'title-echo':
        return skip(item.line, "the v5.5 title line: the test's title, printed by that dialect's test start");
      case 'clear-log':
        if (items[n - 1]?.kind === 'title-echo') return skip(item.line, "dmesg -C after the title line: part of that dialect's test start");
    }
    if (owned !== undefined) {
      steps[owned].push(item.source);
      return;
    }
    if (item.kind === 'assign' && n < firstTest && item.value !== undefined) {
      if (item.name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(item.name)) vars.push([item.name, item.value]);
      return;
    }
    skip(item.line, item.kind === 'assign' && n < firstTest ? 'an assignment whose value is not a plain word' : 'a command outside a test');
  });
  flush();
  skipped.sort((a, b) => Number(a.slice(file.length + 1).split(':')[0]) - Number(b.slice(file.length + 1).split(':')[0]));
  run ??= runScript(script, model, version);
  const tests = script.tests.map((t, ti): ImportedTest => {
    if (t.check === undefined) {
      if (t.disabled) return { title: t.title, steps: steps[ti], disabled: true, comment: comments[ti], stepComments: stepComments[ti] };
      throw new ScriptError(`${file}:${t.line}: test '${t.title}' has no check_result: no golden log to write`);
    }
    const r = run.tests[ti];
    let golden = r.expected;
    if (golden === undefined) {
      // a test the run did not reach (after exit 0, or a module the model lacks): the text
      // is expanded with the plain assignments before it, when it needs nothing else
      golden = expandStatic(items[t.check].source, plainAssignments(script, t.check));
      if (golden === undefined)
        throw new ScriptError(
          `${file}:${items[t.check].line}: check_result of test '${t.title}' was not reached (${r.error ?? r.reason ?? 'not run'}) and uses a variable set at run time: its text cannot be expanded`,
        );
      if (!t.disabled) skipped.push(`${file}:${items[t.check].line}: note: check_result of '${t.title}' expanded without running it (${r.error ?? r.reason ?? 'not run'})`);
    }
    return { title: t.title, steps: steps[ti], disabled: t.disabled, golden, comment: comments[ti], stepComments: stepComments[ti] };
  });
  return { vars, tests, skipped, run };
}

/** the values of the plain `NAME=word` commands before item `upto`, in script order */
function plainAssignments(script: KselftestScript, upto: number): Map<string, string> {
  const env = new Map<string, string>();
  for (const item of script.items.slice(0, upto)) {
    if (item.kind !== 'assign' || !item.name) continue;
    if (item.value !== undefined) env.set(item.name, item.value);
    else env.delete(item.name);
  }
  return env;
}

/** check_result "..." expanded by bash's double-quote rules, if it names only variables in env */
function expandStatic(source: string, env: Map<string, string>): string | undefined {
  const m = /^check_result\s+"((?:[^"\\$`]|\\[\s\S]|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)*)"\s*$/.exec(source.trim());
  if (!m) return undefined;
  let unknown = false;
  const text = m[1].replace(/\\([\\"$`\n])|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, esc: string, braced: string, plain: string) => {
    if (esc !== undefined) return esc === '\n' ? '' : esc;
    const v = env.get(braced ?? plain);
    if (v === undefined) unknown = true;
    return v ?? '';
  });
  return unknown ? undefined : text;
}

/** the suite as YAML, in the layout of suites/ */
export function suiteYaml(imported: Imported, model: KernelModelDefinition, version: [number, number] | undefined, from: string): string {
  const doc = new Document();
  const root = new YAMLMap();
  doc.contents = root;
  doc.commentBefore = ` Imported from ${from} by klp-selftest import.`;
  root.set('kernel', model.name);
  if (version) {
    const v = new Scalar(version.join('.'));
    v.type = Scalar.QUOTE_SINGLE;
    root.set('version', v);
  }
  if (imported.vars.length) {
    const vars = new YAMLMap();
    for (const [k, v] of imported.vars) vars.set(k, v);
    root.set('vars', vars);
  }
  const tests = new YAMLSeq();
  for (const t of imported.tests) {
    const m = new YAMLMap();
    if (t.comment !== undefined) m.commentBefore = t.comment;
    m.set('title', t.title);
    if (t.disabled) m.set('disabled', true);
    const steps = new YAMLSeq();
    for (const [n, s] of t.steps.entries()) {
      const node = new Scalar(s);
      if (s.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
      if (t.stepComments[n] !== undefined) node.commentBefore = t.stepComments[n];
      steps.items.push(node);
    }
    m.set('steps', steps);
    tests.items.push(m);
  }
  root.set('tests', tests);
  return doc.toString({ lineWidth: 0 });
}
