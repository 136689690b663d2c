/**
 * npm run bench: how fast the simulator runs the suites.
 *
 * In one process: every suite, several times; the median per test and for the whole set.
 * As separate processes, interleaved so that a busy machine slows them alike: `node -e 0`
 * (Node's own start), `klp-selftest run` (everything a user waits for) and
 * `klp-selftest --version`, with their ratios to Node's start. Goals: the whole run within
 * 3x `node -e 0`, `--version` within 1.5x. Nothing here fails: it reports, and the numbers
 * are read by people. `npm run bench` builds first, so bin/ runs the current sources; the
 * timed runs use the caches under build/cache/ as a user's second run does, and one run
 * after emptying them shows what the first run after a build costs.
 */
import { execa } from 'execa';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectSuites, ROOT } from '../harness/cli.js';
import { runSuite } from '../harness/selftest/runner.js';
import { loadSuite } from '../harness/selftest/suite.js';
import { runnableVariants } from '../harness/compare/variant.js';
import { stepValidator } from '../harness/selftest/validate.js';
import { allModels } from '../harness/models.js';
import { Campaign } from '../harness/explore/campaign.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const ms = (x: number) => `${x.toFixed(2).padStart(8)} ms`;

/** median wall time of each command, the commands taking turns round after round */
async function timeProcesses(cmds: string[][]): Promise<number[]> {
  const times = cmds.map(() => [] as number[]);
  for (let i = 0; i < ROUNDS * 2; i++) {
    for (const [n, [cmd, ...args]] of cmds.entries()) {
      const t0 = performance.now();
      await execa(cmd, args, { cwd: ROOT, reject: false });
      times[n].push(performance.now() - t0);
    }
  }
  return times.map(median);
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
// the first run after a build has no code cache and no loaded suites to take (build/cache/)
rmSync(join(ROOT, 'build/cache'), { recursive: true, force: true });
const f0 = performance.now();
await execa(process.execPath, ['bin/klp-selftest.js', 'run'], { cwd: ROOT, reject: false });
const firstRun = performance.now() - f0;
const [nodeStart, cli, version] = await timeProcesses([
  [process.execPath, '-e', '0'],
  [process.execPath, 'bin/klp-selftest.js', 'run'],
  [process.execPath, 'bin/klp-selftest.js', '--version'],
]);
const ratio = (x: number, goal: number) => `${(x / nodeStart).toFixed(2)}x node -e 0 (goal: within ${goal}x)`;
console.log(`node -e 0                          ${ms(nodeStart)}`);
console.log(`klp-selftest run (whole process)   ${ms(cli)}   ${ratio(cli, 3)}`);
console.log(`klp-selftest --version             ${ms(version)}   ${ratio(version, 1.5)}`);
console.log(`run, first after a build          ${ms(firstRun)}   (once: no code cache, no cached suites)`);

// the explorer: steps per second on one core (walks without the deterministic replay, and
// with it), and scenarios per second with two worker threads through the CLI
console.log('\nexplore (seed 1, 200 walks of up to 12 steps):');
for (const model of allModels()) {
  for (const replay of [false, true]) {
    const campaign = new Campaign({ model, seed: 1, depth: 12, replayEvery: replay ? 1 : 0 });
    const e0 = performance.now();
    let steps = 0;
    for (let i = 0; i < 200; i++) steps += campaign.scenario(i, () => false).steps;
    const s = (performance.now() - e0) / 1000;
    console.log(`  ${model.name.padEnd(16)} ${replay ? 'with replay   ' : 'without replay'} ${String(Math.round(steps / s)).padStart(7)} steps/s (goal: 20000)`);
  }
}
for (const jobs of ['1', '2']) {
  const j0 = performance.now();
  await execa(process.execPath, ['bin/klp-selftest.js', 'explore', '--model', 'v1-2025', '--runs', '400', '--jobs', jobs, '--out', '/tmp/klp-bench-explore'], { cwd: ROOT, reject: false });
  console.log(`  explore v1-2025 --runs 400 --jobs ${jobs}: ${(400 / ((performance.now() - j0) / 1000)).toFixed(0)} scenarios/s`);
}
