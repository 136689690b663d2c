/**
 * `klp-selftest explore`: a campaign over one model, split over worker threads and CI
 * shards, summed up per invariant, with the first violation of each shrunk into a
 * reproducer.
 *
 * Scenario i depends only on (model, version, seed, depth, i), so the report is the same
 * whatever the jobs: workers run disjoint scenarios, results are merged by index, and the
 * reproducers are shrunk afterwards, in this thread, from the lowest-index scenario that
 * broke each invariant. A shard runs the scenarios i with i % N == I - 1; the union of the
 * shards' violations is the unsharded run's (each shard writes reproducers for its own
 * first violations).
 */
import { Worker } from 'node:worker_threads';
import type { KernelModelDefinition } from '../models.js';
import { workerFile } from './worker_file.js';
import { Campaign, type ScenarioReport } from './campaign.js';
import { hasHazard, knownHazard } from './hazards.js';
import { INVARIANT_NAMES, type InvariantName } from './invariants.js';
import { writeReproducer, type Reproducer } from './reproducer.js';
import { runScenario } from './scenario.js';
import { runsLong } from '../jit.js';

export interface ExploreOptions {
  readonly model: KernelModelDefinition;
  readonly version?: [number, number];
  readonly seed: number;
  /** a number of scenarios, or a time budget in seconds */
  readonly budget: { runs: number } | { seconds: number };
  readonly depth: number;
  readonly exhaustive: boolean;
  readonly jobs: number;
  readonly shard: [number, number];
  readonly out: string;
  readonly allow: readonly InvariantName[];
  /** replay every Nth scenario for `deterministic` (0: none) */
  readonly replayEvery: number;
}

export interface InvariantRow {
  name: InvariantName;
  checked: number;
  violated: number;
  known: boolean;
  allowed: boolean;
  reproducers: string[];
}

export interface ExploreReport {
  model: string;
  version: string;
  seed: number;
  depth: number;
  mode: 'random' | 'exhaustive';
  shard: string;
  scenarios: number;
  steps: number;
  hung: number;
  invariants: InvariantRow[];
  violations: Array<{ scenario: number; invariant: InvariantName; step: number; message: string; known: boolean }>;
  reproducers: Array<{ invariant: InvariantName; scenario: number; file: string; steps: number; original: number }>;
}

/** what a worker is told: enough to rebuild the campaign and its share of scenarios */
export interface WorkerTask {
  model: string;
  version?: [number, number];
  seed: number;
  depth: number;
  replayEvery: number;
  indices: number[];
}

/** the scenario indices of a shard, in order, up to `runs` */
export function shardIndices(runs: number, [i, n]: [number, number]): number[] {
  const out: number[] = [];
  for (let s = i - 1; s < runs; s += n) out.push(s);
  return out;
}

function campaignOf(opts: ExploreOptions): Campaign {
  return new Campaign({ model: opts.model, seed: opts.seed, depth: opts.depth, version: opts.version, replayEvery: opts.replayEvery });
}

/** a campaign's scenarios run unshrunk; the first that breaks an invariant is shrunk once, after the campaign (summarise) */
const noShrink = () => false;

/**
 * --jobs J: the main thread runs one share itself and J - 1 worker threads the others. On
 * a machine with J cores an idle main thread waiting for J workers only adds a thread (and
 * a heap, and a JIT warm-up) to share the cores with.
 */
