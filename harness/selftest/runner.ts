/**
 * Running suites: each suite boots its own machine, runs setup_config, then its tests in
 * order in one shell (so state and variables carry over, as in one script run). A test's
 * log is what check_result would compare: the filtered dmesg after its canary.
 */
import { performance } from 'node:perf_hooks';
import { MachineHang } from '../kernel/hang.js';
import { mayRunLong } from '../jit.js';
import { engineLimit, StepTimeLimit } from './limits.js';
import { ShellExit, ShellHang, ShellSyntaxError } from './shell/host.js';
import { SelftestSession } from './session.js';
import { oneLine, type Suite, type SuiteTest } from './suite.js';

export type TestStatus = 'done' | 'skipped' | 'error' | 'not-run';

export interface TestRun {
  test: SuiteTest;
  status: TestStatus;
  /** the filtered log (check_result's "result"), for tests that ran */
  log?: string;
  /** one line naming file, line, test and step, for a test that could not finish */
  error?: string;
  /** why a test was skipped (disabled, its `skip` message, or an earlier test's death) */
  reason?: string;
  /** what the test's steps wrote to stdout and stderr, as the script's output would show it */
  output: string;
  /** wall-clock milliseconds the test took */
  time: number;
  /** the unfiltered kernel log the test produced, with timestamps (RunOptions.dmesg) */
  dmesg?: string;
}

export interface SuiteRun {
  suite: Suite;
  tests: TestRun[];
}

export interface RunOptions {
  /** run only the tests this accepts (the others are left out, not reported) */
  select?: (test: SuiteTest) => boolean;
  /** called as each test ends, so that output survives a later internal error */
  onTest?: (run: TestRun) => void;
  /** keep the unfiltered kernel log with timestamps */
  dmesg?: boolean;
  /** who watches the run from outside (the timeline, the invariants) */
  observer?: SuiteObserver;
  /**
   * an exception of the simulator itself in a step: the message that ends the test as an
   * error (the invariants' no-internal-error), or undefined to let it propagate
   */
  internalError?: (e: unknown) => string | undefined;
}

function stepError(suite: Suite, test: SuiteTest, n: number, detail: string): string {
  const step = test.steps[n];
  return oneLine(`${suite.file}:${step.line}: test '${test.title}', step ${n + 1} (${step.source}): ${detail}`);
}

/** the last line a failing step left on stderr: a die message, an insmod error ... */
function lastErrorLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'failed';
}

/**
 * How a step that threw ends its test: `skip` (exit 4) skips this test only, as upstream
 * guards such tests with an `if`; an exit, a syntax error, a point where the real machine
 * would block for ever, a step waiting longer than a step may, or a limit of the step shell
 * ends the run there.
 */
function stepEnd(e: unknown, stderr: string): { skipped: string } | { error: string } {
  if (e instanceof ShellExit && e.status === 4) return { skipped: lastErrorLine(stderr) };
  if (e instanceof ShellExit) return { error: lastErrorLine(stderr) };
  if (e instanceof ShellSyntaxError) return { error: e.message };
  if (e instanceof MachineHang || e instanceof ShellHang) return { error: `would hang a real machine: ${e.message}` };
  if (e instanceof StepTimeLimit) return { error: e.message };
  return { error: engineLimit(e) };
}

/** who watches a run from outside (the timeline): called at the points named */
export interface SuiteObserver {
  booted(session: SelftestSession): void;
  testStarted(test: SuiteTest): void;
  stepDone(): void;
  testEnded(run: TestRun): void;
}

export function runSuite(suite: Suite, opts: RunOptions = {}): SuiteRun {
  const session = new SelftestSession(suite.model, { version: suite.version });
  opts.observer?.booted(session);
  session.setup();
  for (const [name, value] of suite.vars) session.shell.setVar(name, value);
  const runs: TestRun[] = [];
  const done = (r: TestRun) => {
    runs.push(r);
    opts.onTest?.(r);
  };
  let aborted: string | undefined;
  for (const test of suite.tests) {
    mayRunLong();
    if (opts.select && !opts.select(test)) continue;
    if (test.disabled) {
      done({ test, status: 'skipped', reason: test.skipReason ?? 'disabled', output: '', time: 0 });
      continue;
    }
    if (aborted) {
      done({ test, status: 'not-run', reason: aborted, output: '', time: 0 });
      continue;
    }
    opts.observer?.testStarted(test);
    const t0 = performance.now();
    const seq = session.machine.k.log.seq;
    const outFrom = session.stdout.length;
    const errFrom = session.stderr.length;
    let error: string | undefined;
    let skipped: string | undefined;
    const ended = (e: unknown, stderrFrom: number, where: (detail: string) => string) => {
      const end = stepEnd(e, session.stderr.slice(stderrFrom));
      if ('skipped' in end) skipped = end.skipped;
      else error = where(end.error);
    };
    try {
      session.startTest(test.title);
    } catch (e) {
      ended(e, errFrom, (detail) => oneLine(`${suite.file}:${test.line}: test '${test.title}', start_test: ${detail}`));
    }
    for (let n = 0; n < test.steps.length && !error && !skipped; n++) {
      const stepErrFrom = session.stderr.length;
      try {
        session.step(test.steps[n].source);
      } catch (e) {
        try {
          ended(e, stepErrFrom, (detail) => stepError(suite, test, n, detail));
        } catch (internal) {
          // the simulator's own failure: propagates, unless the caller reports it (--invariants)
          const message = opts.internalError?.(internal);
          if (message === undefined) throw internal;
          error = stepError(suite, test, n, message);
        }
      }
      opts.observer?.stepDone();
    }
    const log = session.result() ?? '';
    // start_test's own "TEST: title" line is the report's business, not the test's output
    let output = session.stdout.slice(outFrom) + session.stderr.slice(errFrom);
    const banner = `TEST: ${test.title} ... `;
    if (output.startsWith(banner)) output = output.slice(banner.length);
    const time = performance.now() - t0;
    const dmesg = opts.dmesg ? session.machine.k.log.dmesgSince(seq) : undefined;
    if (skipped) {
      done({ test, status: 'skipped', reason: skipped, output, time, dmesg });
    } else if (error) {
      // the script would have exited here: later tests never run
      aborted = `not run: test ${test.index} ended the run`;
      done({ test, status: 'error', log, error, output, time, dmesg });
    } else {
      done({ test, status: 'done', log, output, time, dmesg });
    }
    opts.observer?.testEnded(runs[runs.length - 1]);
  }
  return { suite, tests: runs };
}
