/**
 * `klp-selftest trace PATH --timeline DIR`: the trace as usual on stdout, and one SVG per
 * test in DIR. Kept here so cli.ts only routes to it.
 */
import { parseArgs } from 'node:util';
import { loadSuite } from '../selftest/suite.js';
import { stepValidator } from '../selftest/validate.js';
import { prepareDir, recordSuite, TimelineDirError, writeTimelines } from './write.js';

interface TraceIo {
  out(text: string): void;
  err(text: string): void;
}

export function traceTimeline(args: string[], io: TraceIo): number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { timeline: { type: 'string' } } });
  } catch (e) {
    throw new TimelineDirError(`trace: ${(e as Error).message.split('\n')[0]}`);
  }
  const dir = parsed.values.timeline;
  if (!dir) throw new TimelineDirError('trace: --timeline needs a directory');
  if (parsed.positionals.length !== 1) throw new TimelineDirError('trace takes exactly one suite file');
  const suite = loadSuite(parsed.positionals[0], stepValidator);
  prepareDir(dir);
  const { run, timelines } = recordSuite(suite);
  let status = 0;
  for (const t of run.tests) {
    if (t.status === 'skipped' || t.status === 'not-run') continue;
    io.out(`=== TEST: ${t.test.title}\n`);
    if (t.log) io.out(`${t.log}\n`);
    if (t.error) {
      io.err(`${t.error}\n`);
      status = 1;
    }
  }
  for (const path of writeTimelines(dir, timelines)) io.err(`wrote ${path}\n`);
  return status;
}
