/**
 * A YAML suite written back as the test-*.sh a kernel developer posts: the SPDX header,
 * functions.sh, the suite's variables, setup_config, then per test its start line, its
 * steps as written and `check_result "<golden log>"` with the variables put back where
 * their values appear ($MOD_LIVEPATCH, ${MOD_TARGET}_init), and `exit 0`. Disabled tests
 * follow the `exit 0`, where upstream parks a test that must not run.
 *
 * Which variable a value stands for is followed through the steps: a step `NAME=value`
 * changes it for the steps and logs after it, as it would in bash. A value computed at
 * run time (`pid_list=$(...)`) is taken from a run of the script itself, and a step's
 * word built from it (`klp_pids=$pid_list`) goes back as written where that word, as the
 * run expanded it, stands whole in a "% <command>" line (the helpers echo the command
 * they run). Elsewhere such a value (a count of 0) stays literal, as upstream writes it.
 */
import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import type { Suite } from '../selftest/suite.js';
import { parse } from '../selftest/shell/interpreter.js';
import type { Command, List } from '../selftest/shell/ast.js';
import { literal } from './script.js';

/** a double-quoted bash word whose expansion is `text` */
export function dq(text: string): string {
  return `"${escapeDq(text)}"`;
}

function escapeDq(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

const IDENT_CHAR = /[A-Za-z0-9_]/;

/**
 * `text` as the inside of a double-quoted word, with every occurrence of a variable's value
 * (not inside a longer name) written as $NAME, or ${NAME} before a character that would
 * extend the name. Longer values win over values they contain.
 */
export function withVariables(text: string, vars: Array<[string, string]>, words: Array<[string, string]> = []): string {
  if (!words.length) return substitute(text, vars);
  const template = new Map(words);
  return text
    .split('\n')
    .map((l) => (l.startsWith('% ') ? l.split(' ').map((w) => template.get(w) ?? substitute(w, vars)).join(' ') : substitute(l, vars)))
    .join('\n');
}

function substitute(text: string, vars: Array<[string, string]>): string {
  const byLength = vars.filter(([, v]) => v.length > 0).sort((a, b) => b[1].length - a[1].length);
  let out = '';
  for (let i = 0; i < text.length; ) {
    const before = i > 0 ? text[i - 1] : '';
    const hit = IDENT_CHAR.test(before) ? undefined : byLength.find(([, v]) => text.startsWith(v, i));
    if (hit) {
      const [name, value] = hit;
      const next = text[i + value.length] ?? '';
      out += IDENT_CHAR.test(next) ? `\${${name}}` : `$${name}`;
      i += value.length;
    } else {
      out += escapeDq(text[i]);
      i++;
    }
  }
  return out;
}

/** top-level assignments of a step (`X=1`, `a=1; b=$(...)`): name and literal value, if any */
export function assignmentsOf(step: string): Array<{ name: string; value?: string; computed: boolean }> {
  let list: List;
  try {
    list = parse(step).body;
  } catch {
    return [];
  }
  const found: Array<{ name: string; value?: string; computed: boolean }> = [];
  const visit = (c: Command) => {
    if (c.kind !== 'simple' || c.words.length) return;
    for (const a of c.assigns) {
      if (a.array || a.index) continue;
      const value = a.append ? undefined : literal(a.value);
      found.push({ name: a.name, value, computed: !!a.value?.parts.some((p) => p.kind === 'cmdsub' || (p.kind === 'dq' && p.parts.some((q) => q.kind === 'cmdsub'))) });
    }
  };
  for (const item of list.items) for (const p of [item.cmd.first, ...item.cmd.rest.map((r) => r.pipeline)]) p.commands.forEach(visit);
  return found;
}

/** the variables a suite's steps compute at run time, whose values export takes from a run */
export function computedVariables(suite: Suite): string[] {
  const names = new Set<string>();
  for (const t of suite.tests) for (const s of t.steps) for (const a of assignmentsOf(s.source)) if (a.computed) names.add(a.name);
  return [...names];
}

/** the YAML comments of a suite's tests and steps, which become the script's comments */
export interface SuiteComments {
  tests: Array<string | undefined>;
  steps: Array<Array<string | undefined>>;
}

export function suiteComments(yamlText: string): SuiteComments {
  const doc = parseDocument(yamlText);
  const seq = isMap(doc.contents) ? doc.contents.get('tests', true) : undefined;
  if (!isSeq(seq)) return { tests: [], steps: [] };
  const items = seq.items as Node[];
  return {
    // the first test's comment is the list's, for the YAML parser
    tests: items.map((it, i) => it.commentBefore ?? (i === 0 ? (seq.commentBefore ?? undefined) : undefined)),
    steps: items.map((it) => {
      const steps = isMap(it) ? it.get('steps', true) : undefined;
      return isSeq(steps) ? (steps.items as Node[]).map((s) => s.commentBefore ?? undefined) : [];
    }),
  };
}

function commentLines(comment: string | undefined): string[] {
  return comment === undefined ? [] : comment.split('\n').map((l) => `#${l}`.trimEnd());
}

/**
 * The unquoted words of `steps` that use a computed variable, as [the word the run
 * expanded, the word as written]; words with quotes or other expansions are left out.
 */
export function computedWords(steps: string[], values: Map<string, string>, env: Map<string, string>): Array<[string, string]> {
  const ref = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  const found: Array<[string, string]> = [];
  for (const step of steps)
    for (const word of step.split(/\s+/)) {
      if (!/^[A-Za-z0-9_=,.:\/${}-]+$/.test(word)) continue;
      let computed = false;
      let known = true;
      const expanded = word.replace(ref, (_, braced: string, plain: string) => {
        const name = braced ?? plain;
        if (values.has(name) && !env.has(name)) computed = true;
        const v = env.get(name) ?? values.get(name);
        if (v === undefined) known = false;
        return v ?? '';
      });
      if (computed && known && expanded && !expanded.includes('$')) found.push([expanded, word]);
    }
  return found;
}

export interface ExportInput {
  suite: Suite;
  /** the golden log of each test (undefined: none) */
  goldens: Array<string | undefined>;
  /** per test: values of computed variables when its check_result ran */
  runtime?: Array<Map<string, string> | undefined>;
  comments?: SuiteComments;
}

export function exportScript({ suite, goldens, runtime, comments }: ExportInput): string {
  const { testStart } = suite.model.dialect;
  const out: string[] = ['#!/bin/bash', '# SPDX-License-Identifier: GPL-2.0'];
  if (suite.description) out.push(`#`, `# ${suite.description}`);
  out.push('', '. $(dirname $0)/functions.sh', '');
  for (const [name, value] of suite.vars) out.push(`${name}=${/^[A-Za-z0-9_./:,=+-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`);
  if (suite.vars.length) out.push('');
  out.push('setup_config', '');
  const env = new Map(suite.vars);
  const enabled = suite.tests.filter((t) => !t.disabled);
  const disabled = suite.tests.filter((t) => t.disabled);
  const writeTest = (i: number) => {
    const t = suite.tests[i];
    const before = commentLines(comments?.tests[i]);
    out.push('', ...before, ...(before.length ? [''] : []), ...testStart.scriptLines(t.title), '');
    t.steps.forEach((s, n) => {
      out.push(...commentLines(comments?.steps[i]?.[n]), s.source);
      for (const a of assignmentsOf(s.source)) {
        if (!env.has(a.name)) continue;
        if (a.value !== undefined) env.set(a.name, a.value);
        else env.delete(a.name);
      }
    });
    const golden = goldens[i];
    if (golden === undefined) return;
    const words = runtime?.[i] ? computedWords(t.steps.map((s) => s.source), runtime[i], env) : [];
    out.push('', `check_result "${withVariables(golden, [...env], words)}"`, '');
  };
  for (const t of enabled) writeTest(suite.tests.indexOf(t));
  out.push('', 'exit 0');
  for (const t of disabled) writeTest(suite.tests.indexOf(t));
  return out.join('\n') + '\n';
}
