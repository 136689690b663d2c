/**
 * Running a kselftest script as it is: every top-level command in its order, in one shell
 * on one booted machine, as bash would run the file. `. $(dirname $0)/functions.sh` is the
 * model's dialect (already there), setup_config is the session's, start_test and the
 * steps run as written, and check_result's argument is expanded by the shell at the point
 * the script reaches it (its own variables, bash double-quote rules): that text is the
 * test's expected log.
 */
import { mayRunLong } from '../jit.js';
import { basename } from 'node:path';
import type { KernelModelDefinition } from '../models.js';
import { FUNCTIONS_VARIABLES } from '../selftest/functions.js';
import type { TestRun } from '../selftest/runner.js';
import { SelftestSession } from '../selftest/session.js';
import { ShellExit, ShellSyntaxError } from '../selftest/shell/host.js';
import { slugify, type Suite, type SuiteTest } from '../selftest/suite.js';
import type { KselftestScript, ScriptTest } from './script.js';

export interface ScriptTestRun extends TestRun {
  /** check_result's text after expansion; undefined when the test did not reach it */
  expected?: string;
  /** the values of the shell variables when check_result ran (for export) */
  vars?: Map<string, string>;
}

export interface ScriptRun {
  suite: Suite;
  tests: ScriptTestRun[];
}

/** the script seen as a suite, for the report: its name is the file's without .sh */
export function scriptSuite(script: KselftestScript, model: KernelModelDefinition, version: [number, number]): Suite {
  const tests: SuiteTest[] = script.tests.map((t, i) => ({
    index: i + 1,
    title: t.title,
    slug: slugify(t.title),
    line: t.line,
    steps: stepsOf(script, t).map((it) => ({ source: it.source, line: it.line })),
    disabled: t.disabled,
  }));
  return { file: script.file, name: basename(script.file).replace(/\.sh$/, ''), model, version, vars: [], tests };
}

/** a test's own commands: what lies between its start and its check_result */
export function stepsOf(script: KselftestScript, t: ScriptTest) {
  const i = script.tests.indexOf(t);
  const end = t.check ?? (i + 1 < script.tests.length ? script.tests[i + 1].start : script.items.length);
  return script.items.slice(t.start + 1, end).filter((it) => it.kind !== 'comment');
}

/** the last line a failing command left on stderr */
function lastLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'failed';
}

export function runScript(script: KselftestScript, model: KernelModelDefinition, version: [number, number], capture: string[] = []): ScriptRun {
  mayRunLong();
  const suite = scriptSuite(script, model, version);
  const session = new SelftestSession(model, { version });
  let expected: string | undefined;
  // check_result is the script's comparison: here it hands its expanded text to the runner
  session.helpers.check_result = ([text = '']) => {
    expected = text;
    return 0;
  };
  const runs: ScriptTestRun[] = suite.tests.map((test) => ({ test, status: 'not-run', output: '', time: 0 }));
  let current = -1;
  let stopped: { status: 'error' | 'skipped'; why: string; outside: boolean } | undefined;
  const fail = (why: string, status: 'error' | 'skipped') => {
    stopped = { status, why, outside: current < 0 };
    if (current >= 0 && runs[current].status === 'not-run') {
      runs[current] = { ...runs[current], status, log: session.result() ?? '', ...(status === 'error' ? { error: why } : { reason: why }) };
    }
  };
  for (let n = 0; n < script.items.length && !stopped; n++) {
    const item = script.items[n];
    const errFrom = session.stderr.length;
    try {
      switch (item.kind) {
        case 'comment':
          break;
        case 'source':
          for (const [k, v] of Object.entries(FUNCTIONS_VARIABLES)) session.shell.setVar(k, v);
          break;
        case 'setup':
          session.setup();
          break;
        case 'exit':
          n = script.items.length;
          break;
        case 'start':
        case 'title-echo':
          current = script.tests.findIndex((t) => t.start === n);
          expected = undefined;
          if (item.kind === 'start') session.step(item.source);
          else session.startTest(item.name ?? '');
          break;
        case 'clear-log':
          // v5.5: the title line and `dmesg -C` are that dialect's start_test, done above
          if (script.items[n - 1]?.kind !== 'title-echo') session.step(item.source);
          break;
        case 'check': {
          session.step(item.source);
          const vars = new Map<string, string>();
          for (const name of capture) {
            const v = session.shell.getVar(name);
            if (v !== undefined) vars.set(name, v);
          }
          runs[current] = { ...runs[current], status: 'done', log: session.result() ?? '', expected, vars };
          current = -1;
          break;
        }
        default:
          session.step(item.source);
      }
    } catch (e) {
      const where = `${script.file}:${item.line}`;
      const step = item.source.split('\n')[0];
      const test = current >= 0 ? `test '${suite.tests[current].title}', ` : '';
      if (e instanceof ShellExit && e.status === 4) fail(lastLine(session.stderr.slice(errFrom)), 'skipped');
      else if (e instanceof ShellExit) fail(`${where}: ${test}${step}: ${lastLine(session.stderr.slice(errFrom))}`, 'error');
      else if (e instanceof ShellSyntaxError) fail(`${where}: ${test}${step}: ${e.message}`, 'error');
      else throw e;
    }
  }
  // a test that never got to its check_result
  for (const [i, r] of runs.entries()) {
    if (r.status !== 'not-run') continue;
    if (r.test.disabled) runs[i] = { ...r, status: 'skipped', reason: 'disabled (after exit 0)' };
    else if (stopped?.status === 'skipped') runs[i] = { ...r, status: 'skipped', reason: stopped.why };
    else if (stopped?.outside && !runs.some((x) => x.status === 'error')) runs[i] = { ...r, status: 'error', error: stopped.why };
    else if (stopped) runs[i] = { ...r, error: `not run: an earlier command of ${script.file} ended the script` };
    else if (script.tests[i].check === undefined) runs[i] = { ...r, status: 'error', error: `${script.file}:${r.test.line}: test '${r.test.title}' has no check_result` };
  }
  return { suite, tests: runs };
}
