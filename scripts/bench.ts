/**
 * npm run bench: how fast the simulator runs the suites.
 *
 * In one process: every suite, several times; the median per test and for the whole set.
 * As separate processes: `node -e 0` (Node's own start) and `klp-selftest run` (everything
 * a user waits for), each timed several times. Targets: the whole run well under a second
 * including Node's start, a test in a couple of milliseconds. Nothing here fails: it
 * reports, and the numbers are read by people.
 */
import { execa } from 'execa';
import { performance } from 'node:perf_hooks';
import { collectSuites, ROOT } from '../harness/cli.js';
import { runSuite } from '../harness/selftest/runner.js';
import { loadSuite } from '../harness/selftest/suite.js';
import { runnableVariants } from '../harness/compare/variant.js';
import { stepValidator } from '../harness/selftest/validate.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const ms = (x: number) => `${x.toFixed(2).padStart(8)} ms`;

async function timeProcess(cmd: string, args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await execa(cmd, args, { cwd: ROOT, reject: false });
    times.push(performance.now() - t0);
  }
  return median(times);
}

const files = collectSuites([]);
const loadTimes: number[] = [];
const wholeTimes: number[] = [];
const perTest = new Map<string, number[]>();
let testCount = 0;
for (let round = 0; round < ROUNDS; round++) {
  const t0 = performance.now();
  // what `run` runs: a comparison suite once per model
  const suites = files.map((f) => loadSuite(f, stepValidator)).flatMap((s) => runnableVariants(s));
  loadTimes.push(performance.now() - t0);
  for (const suite of suites) {
    const s0 = performance.now();
    const run = runSuite(suite);
    const elapsed = performance.now() - s0;
    const key = `${suite.goldenGroup ?? suite.model.name}/${suite.name}`;
    // a suite runs as one script, so a test's share is the suite's time over its tests
    (perTest.get(key) ?? perTest.set(key, []).get(key)!).push(elapsed / run.tests.length);
    if (round === 0) testCount += run.tests.length;
  }
  wholeTimes.push(performance.now() - t0);
}

console.log(`klp-selftest benchmark: ${files.length} suites, ${testCount} tests, median of ${ROUNDS} rounds`);
console.log('\nper test (in process):');
for (const [key, xs] of perTest) console.log(`  ${key.padEnd(40)} ${ms(median(xs))}`);
console.log(`\nloading and validating all suites ${ms(median(loadTimes))}`);
console.log(`all suites, in process             ${ms(median(wholeTimes))}`);
const nodeStart = await timeProcess(process.execPath, ['-e', '0']);
const cli = await timeProcess(process.execPath, ['bin/klp-selftest.js', 'run']);
console.log(`node -e 0                          ${ms(nodeStart)}`);
console.log(`klp-selftest run (whole process)   ${ms(cli)}`);
