/**
 * A reproducer: a shrunk scenario written as a suite that `klp-selftest run --invariants`
 * and `trace` take as it is, with a comment saying what it breaks and where it came from.
 * Written to a temporary file renamed into place, so an interrupted write leaves nothing
 * half-written.
 */
import { writeWhole } from '../write_whole.js';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { InvariantName, Violation } from './invariants.js';
import { makeDirs } from '../make_dirs.js';

export interface Reproducer {
  readonly model: string;
  readonly version?: string;
  readonly invariant: InvariantName;
  readonly seed: number;
  readonly scenario: number;
  readonly original: number;
  readonly steps: readonly string[];
  readonly violation: Violation;
  readonly known?: string;
}

export function reproducerName(r: Pick<Reproducer, 'model' | 'invariant' | 'seed' | 'scenario'>): string {
  return `${r.model}-${r.invariant}-seed${r.seed}-${r.scenario}.yaml`;
}

export function reproducerText(r: Reproducer): string {
  const head = [
    `# klp-selftest explore: invariant ${r.invariant} broken`,
    `#   ${r.violation.message.replace(/\n/g, ' ')}`,
    `# model ${r.model}, seed ${r.seed}, scenario ${r.scenario}: ${r.original} steps, shrunk to ${r.steps.length}`,
    ...(r.known ? [`# a known hazard of ${r.model}: ${r.known}`] : []),
    '# check it with: klp-selftest run --invariants <this file>',
  ];
  const doc = {
    kernel: r.model,
    ...(r.version ? { version: r.version } : {}),
    tests: [{ title: `${r.invariant} (seed ${r.seed}, scenario ${r.scenario})`, steps: [...r.steps] }],
  };
  return `${head.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}

/** write it under dir; returns the file's path */
export function writeReproducer(dir: string, r: Reproducer): string {
  makeDirs(dir);
  const file = join(dir, reproducerName(r));
  writeWhole(file, reproducerText(r));
  return file;
}
