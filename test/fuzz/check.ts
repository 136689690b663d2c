/**
 * The fuzz test's property: whatever a suite file holds, loading it either gives a suite or
 * refuses it with SuiteError lines naming the file, and running it ends, in bounded time,
 * with every test passed, failed, skipped or stopped by one line naming file:line. Anything
 * else that escapes (a TypeError, a RangeError, an Error of the simulator) is an internal
 * error: the bug the fuzzer is there to find.
 */
import { performance } from 'node:perf_hooks';
import { runnableVariants } from '../../harness/compare/variant.js';
import { judge, KtapReporter } from '../../harness/selftest/report.js';
import { runSuite } from '../../harness/selftest/runner.js';
import { parseSuite, SuiteError } from '../../harness/selftest/suite.js';
import { stepValidator } from '../../harness/selftest/validate.js';

const FILE = 'fuzz.yaml';
/** a run that takes longer than this would have been a hang (the longest bounded wait is well under) */
export const MAX_RUN_MS = 10_000;

export class FuzzFailure extends Error {}

export function checkSuiteText(text: string): 'refused' | 'ran' {
  let suite;
  try {
    suite = parseSuite(FILE, text, stepValidator);
  } catch (e) {
    if (!(e instanceof SuiteError)) throw e;
    for (const line of e.message.split('\n')) if (!line.startsWith(FILE)) throw new FuzzFailure(`a load error that does not name the file: ${line}`);
    return 'refused';
  }
  for (const variant of runnableVariants(suite)) {
    const t0 = performance.now();
    const run = runSuite(variant);
    const ms = performance.now() - t0;
    if (ms > MAX_RUN_MS) throw new FuzzFailure(`the run took ${Math.round(ms)} ms: a hang`);
    const rep = new KtapReporter(() => {}, false);
    rep.header(1);
    rep.suiteStart(variant, run.tests.length);
    for (const t of run.tests) {
      if (t.error !== undefined && (t.error.includes('\n') || !t.error.startsWith(`${FILE}:`)))
        throw new FuzzFailure(`a test's error is not one line naming file:line: ${JSON.stringify(t.error)}`);
      rep.result(judge(t, t.status === 'done' ? t.log : undefined, 'golden.log', FILE));
    }
    rep.suiteEnd();
    rep.totals();
  }
  return 'ran';
}
