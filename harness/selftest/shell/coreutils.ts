/**
 * The small user-space programs the selftests call (cat, grep, seq, tr, ...), behaving like
 * GNU coreutils and grep on the simulated machine's files: same options, same output, same
 * messages and exit statuses (messages in the C locale, so quotes are plain '...').
 *
 * Each program gathers its output and emits it with one io.out() call, which is one
 * write(2), as a program writing through a full stdio buffer does; cat writes once per file.
 */
import { getopt, lines, readInput, tryHelp, UsageError, type Util } from './getopt.js';
import { grep } from './grep.js';
import type { CommandImpl, CommandIO, ShellHost } from './host.js';

function cat(argv: string[], io: CommandIO, host: ShellHost): number {
  const o = getopt('cat', argv.slice(1), 'nu', '', { number: 'n' });
  let status = 0;
  let n = 0;
  for (const f of o.operands.length ? o.operands : ['-']) {
    const text = readInput('cat', f, io, host);
    if (text === undefined) status = 1;
    else if (o.flags.has('n')) io.out(lines(text).map((l) => `${String(++n).padStart(6)}\t${l}\n`).join(''));
    else io.out(text);
  }
  return status;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const MAX_SEQ = 1_000_000;

function seq(argv: string[], io: CommandIO): number {
  const args = argv.slice(1);
  let sep = '\n';
  let equalWidth = false;
  // options come first; a negative number is an operand
  while (args.length && args[0].startsWith('-') && !NUMBER.test(args[0])) {
    const a = args.shift()!;
    if (a === '--') break;
    if (a === '-w' || a === '--equal-width') equalWidth = true;
    else if (a === '-s' || a.startsWith('-s')) sep = a.length > 2 ? a.slice(2) : (args.shift() ?? '\n');
    else throw new UsageError(`seq: invalid option -- '${a.slice(1, 2)}'`);
  }
  if (!args.length) throw new UsageError('seq: missing operand');
  if (args.length > 3) throw new UsageError(`seq: extra operand '${args[3]}'`);
  for (const a of args) if (!NUMBER.test(a)) throw new UsageError(`seq: invalid floating point argument: '${a}'`);
  const [first, step, last] = args.length === 1 ? ['1', '1', args[0]] : args.length === 2 ? [args[0], '1', args[1]] : args;
  const decimals = (s: string) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
  const prec = Math.max(decimals(first), decimals(step));
  // scaled integers, so 0.1 steps do not drift
  const scale = 10 ** prec;
  const a = Math.round(Number(first) * scale);
  const d = Math.round(Number(step) * scale);
  const z = Math.round(Number(last) * scale);
  if (d === 0) throw new UsageError(`seq: invalid Zero increment value: '${step}'`);
  const count = Math.floor((z - a) / d) + 1;
  if (count > MAX_SEQ) {
    io.err(`seq: more than ${MAX_SEQ} numbers are not simulated\n`);
    return 1;
  }
  const nums: string[] = [];
  for (let i = 0; i < count; i++) nums.push(((a + i * d) / scale).toFixed(prec));
  if (equalWidth) {
    const w = Math.max(...nums.map((n) => n.length));
    for (let i = 0; i < nums.length; i++) nums[i] = nums[i].startsWith('-') ? `-${nums[i].slice(1).padStart(w - 1, '0')}` : nums[i].padStart(w, '0');
  }
  if (nums.length) io.out(`${nums.join(sep)}\n`);
  return 0;
}

const TR_CLASSES: Record<string, string> = {
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digit: '0123456789',
  space: ' \t\n\r\f\v',
  blank: ' \t',
};
TR_CLASSES.alpha = TR_CLASSES.lower + TR_CLASSES.upper;
TR_CLASSES.alnum = TR_CLASSES.alpha + TR_CLASSES.digit;

/** a tr set as the list of its characters: escapes, ranges a-z and [:class:] */
function trSet(spec: string): string[] {
  const chars: string[] = [];
  const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
  for (let i = 0; i < spec.length; i++) {
    const cls = /^\[:([a-z]+):\]/.exec(spec.slice(i));
    if (cls) {
      if (TR_CLASSES[cls[1]] === undefined) throw new UsageError(`tr: invalid character class '${cls[1]}'`);
      chars.push(...TR_CLASSES[cls[1]]);
      i += cls[0].length - 1;
      continue;
    }
    let c = spec[i];
    if (c === '\\' && i + 1 < spec.length) {
      const oct = /^[0-7]{1,3}/.exec(spec.slice(i + 1));
      if (oct) {
        c = String.fromCharCode(parseInt(oct[0], 8));
        i += oct[0].length;
      } else c = esc[spec[++i]] ?? spec[i];
    }
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const end = spec[i + 2];
      if (end < c) throw new UsageError(`tr: range-endpoints of '${c}-${end}' are in reverse collating sequence order`);
      for (let x = c.charCodeAt(0); x <= end.charCodeAt(0); x++) chars.push(String.fromCharCode(x));
      i += 2;
    } else chars.push(c);
  }
  return chars;
}

