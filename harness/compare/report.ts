/**
 * compare's output: a matrix (one row per test, one column per model), the reasons a test
 * cannot run, how dialects were normalised, then one unified diff per differing log.
 */
import { allModels } from '../models.js';
import type { SuiteComparison } from './compare.js';

/** the note on dialects: which models log loads how, and that logs use the baseline's wording */
export function dialectNote(baseline: string): string {
  const byWording = new Map<string, string[]>();
  for (const m of allModels()) {
    const w = m.dialect.loading.example;
    byWording.set(w, [...(byWording.get(w) ?? []), m.name]);
  }
  const forms = [...byWording].map(([w, names]) => `\`${w}\` (${names.join(', ')})`).join(' and ');
  return `dialects: ${forms} are the same step; load lines are compared in ${baseline}'s wording`;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - s.length));
}

export function formatComparison(c: SuiteComparison): string {
  const out: string[] = [`# ${c.file} (baseline: ${c.baseline})`, dialectNote(c.baseline), ''];
  const first = c.rows.map((r) => `${String(r.index).padStart(2, '0')} ${r.title}`);
  const w0 = Math.max(4, ...first.map((s) => s.length));
  const widths = c.models.map((m, i) => Math.max(m.length, ...c.rows.map((r) => r.cells[i].verdict.length)));
  out.push([pad('test', w0), ...c.models.map((m, i) => pad(m, widths[i]))].join('  ').trimEnd());
  c.rows.forEach((r, n) => out.push([pad(first[n], w0), ...r.cells.map((cell, i) => pad(cell.verdict, widths[i]))].join('  ').trimEnd()));
  const reasons = c.rows.flatMap((r) =>
    r.cells.filter((cell) => cell.reason || cell.error).map((cell) => `${String(r.index).padStart(2, '0')} ${cell.model}: ${cell.reason ?? `ended with an error: ${cell.error}`}`),
  );
  if (reasons.length) out.push('', ...reasons);
  for (const d of c.diffs) out.push('', `## ${d.test}: ${d.from} vs ${d.to}`, d.text.replace(/\n$/, ''));
  return out.join('\n') + '\n';
}
