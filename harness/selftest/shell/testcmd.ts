/**
 * test and [: POSIX argument-count rules first, then a small grammar of ! -a -o ( ).
 * Operands are plain strings here (no patterns, integers must be integers); the file
 * tests are shared with [[ ]].
 */
import type { CommandIO, VirtualFs } from './host.js';
import type { Shell } from './interpreter.js';

/** thrown by test / [ for a malformed expression: status 2 and a message */
class TestError extends Error {}

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
    if (i + 2 < args.length && TEST_BINARY.has(args[i + 1]) && args[i + 1] !== '-a' && args[i + 1] !== '-o') {
      i += 3;
      return testBinary(args[i - 3], args[i - 2], args[i - 1]);
    }
    return args[i++] !== '';
  };
  const v = or();
  if (i < args.length) throw new TestError(`${args[i]}: unexpected argument`);
  return v;
}

export function test(sh: Shell, argv: string[], io: CommandIO): number {
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
