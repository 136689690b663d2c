/**
 * A YAML suite written back as the test-*.sh a kernel developer posts: the SPDX header,
 * functions.sh, the suite's variables, setup_config, then per test its start line, its
 * steps as written and `check_result "<golden log>"` with the variables put back where
 * their values appear ($MOD_LIVEPATCH, ${MOD_TARGET}_init), and `exit 0`. Disabled tests
 * follow the `exit 0`, where upstream parks a test that must not run.
 *
 * Which variable a value stands for is followed through the steps: a step `NAME=value`
 * changes it for the steps and logs after it, as it would in bash. A value computed at
 * run time (`pid_list=$(...)`) is taken from a run of the script itself and written back
 * as `$pid_list` only in the "% <command>" lines, which echo the script's own command
 * lines; in what the kernel printed such a value (a count of 0) stays literal, as
 * upstream writes it.
 */
import type { FunctionsFlavour } from '../selftest/functions.js';
import type { Suite } from '../selftest/suite.js';
import { parse } from '../selftest/shell/interpreter.js';
import type { Command, List, Word } from '../selftest/shell/ast.js';

/** how a dialect's scripts start a test */
const TEST_START: Record<FunctionsFlavour, (title: string) => string[]> = {
  mainline: (t) => [`start_test ${dq(t)}`],
  'v1-2025': (t) => [`start_test ${dq(t)}`],
  'poc-2023': (t) => [`start_test ${dq(t)}`],
  'v6.1': (t) => [`start_test ${dq(t)}`],
  // before start_test existed, a test printed its title and cleared the log
  'v5.5': (t) => [`echo -n ${dq(`TEST: ${t} ... `)}`, 'dmesg -C'],
};

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
export function withVariables(text: string, vars: Array<[string, string]>, commandVars: Array<[string, string]> = []): string {
  if (commandVars.length)
    return text
      .split('\n')
      .map((l) => (l.startsWith('% ') ? substitute(l, [...vars, ...commandVars], new Set(commandVars.map(([n]) => n))) : substitute(l, vars, new Set())))
      .join('\n');
  return substitute(text, vars, new Set());
}

/** `whole`: variables whose value must not run on into a name (a number, a list of pids) */
function substitute(text: string, vars: Array<[string, string]>, whole: Set<string>): string {
  const byLength = vars.filter(([, v]) => v.length > 0).sort((a, b) => b[1].length - a[1].length);
  let out = '';
  for (let i = 0; i < text.length; ) {
    const before = i > 0 ? text[i - 1] : '';
    const hit = IDENT_CHAR.test(before) ? undefined : byLength.find(([n, v]) => text.startsWith(v, i) && !(whole.has(n) && IDENT_CHAR.test(text[i + v.length] ?? '')));
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

/** the text of a word without expansions */
function literal(w: Word | undefined): string | undefined {
  if (!w) return undefined;
  let s = '';
  for (const p of w.parts) {
    if (p.kind === 'lit') s += p.text;
    else if (p.kind === 'dq' && p.parts.every((q) => q.kind === 'lit')) for (const q of p.parts) s += q.kind === 'lit' ? q.text : '';
    else return undefined;
  }
  return s;
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

export interface ExportInput {
  suite: Suite;
  /** the golden log of each test (undefined: none) */
  goldens: Array<string | undefined>;
  /** per test: values of computed variables when its check_result ran */
  runtime?: Array<Map<string, string> | undefined>;
}

export function exportScript({ suite, goldens, runtime }: ExportInput): string {
  const flavour = suite.model.dialect.flavour;
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
    out.push('', ...TEST_START[flavour](t.title), '');
    for (const s of t.steps) {
      out.push(s.source);
      for (const a of assignmentsOf(s.source)) {
        if (!env.has(a.name)) continue;
        if (a.value !== undefined) env.set(a.name, a.value);
        else env.delete(a.name);
      }
    }
    const golden = goldens[i];
    if (golden === undefined) return;
    const computed = [...(runtime?.[i] ?? [])].filter(([name]) => !env.has(name));
    out.push('', `check_result "${withVariables(golden, [...env], computed)}"`, '');
  };
  for (const t of enabled) writeTest(suite.tests.indexOf(t));
  out.push('', 'exit 0');
  for (const t of disabled) writeTest(suite.tests.indexOf(t));
  return out.join('\n') + '\n';
}
