/**
 * functions.sh dialects, as far as comparing logs needs them: how each flavour words the
 * "% ..." line it logs before loading a module. A load logged as `% modprobe X ARGS` by one
 * model and as `% insmod test_modules/X.ko ARGS` by another is the same step, so logs are
 * compared with every load line put into the baseline's wording.
 *
 * This is the one place that knows the wording outside functions.ts (its logLoad); when
 * the dialects become data objects, loadWording() should read it from there.
 */
import type { FunctionsFlavour } from '../selftest/functions.js';

export interface LoadWording {
  /** the "% ..." line the flavour logs for loading `mod` with `args` (args already joined) */
  format(mod: string, args: string): string;
  /** the module and arguments of such a line, or undefined for any other line */
  parse(line: string): { mod: string; args: string } | undefined;
  /** how a user reads it, for the note in compare's output */
  example: string;
}

const INSMOD: LoadWording = {
  format: (mod, args) => `% insmod test_modules/${mod}.ko${args ? ` ${args}` : ''}`,
  parse: (line) => {
    const m = /^% insmod test_modules\/([^ /]+)\.ko(?: (.*))?$/.exec(line);
    return m ? { mod: m[1], args: m[2] ?? '' } : undefined;
  },
  example: '% insmod test_modules/X.ko',
};

const MODPROBE: LoadWording = {
  format: (mod, args) => `% modprobe ${mod}${args ? ` ${args}` : ''}`,
  parse: (line) => {
    const m = /^% modprobe ([^ -][^ ]*)(?: (.*))?$/.exec(line);
    return m ? { mod: m[1], args: m[2] ?? '' } : undefined;
  },
  example: '% modprobe X',
};

export function loadWording(flavour: FunctionsFlavour): LoadWording {
  return flavour === 'poc-2023' || flavour === 'v6.1' || flavour === 'v5.5' ? MODPROBE : INSMOD;
}

/** a log with its load lines reworded from one flavour into another; other lines untouched */
export function normaliseLog(log: string, from: FunctionsFlavour, to: FunctionsFlavour): string {
  const src = loadWording(from);
  const dst = loadWording(to);
  if (src === dst) return log;
  return log
    .split('\n')
    .map((line) => {
      const load = src.parse(line);
      return load ? dst.format(load.mod, load.args) : line;
    })
    .join('\n');
}
