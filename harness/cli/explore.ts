/** klp-selftest explore: search one model for scenarios that break an invariant (harness/explore/) */
import { accessSync, constants, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { findModel, modelNames, versionProblem } from '../models.js';
import type { ExploreOptions, ExploreReport } from '../explore/explore.js';
import { INVARIANT_NAMES, isInvariantName, type InvariantName } from '../explore/invariants.js';
import type { KernelModelDefinition } from '../models.js';
import { defineCommand, display, UsageError, type Io } from './command.js';
import { makeDirs } from '../make_dirs.js';

function positiveInt(name: string, text: string | undefined, fallback: number, max = 1e9): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`explore: --${name} takes a whole number from 1 to ${max}, not '${text}'`);
  return Number(text);
}

function parseVersion(text: string, model: KernelModelDefinition): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  const v: [number, number] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  const problem = m ? versionProblem(model, v) : `a version looks like '7.2', not '${text}'`;
  if (problem) throw new UsageError(`explore: --version: ${problem}`);
  return v;
}

/** --out: a directory that exists or can be made, checked before the campaign starts */
function checkOutDir(dir: string): void {
  try {
    makeDirs(dir);
    accessSync(dir, constants.W_OK);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (e) {
    throw new UsageError(`explore: --out ${dir}: cannot write reproducers there (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function parseShard(text: string | undefined): [number, number] {
  if (text === undefined) return [1, 1];
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`explore: --shard takes I/N with 1 <= I <= N, not '${text}'`);
  return [Number(m[1]), Number(m[2])];
}

function table(r: ExploreReport): string {
  const head = ['invariant', 'checked', 'violated', 'reproducers'];
  const rows = r.invariants.map((i) => [
    i.name + (i.known ? ' (known hazard)' : i.allowed ? ' (allowed)' : ''),
    String(i.checked),
    String(i.violated),
    i.reproducers.map(display).join(' ') || '-',
  ]);
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === cells.length - 1 ? x : x.padEnd(w[c]))).join('  ');
  return [
    `${r.model} ${r.version}, seed ${r.seed}, depth ${r.depth}, ${r.mode}${r.shard !== '1/1' ? `, shard ${r.shard}` : ''}: ${r.scenarios} scenarios, ${r.steps} steps${r.hung ? `, ${r.hung} ended at a step that would hang a real machine` : ''}`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

export const exploreCommand = defineCommand({
  name: 'explore',
  summary: 'search one model for step sequences that break an invariant; shrink each into a suite',
  args: '',
  positionals: { min: 0, max: 0 },
  options: {
    model: { type: 'string', arg: 'M', help: `the kernel model (${modelNames().join(', ')}); required` },
    version: { type: 'string', arg: 'V', help: "a kernel version within the model (default: the model's newest)" },
    seed: { type: 'string', arg: 'S', help: 'the campaign seed (default 1; a negative one as --seed=-5): the same seed, model and depth give the same scenarios' },
    runs: { type: 'string', arg: 'N', help: 'run N scenarios (default 200)' },
    time: { type: 'string', arg: 'SECONDS', help: 'run scenarios until SECONDS have passed, instead of --runs' },
    depth: { type: 'string', arg: 'D', help: 'at most D steps per scenario (default 12)' },
    exhaustive: { type: 'boolean', help: 'every sequence of applicable steps up to --depth, breadth first, instead of random walks' },
    jobs: { type: 'string', arg: 'J', help: 'run scenarios in J threads, this one and J - 1 workers (default 1; with --runs)' },
    shard: { type: 'string', arg: 'I/N', help: 'run the I-th of N disjoint slices of the campaign' },
    out: { type: 'string', arg: 'DIR', help: 'where reproducers are written (default explore-out/)' },
    json: { type: 'boolean', help: 'print the report as one JSON document' },
    allow: { type: 'string', multiple: true, arg: 'INVARIANT', help: 'a violation of INVARIANT does not fail the run (repeatable)' },
    'replay-every': { type: 'string', arg: 'N', help: 'replay every Nth scenario on a second machine for the deterministic invariant (default 8; 1: all, at twice the cost; 0: none)' },
  },
  details: `Invariants: ${INVARIANT_NAMES.join(', ')} (README: "Exploring a model").
Exit status: 0 when no invariant broke (other than known hazards of the model and --allow'ed
ones), 1 when one did, 2 on bad input. Each first violation of an invariant is shrunk and
written to --out as a suite: check it with 'klp-selftest run --invariants FILE'.`,
  async handler({ values, io }) {
    if (values.model === undefined) throw new UsageError('explore: --model M is required');
    const model = findModel(values.model);
    if (!model) throw new UsageError(`explore: no model '${values.model}' (models: ${modelNames().join(', ')})`);
    const allow = (values.allow ?? []).flatMap((a) => a.split(','));
    for (const a of allow) if (!isInvariantName(a)) throw new UsageError(`explore: --allow: no invariant '${a}' (invariants: ${INVARIANT_NAMES.join(', ')})`);
    if (values.runs !== undefined && values.time !== undefined) throw new UsageError('explore: --runs and --time exclude each other');
    const seedText = values.seed ?? '1';
    if (!/^-?\d+$/.test(seedText) || Math.abs(Number(seedText)) > 0x7fffffff) throw new UsageError(`explore: --seed takes a 32-bit integer, not '${seedText}'`);
    const jobs = positiveInt('jobs', values.jobs, 1, Math.max(1, availableParallelism() * 4));
    if (jobs > 1 && (values.time !== undefined || values.exhaustive))
      throw new UsageError('explore: --jobs works with --runs (a time budget and the exhaustive search run in one thread)');
    const out = resolve(values.out ?? 'explore-out');
    checkOutDir(out);
    const opts: ExploreOptions = {
      model,
      ...(values.version !== undefined ? { version: parseVersion(values.version, model) } : {}),
      seed: Number(seedText),
      budget: values.time !== undefined ? { seconds: positiveInt('time', values.time, 60, 86400) } : { runs: positiveInt('runs', values.runs, 200) },
      depth: positiveInt('depth', values.depth, 12, 1000),
      exhaustive: !!values.exhaustive,
      jobs,
      shard: parseShard(values.shard),
      out,
      allow: allow as InvariantName[],
      replayEvery: values['replay-every'] === undefined ? 8 : values['replay-every'] === '0' ? 0 : positiveInt('replay-every', values['replay-every'], 8),
    };
    const started = performance.now();
    let steps = 0;
    let broken = 0;
    const live = io.isTTY && !values.json;
    // loaded when asked for: the campaign code and fast-check need not start with every command
    const { explore, failing } = await import('../explore/explore.js');
    const report = await explore(opts, (r, done) => {
      steps += r.steps;
      broken += r.violations.length;
      if (live && done % 25 === 0) {
        const rate = Math.round(steps / ((performance.now() - started) / 1000));
        io.err(`\rexplore ${model.name}: ${done} scenarios, ${rate} steps/s, ${broken} violations`);
      }
    });
    if (live) io.err('\r\x1b[K');
    if (values.json) io.out(JSON.stringify(report, null, 2) + '\n');
    else io.out(table(report) + '\n');
    return failing(report, opts.allow) ? 1 : 0;
  },
});
