/**
 * Running suites: each suite boots its own machine, runs setup_config, then its tests in
 * order in one shell (so state and variables carry over, as in one script run). A test's
 * log is what check_result would compare: the filtered dmesg after its canary.
 */
import { ShellExit, ShellSyntaxError } from './shell/host.js';
import { SelftestSession } from './session.js';
import type { Suite, SuiteTest } from './suite.js';

export type TestStatus = 'done' | 'skipped' | 'error' | 'not-run';

export interface TestRun {
  test: SuiteTest;
  status: TestStatus;
  /** the filtered log (check_result's "result"), for tests that ran */
  log?: string;
  /** one line naming file, line, test and step, for a test that could not finish */
  error?: string;
  /** why a test was skipped (disabled, or its `skip` message) */
  reason?: string;
}

export interface SuiteRun {
  suite: Suite;
  tests: TestRun[];
}

function stepError(suite: Suite, test: SuiteTest, n: number, detail: string): string {
  const step = test.steps[n];
  return `${suite.file}:${step.line}: test '${test.title}', step ${n + 1} (${step.source}): ${detail}`;
}

/** the last line a failing step left on stderr: a die message, an insmod error ... */
function lastErrorLine(session: SelftestSession, from: number): string {
  const lines = session.stderr.slice(from).split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'failed';
}

/** who watches a run from outside (the timeline): called at the points named */
export interface SuiteObserver {
  booted(session: SelftestSession): void;
  testStarted(test: SuiteTest): void;
  stepDone(): void;
  testEnded(run: TestRun): void;
}

export function runSuite(suite: Suite, observer?: SuiteObserver): SuiteRun {
  const session = new SelftestSession(suite.model, { version: suite.version });
  observer?.booted(session);
  session.setup();
  for (const [name, value] of suite.vars) session.shell.setVar(name, value);
  const runs: TestRun[] = [];
  let aborted: string | undefined;
  for (const test of suite.tests) {
    if (test.disabled) {
      runs.push({ test, status: 'skipped', reason: test.skipReason ?? 'disabled' });
      continue;
    }
    if (aborted) {
      runs.push({ test, status: 'not-run', error: aborted });
      continue;
    }
    observer?.testStarted(test);
    session.startTest(test.title);
    let error: string | undefined;
    let skipped: string | undefined;
    for (let n = 0; n < test.steps.length && !error && !skipped; n++) {
      const errFrom = session.stderr.length;
      try {
        session.step(test.steps[n].source);
      } catch (e) {
        // `skip` (exit 4) skips this test only: upstream guards such tests with an `if`
        if (e instanceof ShellExit && e.status === 4) skipped = lastErrorLine(session, errFrom);
        else if (e instanceof ShellExit) error = stepError(suite, test, n, lastErrorLine(session, errFrom));
        else if (e instanceof ShellSyntaxError) error = stepError(suite, test, n, e.message);
        else throw e;
      }
      observer?.stepDone();
    }
    const log = session.result() ?? '';
    if (skipped) {
      runs.push({ test, status: 'skipped', reason: skipped });
    } else if (error) {
      // the script would have exited here: later tests never run
      aborted = `not run: an earlier test of ${suite.file} ended the run`;
      runs.push({ test, status: 'error', log, error });
    } else {
      runs.push({ test, status: 'done', log });
    }
    observer?.testEnded(runs[runs.length - 1]);
  }
  return { suite, tests: runs };
}
