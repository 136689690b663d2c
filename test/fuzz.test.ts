// The fuzz test (issue 10): random suites, valid and broken, through the validator and the
// runner: no internal error, no hang. A fixed seed, so that a failure is reproducible
// (FUZZ_SEED=n to try another); `npm run fuzz` runs the long campaign (scripts/fuzz.ts).
import t from 'tap';
import fc from 'fast-check';
import { checkSuiteText } from './fuzz/check.js';
import { stepArb, suiteTextArb } from './fuzz/generate.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261207);
const runs = Number(process.env.FUZZ_RUNS ?? 3000);

t.test(`${runs} random suites load or are refused, and run to an end (seed ${seed})`, async (t) => {
  const outcomes = { refused: 0, ran: 0 };
  fc.assert(
    fc.property(suiteTextArb, (text) => {
      outcomes[checkSuiteText(text)]++;
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  // the generator must reach both sides, or half the property is never tried
  t.ok(outcomes.ran > runs / 4, `${outcomes.ran} suites ran`);
  t.ok(outcomes.refused > runs / 10, `${outcomes.refused} suites were refused`);
});

t.test('the generator makes steps a suite writer would, and noise', async (t) => {
  const steps = fc.sample(stepArb('mainline'), { seed, numRuns: 300 });
  t.ok(steps.some((s) => /^load_lp test_klp_\w+/.test(s)), 'helper calls on real modules');
  t.ok(steps.some((s) => /^echo .* > \/sys\/kernel\/livepatch\//.test(s)), 'sysfs writes');
  t.ok(steps.some((s) => /\b(if|for|while)\b/.test(s)), 'compound commands');
  t.ok(new Set(steps).size > 200, 'mostly distinct');
});