function tr(argv: string[], io: CommandIO): number {
  const o = getopt('tr', argv.slice(1), 'ds', '', { delete: 'd', 'squeeze-repeats': 's' });
  const del = o.flags.has('d');
  const squeeze = o.flags.has('s');
  const [s1, s2] = o.operands;
  const needTwo = !del && !squeeze ? 2 : del && squeeze ? 2 : 1;
  if (s1 === undefined) throw new UsageError('tr: missing operand');
  if (o.operands.length < needTwo)
    throw new UsageError(`tr: missing operand after '${s1}'\nTwo strings must be given when ${del ? 'deleting and squeezing' : 'translating'}.`);
  if (o.operands.length > needTwo) throw new UsageError(`tr: extra operand '${o.operands[needTwo]}'`);
  const set1 = trSet(s1);
  const set2 = s2 === undefined ? [] : trSet(s2);
  let text = io.stdin;
  if (del) {
    const gone = new Set(set1);
    text = [...text].filter((c) => !gone.has(c)).join('');
  } else if (s2 !== undefined) {
    if (!set2.length) throw new UsageError('tr: when not truncating set1, string2 must be non-empty');
    const map = new Map<string, string>();
    // GNU tr pads a shorter set2 with its last character
    set1.forEach((c, i) => map.set(c, set2[Math.min(i, set2.length - 1)]));
    text = [...text].map((c) => map.get(c) ?? c).join('');
  }
  if (squeeze) {
    const sq = new Set(s2 !== undefined ? set2 : set1);
    let out = '';
    for (const c of text) if (!(sq.has(c) && out.endsWith(c))) out += c;
    text = out;
  }
  if (text) io.out(text);
  return 0;
}

function wc(argv: string[], io: CommandIO, host: ShellHost): number {
  const o = getopt('wc', argv.slice(1), 'lwcm', '', { lines: 'l', words: 'w', bytes: 'c', chars: 'm' });
  let which = ['l', 'w', 'c', 'm'].filter((k) => o.flags.has(k));
  if (!which.length) which = ['l', 'w', 'c'];
  const files = o.operands.length ? o.operands : ['-'];
  const rows: { counts: number[]; name?: string }[] = [];
  const total = which.map(() => 0);
  let status = 0;
  for (const f of files) {
    const text = readInput('wc', f, io, host);
    if (text === undefined) {
      status = 1;
      continue;
    }
    const counts = which.map((k) =>
      k === 'l' ? (text.match(/\n/g)?.length ?? 0) : k === 'w' ? text.split(/\s+/).filter(Boolean).length : k === 'c' ? Buffer.byteLength(text) : [...text].length,
    );
    counts.forEach((c, i) => (total[i] += c));
    rows.push({ counts, name: o.operands.length ? f : undefined });
  }
  if (files.length > 1) rows.push({ counts: total, name: 'total' });
  const width = which.length === 1 && rows.length === 1 ? 1 : Math.max(...rows.flatMap((r) => r.counts.map((c) => String(c).length)));
  const out = rows.map((r) => [...r.counts.map((c) => String(c).padStart(width)), ...(r.name === undefined ? [] : [r.name])].join(' ') + '\n').join('');
  if (out) io.out(out);
  return status;
}

