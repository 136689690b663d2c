/**
 * A kselftest livepatch script (tools/testing/selftests/livepatch/test-*.sh) read as the
 * list of its top-level commands, each kept verbatim with its first line:
 *
 *   . $(dirname $0)/functions.sh       source: the model's functions.sh dialect
 *   MOD_LIVEPATCH=test_klp_livepatch   assignments before the first test: the variables
 *   setup_config
 *   start_test "<title>"               a test starts (or, in v5.5-era scripts,
 *   echo -n "TEST: <title> ... "        its title line, followed by `dmesg -C`)
 *   ...                                the test's steps
 *   check_result "<expected log>"      the test ends; the text is bash-expanded when run
 *   exit 0                             tests after it never run (kept as disabled)
 *
 * A command spans as many lines as the shell needs to parse it (if ... fi, a quoted
 * check_result text, a trailing `||`). Everything the step shell cannot parse, and every
 * command it does not know, is reported as `file:line: <what>` before anything runs.
 */
import type { KernelModelDefinition } from '../models.js';
import { parse } from '../selftest/shell/interpreter.js';
import { ShellSyntaxError } from '../selftest/shell/host.js';
import type { Assign, SimpleCommand, Word } from '../selftest/shell/ast.js';
import { stepValidator } from '../selftest/validate.js';

export type ItemKind = 'comment' | 'source' | 'assign' | 'setup' | 'start' | 'title-echo' | 'clear-log' | 'check' | 'exit' | 'command';

export interface ScriptItem {
  kind: ItemKind;
  /** the command's text as written (all its lines) */
  source: string;
  /** 1-based line of its first character */
  line: number;
  /** start / title-echo: the test's title; assign: the variable */
  name?: string;
  /** assign: the literal value, when it is one */
  value?: string;
}

export interface ScriptTest {
  title: string;
  line: number;
  /** index into items of the item that starts the test */
  start: number;
  /** index into items of its check_result, if it has one */
  check?: number;
  /** after `exit 0`: never runs */
  disabled: boolean;
}

export interface KselftestScript {
  file: string;
  items: ScriptItem[];
  tests: ScriptTest[];
}

/** a script the step shell cannot take: the first problem, as `file:line: <what>` */
export class ScriptError extends Error {}

const SOURCE_FUNCTIONS = /^\.\s+"?\$\(dirname\s+"?\$0"?\)"?\/functions\.sh"?\s*$/;
const V5_TITLE = /^echo -n "TEST: (.*) \.\.\. "\s*$/;

/** the text of a word that has no expansion in it, quoted or not */
export function literal(w: Word | undefined): string | undefined {
  if (!w) return undefined;
  let s = '';
  for (const p of w.parts) {
    if (p.kind === 'lit') s += p.text;
    else if (p.kind === 'dq' && p.parts.every((q) => q.kind === 'lit')) for (const q of p.parts) s += q.kind === 'lit' ? q.text : '';
    else return undefined;
  }
  return s;
}

/** the one simple command a top-level item consists of, if it is just that */
function onlySimple(source: string): SimpleCommand | undefined {
  const list = parse(source).body;
  if (list.items.length !== 1) return undefined;
  const item = list.items[0];
  if (item.background || item.cmd.rest.length) return undefined;
  const p = item.cmd.first;
  if (p.commands.length !== 1 || p.negate) return undefined;
  const c = p.commands[0];
  return c.kind === 'simple' && !c.redirs.length ? c : undefined;
}

