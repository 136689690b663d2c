/**
 * Commands the shell runs itself, as bash does: they read or change the shell's own state
 * (variables, functions, control flow) or are builtins in bash (echo, printf, test, kill),
 * so their messages carry bash's `bash: line N: name:` prefix.
 */
import { parseInteger } from './arith.js';
import { LoopSignal, ReturnSignal } from './control.js';
import type { CommandIO, VirtualFs } from './host.js';
import { ShellExit } from './host.js';
import type { Shell } from './interpreter.js';

export type Builtin = (sh: Shell, argv: string[], io: CommandIO) => number;

/** thrown by test / [ for a malformed expression: status 2 and a message */
class TestError extends Error {}

// ---- echo and printf escapes ----

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * Backslash escapes as echo -e and printf %b expand them (octal is \0NNN there); printf's
 * format string also takes \NNN and \" . `stop` is set by \c: no more output at all.
 */
export function expandEscapes(s: string, inFormat: boolean): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      text += c;
      continue;
    }
    const n = s[++i];
    if (SIMPLE_ESCAPES[n] !== undefined) text += SIMPLE_ESCAPES[n];
    else if (n === 'c' && !inFormat) return { text, stop: true };
    else if (n === '"' && inFormat) text += '"';
    else if (n === 'x' || n === 'u' || n === 'U') {
      const max = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(s.slice(i + 1));
      if (!m) text += `\\${n}`;
      else {
        text += String.fromCodePoint(parseInt(m[0], 16));
        i += m[0].length;
      }
    } else if (n >= '0' && n <= '7') {
      // echo -e / %b: \0 then up to three digits; a format string: up to three digits
      const from = !inFormat && n === '0' ? i + 1 : i;
      const m = /^[0-7]{0,3}/.exec(s.slice(from, from + 3))!;
      if (!inFormat && n !== '0') text += `\\${n}`;
      else {
        text += String.fromCharCode(parseInt(m[0] || '0', 8) & 255);
        i = from + m[0].length - 1;
      }
    } else text += `\\${n}`;
  }
  return { text, stop: false };
}

