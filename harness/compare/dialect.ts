/**
 * Load lines across dialects: a load logged as `% modprobe X ARGS` by one model and as
 * `% insmod test_modules/X.ko ARGS` by another is the same step, so logs are compared with
 * every load line put into the baseline's wording. The wording is the dialects' own
 * (harness/selftest/dialect.ts).
 */
import { loadLogLine, type FunctionsDialect } from '../selftest/dialect.js';

/** a log with its load lines reworded from one dialect into another; other lines untouched */
export function normaliseLog(log: string, from: FunctionsDialect, to: FunctionsDialect): string {
  const src = from.loading;
  const dst = to.loading;
  if (src === dst) return log;
  return log
    .split('\n')
    .map((line) => {
      const load = src.parseLogLine(line);
      return load ? loadLogLine(dst, load.mod, load.args ? [load.args] : []) : line;
    })
    .join('\n');
}