/** head and tail: -n N lines (tail -n +N from line N, head -n -N all but the last N), -c N bytes */
function headTail(prog: 'head' | 'tail'): Util {
  return (argv, io, host) => {
    // the obsolete form: head -5
    const args = argv.slice(1).map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
    const o = getopt(prog, args, 'qv', 'nc', { lines: 'n', bytes: 'c', quiet: 'q', silent: 'q', verbose: 'v' });
    const bytes = o.values.has('c');
    const spec = (bytes ? o.values.get('c') : o.values.get('n'))?.at(-1) ?? '10';
    const m = /^([+-]?)(\d+)$/.exec(spec);
    if (!m) throw new UsageError(`${prog}: invalid number of ${bytes ? 'bytes' : 'lines'}: '${spec}'`);
    const n = Number(m[2]);
    const files = o.operands.length ? o.operands : ['-'];
    const headers = o.flags.has('v') || (files.length > 1 && !o.flags.has('q'));
    let out = '';
    let status = 0;
    files.forEach((f, idx) => {
      const text = readInput(prog, f, io, host);
      if (text === undefined) {
        status = 1;
        return;
      }
      if (headers) out += `${idx ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`;
      if (bytes) {
        out += prog === 'head' ? (m[1] === '-' ? text.slice(0, Math.max(0, text.length - n)) : text.slice(0, n)) : m[1] === '+' ? text.slice(Math.max(0, n - 1)) : text.slice(Math.max(0, text.length - n));
        return;
      }
      const ls = text.split(/(?<=\n)/);
      if (ls.length && ls[ls.length - 1] === '') ls.pop();
      const pick = prog === 'head' ? (m[1] === '-' ? ls.slice(0, Math.max(0, ls.length - n)) : ls.slice(0, n)) : m[1] === '+' ? ls.slice(Math.max(0, n - 1)) : ls.slice(Math.max(0, ls.length - n));
      out += pick.join('');
    });
    if (out) io.out(out);
    return status;
  };
}

function sort(argv: string[], io: CommandIO, host: ShellHost): number {
  const o = getopt('sort', argv.slice(1), 'rnuf', '', { reverse: 'r', 'numeric-sort': 'n', unique: 'u', 'ignore-case': 'f' });
  let all: string[] = [];
  for (const f of o.operands.length ? o.operands : ['-']) {
    const text = readInput('sort', f, io, host, true);
    if (text === undefined) {
      io.err(`sort: cannot read: ${f}: No such file or directory\n`);
      return 2;
    }
    all = all.concat(lines(text));
  }
  const num = (s: string) => Number(/^\s*[+-]?(\d+\.?\d*|\.\d+)?/.exec(s)?.[0].trim() || 0) || 0;
  const key = (s: string) => (o.flags.has('f') ? s.toUpperCase() : s);
  const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const primary = (a: string, b: string) => (o.flags.has('n') ? num(a) - num(b) : bytes(key(a), key(b)));
  // equal keys fall back to comparing whole lines, as GNU sort does without -s
  const cmp = (a: string, b: string) => primary(a, b) || (o.flags.has('u') ? 0 : bytes(a, b));
  all.sort((a, b) => (o.flags.has('r') ? -cmp(a, b) : cmp(a, b)));
  if (o.flags.has('u')) all = all.filter((l, i) => i === 0 || primary(all[i - 1], l) !== 0);
  if (all.length) io.out(all.map((l) => `${l}\n`).join(''));
  return 0;
}

function ls(argv: string[], io: CommandIO, host: ShellHost): number {
  const o = getopt('ls', argv.slice(1), '1aAd', '', { all: 'a', 'almost-all': 'A', directory: 'd' });
  const paths = o.operands.length ? o.operands : ['.'];
  const fsPath = (p: string) => (p === '.' ? '/' : p.startsWith('/') ? p : `/${p}`);
  const sorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let status = 0;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const p of sorted(paths)) {
    const st = host.fs.stat(fsPath(p));
    if (!st) {
      io.err(`ls: cannot access '${p}': No such file or directory\n`);
      status = 2;
    } else if (st.type === 'dir' && !o.flags.has('d')) dirs.push(p);
    else files.push(p);
  }
  const blocks: string[] = [];
  if (files.length) blocks.push(files.map((f) => `${f}\n`).join(''));
  for (const d of dirs) {
    let names = host.fs.readdir(fsPath(d)) ?? [];
    if (!o.flags.has('a')) names = names.filter((n) => !n.startsWith('.'));
    else names = ['.', '..', ...names.filter((n) => n !== '.' && n !== '..')];
    const body = sorted(names).map((n) => `${n}\n`).join('');
    blocks.push(paths.length > 1 ? `${d}:\n${body}` : body);
  }
  const out = blocks.join('\n');
  if (out) io.out(out);
  return status;
}

/** permission bits of a mode string ("-rw-r--r--") in octal ("644") */
function octalMode(mode: string): string {
  let v = 0;
  for (let i = 1; i < 10; i++) if (mode[i] !== '-' && mode[i] !== undefined) v |= 1 << (9 - i);
  return v.toString(8);
}