function echo(_sh: Shell, argv: string[], io: CommandIO): number {
  let i = 1;
  let escapes = false;
  let newline = true;
  // only words made entirely of n, e, E are options, as in bash
  for (; i < argv.length && /^-[neE]+$/.test(argv[i]); i++) {
    for (const f of argv[i].slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const r = expandEscapes(text, false);
    text = r.text;
    if (r.stop) newline = false;
  }
  io.out(newline ? `${text}\n` : text);
  return 0;
}

/** printf FORMAT [ARGS]: the format is reused while arguments remain */
function printf(sh: Shell, argv: string[], io: CommandIO): number {
  let args = argv.slice(1);
  let target: string | undefined;
  if (args[0] === '-v') {
    target = args[1];
    args = args.slice(2);
  }
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    io.err(`${sh.prefix()}printf: usage: printf [-v var] format [arguments]\n`);
    return 2;
  }
  const format = args[0];
  const rest = args.slice(1);
  let status = 0;
  let out = '';
  let next = 0;
  const arg = () => (next < rest.length ? rest[next++] : undefined);
  const number = (a: string | undefined): bigint => {
    if (a === undefined || a === '') return 0n;
    if (/^['"]/.test(a)) return BigInt(a.codePointAt(1) ?? 0);
    const v = parseInteger(a);
    if (v !== undefined) return v;
    io.err(`${sh.prefix()}printf: ${a}: invalid number\n`);
    status = 1;
    const lead = /^\s*[+-]?\d+/.exec(a);
    return lead ? BigInt(lead[0].trim()) : 0n;
  };
  const spec = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/y;
  let stop = false;
  do {
    const used = next;
    for (let i = 0; i < format.length && !stop; ) {
      const c = format[i];
      if (c === '\\') {
        const m = /^\\(?:[0-7]{1,3}|x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|.)?/s.exec(format.slice(i))!;
        out += expandEscapes(m[0], true).text;
        i += m[0].length;
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      spec.lastIndex = i;
      const m = spec.exec(format);
      if (!m) {
        io.err(`${sh.prefix()}printf: \`${format.slice(i + 1, i + 2)}': invalid format character\n`);
        return 1;
      }
      i = spec.lastIndex;
      const [, flags, w, p, conv] = m;
      if (conv === '%') {
        out += '%';
        continue;
      }
      const width = w === '*' ? Number(number(arg())) : w ? Number(w) : 0;
      const precision = p === undefined ? undefined : p === '*' ? Number(number(arg())) : Number(p || 0);
      let s: string;
      switch (conv) {
        case 's':
          s = arg() ?? '';
          if (precision !== undefined) s = s.slice(0, precision);
          break;
        case 'b': {
          const r = expandEscapes(arg() ?? '', false);
          s = r.text;
          stop = r.stop;
          break;
        }
        case 'c':
          s = (arg() ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
          const v = number(arg());
          const radix = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
          const neg = v < 0n && radix === 10;
          let digits = (radix === 10 ? (neg ? -v : v) : BigInt.asUintN(64, v)).toString(radix);
          if (conv === 'X') digits = digits.toUpperCase();
          if (precision !== undefined) digits = digits.padStart(precision, '0');
          if (flags.includes('#') && v !== 0n && radix !== 10) digits = (radix === 16 ? (conv === 'X' ? '0X' : '0x') : '0') + digits;
          const sign = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
          s = pad(sign, digits, width, flags, precision === undefined);
          out += s;
          continue;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
          const a = arg();
          const v = a === undefined || a === '' ? 0 : Number(a);
          if (Number.isNaN(v)) {
            io.err(`${sh.prefix()}printf: ${a}: invalid number\n`);
            status = 1;
          }
          const prec = precision ?? 6;
          const n = Math.abs(Number.isNaN(v) ? 0 : v);
          let digits = conv === 'f' || conv === 'F' ? n.toFixed(prec) : conv === 'e' || conv === 'E' ? n.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2') : String(Number(n.toPrecision(prec || 1)));
          if (conv === 'E' || conv === 'G') digits = digits.toUpperCase();
          const sign = v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
          out += pad(sign, digits, width, flags, true);
          continue;
        }
        default:
          io.err(`${sh.prefix()}printf: \`${conv}': invalid format character\n`);
          return 1;
      }
      out += flags.includes('-') ? s.padEnd(width) : s.padStart(width);
    }
    if (next === used) break;
  } while (next < rest.length && !stop);
  if (target !== undefined) sh.setVar(target, out);
  else if (out) io.out(out);
  return status;
}

/** a number padded to `width`: left-justified with -, zero-filled with 0 */
function pad(sign: string, digits: string, width: number, flags: string, zeroOk: boolean): string {
  if (flags.includes('-')) return (sign + digits).padEnd(width);
  if (flags.includes('0') && zeroOk) return sign + digits.padStart(width - sign.length, '0');
  return (sign + digits).padStart(width);
}

// ---- test, [ and the file tests shared with [[ ]] ----

/**
 * The file tests. The selftests run as root, so -r and -w hold for any file that exists
 * (root bypasses permission bits) and -x needs an execute bit somewhere, as access(2) says.
 */
export function fileTest(op: string, path: string, fs: VirtualFs): boolean | undefined {
  const st = () => fs.stat(path);
  switch (op) {
    case '-e':
    case '-a':
      return st() !== undefined;
    case '-f':
      return st()?.type === 'file';
    case '-d':
      return st()?.type === 'dir';
    case '-r':
    case '-w':
      return st() !== undefined;
    case '-x': {
      const s = st();
      return s !== undefined && (s.type === 'dir' || /x/.test(s.modeString));
    }
    case '-s': {
      const s = st();
      if (!s) return false;
      if (s.type === 'dir') return true;
      const r = fs.readFile(path);
      return typeof r === 'string' && r.length > 0;
    }
    case '-c':
      return st()?.modeString.startsWith('c') ?? false;
    case '-b':
    case '-p':
    case '-S':
    case '-L':
    case '-h':
    case '-g':
    case '-u':
    case '-k':
    case '-t':
    case '-G':
    case '-O':
    case '-N':
      return false;
  }
  return undefined;
}

const TEST_BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-a', '-o', '-nt', '-ot', '-ef']);

function testInteger(s: string): bigint {
  if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new TestError(`${s}: integer expression expected`);
  return BigInt(s.trim());
}

function testUnary(op: string, arg: string, sh: Shell): boolean {
  if (op === '-z') return arg === '';
  if (op === '-n') return arg !== '';
  if (op === '-v') return sh.getVar(arg) !== undefined;
  const r = fileTest(op, arg, sh.host.fs);
  if (r === undefined) throw new TestError(`${op}: unary operator expected`);
  return r;
}

function testBinary(l: string, op: string, r: string): boolean {
  switch (op) {
    case '=':
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '-a':
      return l !== '' && r !== '';
    case '-o':
      return l !== '' || r !== '';
    case '-nt':
    case '-ot':
    case '-ef':
      return false;
  }
  const a = testInteger(l);
  const b = testInteger(r);
  return op === '-eq' ? a === b : op === '-ne' ? a !== b : op === '-lt' ? a < b : op === '-le' ? a <= b : op === '-gt' ? a > b : a >= b;
}

const isUnaryOp = (s: string) => /^-[a-zA-Z]$/.test(s) && !TEST_BINARY.has(s);

/** POSIX test: the argument count decides first, then a small -o/-a/!/() grammar */
function evalTest(args: string[], sh: Shell): boolean {
  switch (args.length) {
    case 0:
      return false;
    case 1:
      return args[0] !== '';
    case 2:
      if (args[0] === '!') return args[1] === '';
      if (isUnaryOp(args[0])) return testUnary(args[0], args[1], sh);
      throw new TestError(`${args[0]}: unary operator expected`);
    case 3:
      if (TEST_BINARY.has(args[1])) return testBinary(args[0], args[1], args[2]);
      if (args[0] === '!') return !evalTest(args.slice(1), sh);
      if (args[0] === '(' && args[2] === ')') return args[1] !== '';
      throw new TestError(`${args[1]}: binary operator expected`);
    case 4:
      if (args[0] === '!') return !evalTest(args.slice(1), sh);
      if (args[0] === '(' && args[3] === ')') return evalTest(args.slice(1, 3), sh);
  }
  let i = 0;
  const or = (): boolean => {
    let v = and();
    while (args[i] === '-o') {
      i++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (args[i] === '-a') {
      i++;
      const r = not();
      v = v && r;
    }
    return v;
  };
  const not = (): boolean => {
    if (args[i] === '!') {
      i++;
      return !not();
    }
    if (args[i] === '(') {
      i++;
      const v = or();
      if (args[i++] !== ')') throw new TestError("`)' expected");
      return v;
    }
    if (i >= args.length) throw new TestError('argument expected');
    if (isUnaryOp(args[i]) && i + 1 < args.length) {
      i += 2;
      return testUnary(args[i - 2], args[i - 1], sh);
    }
    if (i + 2 < args.length + 1 && TEST_BINARY.has(args[i + 1]) && args[i + 1] !== '-a' && args[i + 1] !== '-o') {
      i += 3;
      return testBinary(args[i - 3], args[i - 2], args[i - 1]);
    }
    return args[i++] !== '';
  };
  const v = or();
  if (i < args.length) throw new TestError(`${args[i]}: unexpected argument`);
  return v;
}

function test(sh: Shell, argv: string[], io: CommandIO): number {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args[args.length - 1] !== ']') {
      io.err(`${sh.prefix()}[: missing \`]'\n`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evalTest(args, sh) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    io.err(`${sh.prefix()}${argv[0]}: ${e.message}\n`);
    return 2;
  }
}

// ---- kill ----

const SIGNALS = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU'];

/** a signal by name (TERM, SIGTERM, term) or number; the name without SIG, or undefined */
function signalName(spec: string): string | undefined {
  if (/^\d+$/.test(spec)) return Number(spec) === 0 ? '0' : SIGNALS[Number(spec) - 1];
  const name = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS.includes(name) ? name : undefined;
}

/** kill [-s SIG | -n NUM | -SIG] pid...: the signal goes to ShellHost.kill by name ("TERM", "KILL") */
function kill(sh: Shell, argv: string[], io: CommandIO): number {
  const args = argv.slice(1);
  let sig = 'TERM';
  const usage = () => {
    io.err(`${sh.prefix()}kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n`);
    return 2;
  };
  if (args[0] === '-l' || args[0] === '-L') {
    io.out(`${SIGNALS.map((s, i) => `${i + 1}) SIG${s}`).join('\n')}\n`);
    return 0;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    if (args.length < 2) return usage();
    const s = signalName(args[1]);
    if (!s) {
      io.err(`${sh.prefix()}kill: ${args[1]}: invalid signal specification\n`);
      return 1;
    }
    sig = s;
    args.splice(0, 2);
  } else if (args[0]?.startsWith('-') && args[0] !== '--') {
    const s = signalName(args[0].slice(1));
    if (!s) {
      io.err(`${sh.prefix()}kill: ${args[0].slice(1)}: invalid signal specification\n`);
      return 1;
    }
    sig = s;
    args.shift();
  }
  if (args[0] === '--') args.shift();
  if (!args.length) return usage();
  let status = 0;
  for (const a of args) {
    if (!/^-?\d+$/.test(a)) {
      io.err(`${sh.prefix()}kill: ${a}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    if (sh.host.kill(Number(a), sig)) {
      io.err(`${sh.prefix()}kill: (${a}) - No such process\n`);
      status = 1;
    }
  }
  return status;
}

// ---- the shell's own state ----

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** export / readonly / local: NAME or NAME=VALUE arguments; options are accepted and ignored */
function declaration(kind: 'export' | 'readonly' | 'local'): Builtin {
  return (sh, argv, io) => {
    if (kind === 'local' && !sh.inFunction()) {
      io.err(`${sh.prefix()}local: can only be used in a function\n`);
      return 1;
    }
    let status = 0;
    for (const a of argv.slice(1)) {
      if (a.startsWith('-') || a.startsWith('+')) continue;
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!NAME.test(name)) {
        io.err(`${sh.prefix()}${kind}: \`${a}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (kind === 'local') sh.declareLocal(name);
      if (eq >= 0 && !sh.assignScalar(name, a.slice(eq + 1), io)) status = 1;
      if (kind === 'readonly') sh.markReadonly(name);
    }
    return status;
  };
}

function unset(sh: Shell, argv: string[], io: CommandIO): number {
  let functions = false;
  let status = 0;
  for (const a of argv.slice(1)) {
    if (a === '-f') functions = true;
    else if (a === '-v') functions = false;
    else if (functions) sh.functions.delete(a);
    else if (!sh.unsetVar(a, io)) status = 1;
  }
  return status;
}

function exit(sh: Shell, argv: string[], io: CommandIO): number {
  const a = argv[1];
  if (a === undefined) throw new ShellExit(sh.lastStatus);
  if (!/^\s*[+-]?\d+\s*$/.test(a)) {
    io.err(`${sh.prefix()}exit: ${a}: numeric argument required\n`);
    throw new ShellExit(2);
  }
  throw new ShellExit(Number(BigInt.asUintN(8, BigInt(a.trim()))));
}

function returnBuiltin(sh: Shell, argv: string[], io: CommandIO): number {
  if (!sh.inFunction()) {
    io.err(`${sh.prefix()}return: can only \`return' from a function or sourced script\n`);
    return 2;
  }
  const a = argv[1];
  if (a !== undefined && !/^\s*[+-]?\d+\s*$/.test(a)) {
    io.err(`${sh.prefix()}return: ${a}: numeric argument required\n`);
    throw new ReturnSignal(2);
  }
  throw new ReturnSignal(a === undefined ? sh.lastStatus : Number(BigInt.asUintN(8, BigInt(a.trim()))));
}

function loopControl(kind: 'break' | 'continue'): Builtin {
  return (sh, argv, io) => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      io.err(`${sh.prefix()}${kind}: ${argv[1]}: loop count out of range\n`);
      return 1;
    }
    if (!sh.loopDepth) {
      io.err(`${sh.prefix()}${kind}: only meaningful in a \`for', \`while', or \`until' loop\n`);
      return 0;
    }
    throw new LoopSignal(kind, Math.min(n, sh.loopDepth));
  };
}

function shift(sh: Shell, argv: string[], io: CommandIO): number {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 0) {
    io.err(`${sh.prefix()}shift: ${argv[1]}: numeric argument required\n`);
    return 1;
  }
  if (n > sh.positional.length) return 1;
  sh.positional = sh.positional.slice(n);
  return 0;
}

export const BUILTINS: Record<string, Builtin> = {
  ':': () => 0,
  true: () => 0,
  false: () => 1,
  echo,
  printf,
  test,
  '[': test,
  kill,
  exit,
  return: returnBuiltin,
  break: loopControl('break'),
  continue: loopControl('continue'),
  export: declaration('export'),
  readonly: declaration('readonly'),
  local: declaration('local'),
  unset,
  shift,
  eval: (sh, argv) => sh.evalBuiltin(argv.slice(1).join(' ')),
};

export function isBuiltin(name: string): boolean {
  return Object.hasOwn(BUILTINS, name);
}

/** builtins whose NAME=VALUE arguments are not split or globbed (bash's declaration commands) */
export const DECLARATION_BUILTINS = new Set(['export', 'readonly', 'local']);