function isIncomplete(text: string, e: unknown): boolean {
  if (/(^|[^\\])(\\\\)*\\$/.test(text)) return true;
  return e instanceof ShellSyntaxError && (e.message.startsWith('unexpected end of input') || e.message.startsWith('unterminated quote'));
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

/** split a script into its top-level commands; throws ScriptError on what does not parse */
export function splitScript(file: string, text: string): ScriptItem[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const items: ScriptItem[] = [];
  for (let i = 0; i < lines.length; ) {
    const first = lines[i];
    const trimmed = first.trim();
    if (!trimmed) {
      i++;
      continue;
    }
    if (trimmed.startsWith('#')) {
      items.push({ kind: 'comment', source: first, line: i + 1 });
      i++;
      continue;
    }
    let end = i;
    let source = first;
    for (;;) {
      try {
        parse(source);
        break;
      } catch (e) {
        if (isIncomplete(source, e) && end + 1 < lines.length) {
          source += '\n' + lines[++end];
          continue;
        }
        const offset = e instanceof ShellSyntaxError ? e.offset : undefined;
        const line = i + (offset !== undefined ? lineAt(source, offset) : 1);
        throw new ScriptError(`${file}:${line}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    items.push(classify(source, i + 1));
    i = end + 1;
  }
  return items;
}

function classify(source: string, line: number): ScriptItem {
  const text = source.trim();
  if (SOURCE_FUNCTIONS.test(text)) return { kind: 'source', source, line };
  const v5 = V5_TITLE.exec(text);
  if (v5) return { kind: 'title-echo', source, line, name: v5[1] };
  const c = onlySimple(source);
  if (c && !c.words.length && c.assigns.length === 1) {
    const a: Assign = c.assigns[0];
    const value = a.array || a.index || a.append ? undefined : literal(a.value);
    return { kind: 'assign', source, line, name: a.name, value };
  }
  const argv = c && !c.assigns.length ? c.words.map(literal) : undefined;
  const [cmd, ...args] = argv ?? [];
  if (cmd === 'setup_config' && !args.length) return { kind: 'setup', source, line };
  if (cmd === 'exit' && args.length <= 1) return { kind: 'exit', source, line };
  if (cmd === 'dmesg' && args.length === 1 && args[0] === '-C') return { kind: 'clear-log', source, line };
  if (c?.words.length === 2 && literal(c.words[0]) === 'start_test') return { kind: 'start', source, line, name: args[0] };
  if (c?.words.length === 2 && literal(c.words[0]) === 'check_result') return { kind: 'check', source, line };
  return { kind: 'command', source, line };
}

/**
 * Read a script for a model: its commands, its tests, and the check that every command
 * the step shell would run parses and names a command the model's functions.sh, the
 * shell or the machine has.
 */
export function parseScript(file: string, text: string, model: KernelModelDefinition): KselftestScript {
  const items = splitScript(file, text);
  const tests: ScriptTest[] = [];
  const validateStep = stepValidator(model);
  // a function the script defines is known to all its commands, as bash looks it up when called
  const functions = items.flatMap((it) => (it.kind === 'command' ? definedFunctions(it.source) : []));
  const stubs = functions.map((f) => `${f}() { :; }\n`).join('');
  const validate = (source: string) => validateStep(stubs + source);
  let exited = false;
  let current: ScriptTest | undefined;
  items.forEach((item, n) => {
    switch (item.kind) {
      case 'start':
      case 'title-echo':
        if (item.name === undefined) throw new ScriptError(`${file}:${item.line}: start_test needs its title as one literal word`);
        current = { title: item.name, line: item.line, start: n, disabled: exited };
        tests.push(current);
        return;
      case 'check':
        if (!current || current.check !== undefined) throw new ScriptError(`${file}:${item.line}: check_result outside a test (no start_test before it)`);
        current.check = n;
        return;
      case 'exit':
        exited = true;
        current = undefined;
        return;
      case 'comment':
      case 'source':
      case 'setup':
        return;
      default: {
        const problem = validate(item.source);
        if (problem) throw new ScriptError(`${file}:${item.line}: ${problem}`);
      }
    }
  });
  if (!tests.length) throw new ScriptError(`${file}: no test in it (no start_test)`);
  return { file, items, tests };
}

/** the functions a top-level command defines (`f() { ...; }`) */
function definedFunctions(source: string): string[] {
  return parse(source).body.items.flatMap((i) => i.cmd.first.commands.flatMap((c) => (c.kind === 'function' ? [c.name] : [])));
}
