/**
 * `klp-selftest compare PATH... [--models a,b,...] [--json] [--timeline DIR]`: the CLI's
 * handler, kept here so cli.ts only routes to it.
 */
import { parseArgs } from 'node:util';
import { allModels, findModel, modelNames, type KernelModelDefinition } from '../models.js';
import type { Suite } from '../selftest/suite.js';
import { compareSuite } from './compare.js';
import { dialectNote, formatComparison } from './report.js';
import { TimelineRecorder } from '../timeline/record.js';
import { prepareDir, writeStacked } from '../timeline/write.js';

export interface CompareIo {
  out(text: string): void;
  err(text: string): void;
}

/** bad arguments: one line, exit status 2 */
export class CompareUsageError extends Error {}

export interface CompareOptions {
  paths: string[];
  models: KernelModelDefinition[];
  json: boolean;
  timeline?: string;
}

export function parseCompareArgs(args: string[]): CompareOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { models: { type: 'string' }, json: { type: 'boolean' }, timeline: { type: 'string' } },
    });
  } catch (e) {
    throw new CompareUsageError(`compare: ${(e as Error).message.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  if (!positionals.length) throw new CompareUsageError('compare: missing PATH (a suite file or a directory of suites)');
  let models = [...allModels()];
  if (values.models !== undefined) {
    const names = values.models.split(',').filter(Boolean);
    if (!names.length) throw new CompareUsageError('compare: --models needs at least one model name');
    models = names.map((n) => {
      const m = findModel(n);
      if (!m) throw new CompareUsageError(`compare: unknown kernel model '${n}' (known: ${modelNames().join(', ')})`);
      return m;
    });
  }
  return { paths: positionals, models, json: !!values.json, timeline: values.timeline };
}

export function runCompare(opts: CompareOptions, suites: Suite[], io: CompareIo): number {
  // a DIR that cannot hold the pictures is bad input: say so before anything runs
  if (opts.timeline) prepareDir(opts.timeline);
  const comparisons = suites.map((s) => {
    const recorders: TimelineRecorder[] = [];
    const observe = opts.timeline ? () => recorders[recorders.push(new TimelineRecorder(s.name)) - 1] : undefined;
    const c = compareSuite(s, opts.models, observe);
    if (opts.timeline) for (const path of writeStacked(opts.timeline, s, recorders.map((r) => r.timelines))) io.err(`wrote ${path}\n`);
    return c;
  });
  if (opts.json) io.out(JSON.stringify({ suites: comparisons.map((c) => ({ ...c, dialects: dialectNote(c.baseline) })) }, null, 2) + '\n');
  else io.out(comparisons.map(formatComparison).join('\n'));
  return 0;
}
