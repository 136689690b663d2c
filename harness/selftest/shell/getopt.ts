/**
 * What every simulated program needs: GNU-style option parsing, reading its input files
 * (or standard input) with GNU's error messages, and splitting text into lines.
 */
import type { CommandIO, ShellHost } from './host.js';

export type Util = (argv: string[], io: CommandIO, host: ShellHost) => number;

/** the option error bash prints to the command's stderr; its status is the program's usage status */
export class UsageError extends Error {}

export interface Options {
  flags: Set<string>;
  /** values of options taking an argument, in order */
  values: Map<string, string[]>;
  operands: string[];
}

/**
 * GNU getopt_long: options may follow operands, `--` ends them, short flags combine (-qv),
 * an option's argument may be attached (-n5) or separate (-n 5). `long` maps long names to
 * the short letter they mean.
 */
export function getopt(prog: string, args: string[], flags: string, withArg: string, long: Record<string, string> = {}): Options {
  const o: Options = { flags: new Set(), values: new Map(), operands: [] };
  const add = (k: string, v: string) => o.values.set(k, [...(o.values.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      o.operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const short = long[name];
      if (short === undefined) throw new UsageError(`${prog}: unrecognized option '${a}'`);
      if (withArg.includes(short)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`${prog}: option '--${name}' requires an argument`);
        add(short, v);
      } else o.flags.add(short);
      continue;
    }
    if (a.length < 2 || a[0] !== '-') {
      o.operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (withArg.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) throw new UsageError(`${prog}: option requires an argument -- '${c}'`);
        add(c, v);
        break;
      }
      if (!flags.includes(c)) throw new UsageError(`${prog}: invalid option -- '${c}'`);
      o.flags.add(c);
    }
  }
  return o;
}

/** a file's contents, '-' being standard input; on failure the GNU message and undefined */
export function readInput(prog: string, path: string, io: CommandIO, host: ShellHost, quiet = false): string | undefined {
  if (path === '-' || path === '/dev/stdin') return io.stdin;
  if (path === '/dev/null') return '';
  const r = host.fs.readFile(path);
  if (typeof r === 'string') return r;
  if (!quiet) io.err(`${prog}: ${path}: ${r.message}\n`);
  return undefined;
}

/** lines without their newlines; a last line without one still counts */
export function lines(text: string): string[] {
  if (text === '') return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

export const tryHelp = (prog: string) => `Try '${prog} --help' for more information.\n`;
