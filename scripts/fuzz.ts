/**
 * npm run fuzz: the long fuzz campaign, 100,000 random suites (FUZZ_RUNS) through the
 * validator and the runner, asserting no internal error and no hang (test/fuzz/check.ts).
 * A random seed each time unless FUZZ_SEED is set; a failure prints the seed, the path
 * and the shrunk suite text, to be replayed with FUZZ_SEED and FUZZ_PATH; FUZZ_CURRENT=FILE
 * keeps the suite being run in FILE, for a campaign that seems stuck.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { checkSuiteText } from '../test/fuzz/check.js';
import { suiteTextArb } from '../test/fuzz/generate.js';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.FUZZ_PATH;
/** FUZZ_CURRENT=FILE: each suite is written there before it runs, so that a hang can be looked at */
const current = process.env.FUZZ_CURRENT;

const outcomes = { refused: 0, ran: 0 };
let done = 0;
const t0 = performance.now();
console.log(`klp-selftest fuzz: ${runs} suites, seed ${seed}`);
const result = fc.check(
  fc.property(suiteTextArb, (text) => {
    if (current) writeFileSync(current, text);
    outcomes[checkSuiteText(text)]++;
    if (++done % 10_000 === 0) console.log(`  ${done} suites (${outcomes.ran} ran, ${outcomes.refused} refused), ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }),
  { seed, numRuns: runs, ...(path ? { path } : {}) },
);
if (result.failed) {
  console.log(fc.defaultReportMessage(result));
  console.log(`error: ${result.errorInstance instanceof Error ? (result.errorInstance.stack ?? result.errorInstance.message) : String(result.errorInstance)}`);
  console.log(`replay: FUZZ_SEED=${result.seed} FUZZ_PATH=${result.counterexamplePath} npm run fuzz`);
  process.exitCode = 1;
} else {
  console.log(`no internal error, no hang: ${outcomes.ran} suites ran, ${outcomes.refused} refused, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
