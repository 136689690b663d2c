/**
 * Comparing a suite across kernel models: each test runs once per model (the suite's own
 * model is the baseline), and its log is set against the baseline's with the load lines in
 * the baseline's functions.sh wording (dialect.ts).
 */
import { structuredPatch } from 'diff';
import type { KernelModelDefinition } from '../models.js';
import { runSuite, type SuiteObserver, type TestRun } from '../selftest/runner.js';
import type { Suite } from '../selftest/suite.js';
import { normaliseLog } from './dialect.js';
import { suiteUnder } from './variant.js';

export type Verdict = 'baseline' | 'same' | 'differs' | 'cannot run';

export interface Cell {
  model: string;
  verdict: Verdict;
  /** for `cannot run`: the reason, `cannot run: <name> is not in <model>` */
  reason?: string;
  /** the test's log, load lines in the baseline's wording (undefined when it did not run) */
  log?: string;
  /** the error that ended the test, if one did (its log is still compared) */
  error?: string;
}

export interface Diff {
  test: string;
  from: string;
  to: string;
  /** unified diff, `--- <baseline>` / `+++ <model>` */
  text: string;
}

export interface Row {
  index: number;
  title: string;
  cells: Cell[];
}

export interface SuiteComparison {
  file: string;
  baseline: string;
  models: string[];
  rows: Row[];
  diffs: Diff[];
}

export function unifiedDiff(fromLabel: string, toLabel: string, a: string, b: string): string {
  const p = structuredPatch(fromLabel, toLabel, a + '\n', b + '\n', undefined, undefined, { context: 3 });
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  for (const h of p.hunks) out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  return out.join('\n') + '\n';
}

function cellOf(model: KernelModelDefinition, run: TestRun, baseline: Suite): Omit<Cell, 'verdict'> & { verdict?: Verdict } {
  if (run.status === 'skipped') {
    const reason = run.test.skipReason ?? `cannot run: ${run.reason ?? 'skipped'}`;
    return { model: model.name, verdict: 'cannot run', reason };
  }
  if (run.status === 'not-run') return { model: model.name, verdict: 'cannot run', reason: `cannot run: ${(run.reason ?? '').replace(/^not run: /, '') || 'not run'}` };
  const log = normaliseLog(run.log ?? '', model.dialect, baseline.model.dialect);
  return { model: model.name, log, ...(run.error ? { error: run.error } : {}) };
}

/** run every test of the suite under each model; the suite's own model is the baseline */
export function compareSuite(suite: Suite, models: readonly KernelModelDefinition[], observe?: (model: KernelModelDefinition) => SuiteObserver): SuiteComparison {
  const columns = [suite.model, ...models.filter((m) => m !== suite.model)];
  const runs = columns.map((m) => runSuite(suiteUnder(suite, m), { observer: observe?.(m) }).tests);
  const rows: Row[] = [];
  const diffs: Diff[] = [];
  suite.tests.forEach((test, i) => {
    const partial = columns.map((m, c) => cellOf(m, runs[c][i], suite));
    const base = partial[0];
    const cells: Cell[] = partial.map((cell, c) => {
      if (cell.verdict) return cell as Cell;
      if (c === 0) return { ...cell, verdict: 'baseline' };
      return { ...cell, verdict: base.log !== undefined && cell.log === base.log ? 'same' : 'differs' };
    });
    // one diff per distinct differing log; a model with the log of an earlier one says so
    const shown = new Map<string, string>();
    for (const cell of cells) {
      if (cell.verdict !== 'differs' || cell.log === undefined) continue;
      const earlier = shown.get(cell.log);
      if (earlier) {
        diffs.push({ test: test.title, from: base.model, to: cell.model, text: `${cell.model}: the same log as ${earlier}\n` });
        continue;
      }
      shown.set(cell.log, cell.model);
      const from = base.log === undefined ? '' : base.log;
      diffs.push({ test: test.title, from: base.model, to: cell.model, text: unifiedDiff(base.model, cell.model, from, cell.log) });
    }
    rows.push({ index: test.index, title: test.title, cells });
  });
  return { file: suite.file, baseline: suite.model.name, models: columns.map((m) => m.name), rows, diffs };
}
