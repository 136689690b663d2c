/**
 * Writing timelines: `trace PATH --timeline DIR` (one SVG per test) and
 * `compare --timeline DIR` (per test, the models' pictures stacked in one SVG).
 */
import { statSync } from 'node:fs';
import { writeWhole } from '../write_whole.js';
import { join } from 'node:path';
import { runSuite, type SuiteRun } from '../selftest/runner.js';
import { slugify, type Suite } from '../selftest/suite.js';
import { TimelineRecorder, type TestTimeline } from './record.js';
import { drawTimeline, stackedSvg, timelineSvg } from './svg.js';
import { makeDirs } from '../make_dirs.js';

/** DIR cannot hold the pictures (a file, or not creatable): one line, nothing written */
export class TimelineDirError extends Error {}

export function prepareDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (e) {
    throw new TimelineDirError(`${dir}: cannot create the timeline directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!statSync(dir).isDirectory()) throw new TimelineDirError(`${dir}: not a directory`);
}

export function fileName(index: number, title: string): string {
  return `${String(index).padStart(2, '0')}-${slugify(title)}.svg`;
}

/** run the suite, recording; the run and a timeline per test that ran */
export function recordSuite(suite: Suite): { run: SuiteRun; timelines: TestTimeline[] } {
  const rec = new TimelineRecorder(suite.name);
  const run = runSuite(suite, { observer: rec });
  return { run, timelines: rec.timelines };
}

export function writeTimelines(dir: string, timelines: TestTimeline[]): string[] {
  prepareDir(dir);
  return timelines.map((tl) => {
    const path = join(dir, fileName(tl.index, tl.title));
    writeWhole(path, timelineSvg(tl));
    return path;
  });
}

/** per test of the suite, the pictures of every model that ran it, stacked */
export function writeStacked(dir: string, suite: Suite, perModel: TestTimeline[][]): string[] {
  prepareDir(dir);
  const paths: string[] = [];
  for (const test of suite.tests) {
    const pics = perModel.flatMap((tls) => tls.filter((t) => t.index === test.index));
    if (!pics.length) continue;
    const path = join(dir, `${suite.name}-${fileName(test.index, test.title)}`);
    writeWhole(path, stackedSvg(pics.map(drawTimeline), pics.map((p) => p.model)));
    paths.push(path);
  }
  return paths;
}
