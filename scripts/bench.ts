/**
 * npm run bench: how fast the simulator runs the suites.
 *
 * As separate processes, interleaved so that a busy machine slows them alike: `node -e 0`
 * (Node's own start), `klp-selftest run` (everything a user waits for) and
 * `klp-selftest --version`, with their ratios to Node's start. Goals: the whole run within
 * 3x `node -e 0`, `--version` within 1.5x. Nothing here fails: it reports, and the numbers
 * are read by people. `npm run bench` builds first, so bin/ runs the current sources; the
 * timed runs use the caches under build/cache/ as a user's second run does, and one run
 * after emptying them shows what the first run after a build costs. The explorer's part is
 * described where it runs (BENCH_EXPLORE_SECONDS sets its long campaigns' length, default 6).
 * Last, in this process: every suite, several times; the median per test and for the whole set.
 */
import { execa } from 'execa';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectSuites, ROOT } from '../harness/cli.js';
import { runSuite } from '../harness/selftest/runner.js';
import { loadSuite } from '../harness/selftest/suite.js';
import { runnableVariants } from '../harness/compare/variant.js';
import { stepValidator } from '../harness/selftest/validate.js';
import { allModels } from '../harness/models.js';

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

// the separate processes first, while this one is quiet: after the in-process rounds its
// idle-time garbage collection takes a core from them (the explorer's figures fell by half)
console.log('klp-selftest benchmark');
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

// The explorer on one core, as a user runs it (one process per model, the default replay:
// every 8th scenario run twice for `deterministic`). Two campaigns of each model, a short
// and a long one: the long one's steps over its process's whole wall time (start-up and the
// JIT's warm-up included), and the steps the long one ran beyond the short one over the
// time it took beyond it, the steady rate a long campaign runs at. (Measured in this
// process instead, one model after another, the rate is lower: code that has seen every
// model is slower for each.) Last, scenarios per second with one thread and with two.
const LONG_S = Number(process.env.BENCH_EXPLORE_SECONDS ?? 6);
const SHORT_S = LONG_S / 3;
const out = join(tmpdir(), 'klp-bench-explore');
const rate = (n: number, seconds: number) => String(Math.round(n / seconds)).padStart(7);

/** an explore campaign through the CLI: its steps and the process's wall time in seconds */
async function campaign(args: string[]): Promise<{ steps: number; seconds: number } | string> {
  const t0 = performance.now();
  const r = await execa(process.execPath, ['bin/klp-selftest.js', 'explore', ...args, '--json', '--out', out], { cwd: ROOT, reject: false });
  const seconds = (performance.now() - t0) / 1000;
  if (!r.stdout.startsWith('{')) return r.stderr.trim();
  return { steps: (JSON.parse(r.stdout) as { steps: number }).steps, seconds };
}

console.log(`\nexplore, one core, default replay (goal: 20000 steps/s):`);
for (const model of allModels()) {
  const short = await campaign(['--model', model.name, '--time', String(SHORT_S)]);
  const long = await campaign(['--model', model.name, '--time', String(LONG_S)]);
  if (typeof short === 'string' || typeof long === 'string') {
    console.log(`  ${model.name.padEnd(16)} explore failed: ${typeof short === 'string' ? short : long}`);
    continue;
  }
  const steady = rate(long.steps - short.steps, long.seconds - short.seconds);
  console.log(`  ${model.name.padEnd(16)} --time ${LONG_S}: ${rate(long.steps, long.seconds)} steps/s over the whole process, ${steady} steps/s once warm`);
}
const RUNS = 20000;
for (const jobs of ['1', '2']) {
  const r = await campaign(['--model', 'v1-2025', '--runs', String(RUNS), '--jobs', jobs]);
  console.log(`  explore --model v1-2025 --runs ${RUNS} --jobs ${jobs}: ${typeof r === 'string' ? r : `${rate(RUNS, r.seconds)} scenarios/s`}`);
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

console.log(`\nin process: ${files.length} suites, ${testCount} tests, median of ${ROUNDS} rounds; per test:`);
for (const [key, xs] of perTest) console.log(`  ${key.padEnd(40)} ${ms(median(xs))}`);
console.log(`\nloading and validating all suites ${ms(median(loadTimes))}`);
console.log(`all suites, in process             ${ms(median(wholeTimes))}`);