async function runInWorkers(opts: ExploreOptions, campaign: Campaign, indices: number[], progress: (r: ScenarioReport) => void): Promise<ScenarioReport[]> {
  const shares: number[][] = Array.from({ length: opts.jobs }, () => []);
  indices.forEach((idx, k) => shares[k % opts.jobs].push(idx));
  const url = workerFile();
  const [own, ...others] = shares;
  // Promise.all at once: a worker that fails while this thread runs its share is then a
  // handled rejection, reported when the share is done, not an unhandled one
  const inWorkers = Promise.all(
    others.map(
      (share) =>
        new Promise<ScenarioReport[]>((resolve, reject) => {
          const task: WorkerTask = { model: opts.model.name, version: opts.version, seed: opts.seed, depth: opts.depth, replayEvery: opts.replayEvery, indices: share };
          const w = new Worker(url, { workerData: task });
          const got: ScenarioReport[] = [];
          w.on('message', (r: ScenarioReport) => {
            got.push(r);
            progress(r);
          });
          w.on('error', reject);
          w.on('exit', (code) => (code === 0 ? resolve(got) : reject(new Error(`explore worker exited with ${code}`))));
        }),
    ),
  );
  const mine: ScenarioReport[] = [];
  for (const [k, i] of own.entries()) {
    // now and then, let the workers' reports in (they arrive as events of this thread)
    if (k % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    const r = campaign.scenario(i, noShrink);
    mine.push(r);
    progress(r);
  }
  const results = await inWorkers;
  return [mine, ...results].flat().sort((a, b) => a.index - b.index);
}

export async function explore(opts: ExploreOptions, progress: (r: ScenarioReport, done: number) => void): Promise<ExploreReport> {
  runsLong();
  const campaign = campaignOf(opts);
  let done = 0;
  const tick = (r: ScenarioReport) => progress(r, ++done);
  let reports: ScenarioReport[] = [];
  if (opts.exhaustive) {
    const limit = 'runs' in opts.budget ? opts.budget.runs : Infinity;
    const deadline = 'seconds' in opts.budget ? Date.now() + opts.budget.seconds * 1000 : Infinity;
    for (const r of campaign.exhaustive(limit)) {
      if ((r.index % opts.shard[1]) + 1 !== opts.shard[0]) continue;
      reports.push(r);
      tick(r);
      if (Date.now() > deadline) break;
    }
  } else if ('runs' in opts.budget && opts.jobs > 1) {
    reports = await runInWorkers(opts, campaign, shardIndices(opts.budget.runs, opts.shard), tick);
  } else if ('runs' in opts.budget) {
    for (const i of shardIndices(opts.budget.runs, opts.shard)) {
      const r = campaign.scenario(i, noShrink);
      reports.push(r);
      tick(r);
    }
  } else {
    const deadline = Date.now() + opts.budget.seconds * 1000;
    for (let i = opts.shard[0] - 1; Date.now() < deadline; i += opts.shard[1]) {
      const r = campaign.scenario(i, noShrink);
      reports.push(r);
      tick(r);
    }
  }
  return summarise(opts, campaign, reports);
}

function summarise(opts: ExploreOptions, campaign: Campaign, reports: ScenarioReport[]): ExploreReport {
  const model = opts.model;
  const rows = new Map<InvariantName, InvariantRow>();
  for (const name of INVARIANT_NAMES)
    rows.set(name, { name, checked: 0, violated: 0, known: hasHazard(model, name), allowed: opts.allow.includes(name), reproducers: [] });
  const violations: ExploreReport['violations'] = [];
  const first = new Map<InvariantName, ScenarioReport>();
  for (const r of reports) {
    for (const row of rows.values()) if (row.name !== 'deterministic' || campaign.replays(r.index)) row.checked++;
    for (const v of r.violations) {
      rows.get(v.invariant)!.violated++;
      violations.push({ scenario: r.index, invariant: v.invariant, step: v.step, message: v.message, known: !!knownHazard(model, v) });
      if (!first.has(v.invariant)) first.set(v.invariant, r);
    }
  }
  const reproducers: ExploreReport['reproducers'] = [];
  for (const [invariant, r] of first) {
    // exhaustive runs find the shortest first; a walk is shrunk now for this invariant
    const shrunk = opts.exhaustive ? r : campaign.scenario(r.index, (inv) => inv === invariant);
    const steps = opts.exhaustive || shrunk.shrunk?.invariant === invariant ? shrunk.shrunk?.steps : undefined;
    if (!steps) continue;
    // the header quotes what the shrunk steps break, not what the long walk did
    const again = runScenario(model, steps, { version: opts.version, replay: invariant === 'deterministic' });
    const violation = again.violations.find((v) => v.invariant === invariant) ?? r.violations.find((v) => v.invariant === invariant)!;
    const rep: Reproducer = {
      model: model.name,
      ...(opts.version ? { version: opts.version.join('.') } : {}),
      invariant,
      seed: opts.seed,
      scenario: r.index,
      original: r.steps,
      steps,
      violation,
      known: knownHazard(model, violation),
    };
    const file = writeReproducer(opts.out, rep);
    rows.get(invariant)!.reproducers.push(file);
    reproducers.push({ invariant, scenario: r.index, file, steps: steps.length, original: r.steps });
  }
  return {
    model: model.name,
    version: (opts.version ?? model.versions[1]).join('.'),
    seed: opts.seed,
    depth: opts.depth,
    mode: opts.exhaustive ? 'exhaustive' : 'random',
    shard: opts.shard.join('/'),
    scenarios: reports.length,
    steps: reports.reduce((n, r) => n + r.steps, 0),
    hung: reports.filter((r) => r.hung).length,
    invariants: [...rows.values()],
    violations,
    reproducers,
  };
}

/** violations that fail the run: neither a known hazard of the model nor --allow'ed */
export function failing(report: ExploreReport, allow: readonly InvariantName[]): number {
  return report.violations.filter((v) => !v.known && !allow.includes(v.invariant)).length;
}
