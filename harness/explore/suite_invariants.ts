/**
 * `run --invariants`: the explorer's invariants checked while a suite runs, after every
 * step and, once the suite's last test has ended, after cleanup. A test that breaks one
 * fails, naming the invariant and the step; the checks never change a test's log (see
 * checker.ts), so golden files still compare.
 */
import type { SelftestSession } from '../selftest/session.js';
import type { SuiteObserver, TestRun } from '../selftest/runner.js';
import type { Suite, SuiteTest } from '../selftest/suite.js';
import { InvariantChecker } from './checker.js';
import { knownHazard } from './hazards.js';
import type { Violation } from './invariants.js';

export interface SuiteInvariants {
  readonly observer: SuiteObserver;
  /** an internal error ends its test as a no-internal-error violation */
  internalError(e: unknown): string;
  /** after the run: cleanup and the end checks, charged to the last test that ran */
  finish(): void;
  /** the diagnostic lines of the invariants a test broke (empty: none) */
  brokenBy(test: SuiteTest): string[];
  /** the whole kernel log of the run, cleanup included */
  log(): string;
  /** `deterministic`: a second run of the suite logged `other` (charged to the last test) */
  compareReplay(other: string): void;
}

export function suiteInvariants(suite: Suite): SuiteInvariants {
  let checker: InvariantChecker | undefined;
  let session: SelftestSession | undefined;
  let current: SuiteTest | undefined;
  let step = 0;
  let counted = 0;
  const byTest = new Map<SuiteTest, Array<{ v: Violation; where: string }>>();
  const charge = (where: (v: Violation) => string) => {
    if (!checker || !current) return;
    const list = byTest.get(current) ?? [];
    for (const v of checker.violations.slice(counted)) list.push({ v, where: where(v) });
    counted = checker.violations.length;
    byTest.set(current, list);
  };
  const stepName = (test: SuiteTest, n: number) => `step ${n + 1} (${test.steps[n]?.source ?? '?'}, ${suite.file}:${test.steps[n]?.line ?? '?'})`;
  return {
    observer: {
      booted(s: SelftestSession) {
        session = s;
        checker = new InvariantChecker(s);
      },
      testStarted(test: SuiteTest) {
        current = test;
        step = 0;
      },
      stepDone() {
        const test = current!;
        checker?.afterStep(step);
        const n = step++;
        charge(() => stepName(test, n));
      },
      testEnded(_run: TestRun) {},
    },
    internalError(e) {
      const message = e instanceof Error ? e.message : String(e);
      checker?.internalError(message);
      return `invariant no-internal-error broken: ${message}`;
    },
    finish() {
      checker?.atEnd();
      charge(() => 'the end of the suite, after cleanup');
    },
    log() {
      return session?.machine.k.log.dmesg() ?? '';
    },
    compareReplay(other) {
      const mine = this.log();
      if (!checker || mine === other) return;
      const a = mine.split('\n');
      const b = other.split('\n');
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      checker.violations.push({ invariant: 'deterministic', step: -1, message: `a second run's log differs at line ${i + 1}: ${JSON.stringify(a[i] ?? '(end)')} then ${JSON.stringify(b[i] ?? '(end)')}` });
      charge(() => 'a second run of the suite');
    },
    brokenBy(test) {
      return (byTest.get(test) ?? []).map(({ v, where }) => {
        const known = knownHazard(suite.model, v);
        return `invariant ${v.invariant} broken at ${where}: ${v.message}${known ? ` (known hazard of ${suite.model.name}: ${known})` : ''}`;
      });
    },
  };
}