function stat(argv: string[], io: CommandIO, host: ShellHost): number {
  const o = getopt('stat', argv.slice(1), 'L', 'c', { format: 'c', printf: 'p', dereference: 'L' });
  const format = o.values.get('c')?.at(-1);
  if (format === undefined) {
    io.err('stat: only -c/--format output is simulated\n');
    return 1;
  }
  if (!o.operands.length) throw new UsageError('stat: missing operand');
  let out = '';
  let status = 0;
  for (const p of o.operands) {
    const st = host.fs.stat(p);
    if (!st) {
      io.err(`stat: cannot statx '${p}': No such file or directory\n`);
      status = 1;
      continue;
    }
    out += `${format.replace(/%(.)/g, (m, c: string) => {
      switch (c) {
        case 'A': return st.modeString;
        case 'a': return octalMode(st.modeString);
        case 'n': return p;
        case 'F': return st.type === 'dir' ? 'directory' : 'regular file';
        case 'U':
        case 'G': return 'root';
        case 'u':
        case 'g': return '0';
        case '%': return '%';
        default: return m;
      }
    })}\n`;
  }
  if (out) io.out(out);
  return status;
}

function sleep(argv: string[], _io: CommandIO, host: ShellHost): number {
  const args = argv.slice(1);
  if (!args.length) throw new UsageError('sleep: missing operand');
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  for (const a of args) {
    const m = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(a);
    if (!m) throw new UsageError(`sleep: invalid time interval '${a}'`);
    total += Number(m[1]) * unit[m[2]];
  }
  host.sleep(total);
  return 0;
}

function getconf(argv: string[], io: CommandIO, host: ShellHost): number {
  const name = argv[1];
  if (name === undefined) throw new UsageError('Usage: getconf [-v specification] variable_name [pathname]');
  const values: Record<string, () => number> = {
    _NPROCESSORS_ONLN: () => host.nproc(),
    NPROCESSORS_ONLN: () => host.nproc(),
    _NPROCESSORS_CONF: () => host.nproc(),
    NPROCESSORS_CONF: () => host.nproc(),
    PAGE_SIZE: () => 4096,
    PAGESIZE: () => 4096,
    LONG_BIT: () => 64,
  };
  const v = values[name];
  if (!v) {
    io.err(`getconf: Unrecognized variable \`${name}'\n`);
    return 1;
  }
  io.out(`${v()}\n`);
  return 0;
}

function nproc(argv: string[], io: CommandIO, host: ShellHost): number {
  getopt('nproc', argv.slice(1), '', 'i', { all: 'a', ignore: 'i' });
  io.out(`${host.nproc()}\n`);
  return 0;
}

function basename(argv: string[], io: CommandIO): number {
  const [name, suffix, extra] = argv.slice(1);
  if (name === undefined) throw new UsageError('basename: missing operand');
  if (extra !== undefined) throw new UsageError(`basename: extra operand '${extra}'`);
  const trimmed = name.replace(/\/+$/, '');
  let base = trimmed === '' ? (name === '' ? '' : '/') : trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (suffix && base !== suffix && base.endsWith(suffix)) base = base.slice(0, -suffix.length);
  io.out(`${base}\n`);
  return 0;
}

function dirname(argv: string[], io: CommandIO): number {
  const names = argv.slice(1);
  if (!names.length) throw new UsageError('dirname: missing operand');
  io.out(
    names
      .map((n) => {
        const t = n.replace(/\/+$/, '');
        if (t === '') return n.startsWith('/') ? '/' : '.';
        const i = t.lastIndexOf('/');
        if (i < 0) return '.';
        return t.slice(0, i).replace(/\/+$/, '') || '/';
      })
      .map((d) => `${d}\n`)
      .join(''),
  );
  return 0;
}

const UTILS: Record<string, Util> = {
  cat,
  grep,
  seq,
  tr,
  wc,
  head: headTail('head'),
  tail: headTail('tail'),
  sort,
  ls,
  stat,
  sleep,
  getconf,
  nproc,
  basename,
  dirname,
};

/** programs whose usage errors exit with 2 rather than 1 */
const USAGE_STATUS: Record<string, number> = { grep: 2, ls: 2, sort: 2 };

export const COREUTILS: ReadonlySet<string> = new Set(Object.keys(UTILS));

/**
 * The program `name` running on `host`, or undefined when it is not one of these. Like
 * every CommandImpl it takes the arguments without the program name.
 */
export function coreutil(name: string, host: ShellHost): CommandImpl | undefined {
  const util = Object.hasOwn(UTILS, name) ? UTILS[name] : undefined;
  if (!util) return undefined;
  return (args, io) => {
    try {
      return util([name, ...args], io, host);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`${e.message}\n${name === 'getconf' ? '' : tryHelp(name)}`);
      return USAGE_STATUS[name] ?? 1;
    }
  };
}

/** write errors: GNU programs report them as `prog: write error: ...`; grep exits 2 */
export function writeErrorStatus(name: string): number {
  return name === 'grep' ? 2 : 1;
}
