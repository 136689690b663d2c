/**
 * Commands the shell runs itself, as bash does: they read or change the shell's own state
 * (variables, functions, control flow) or are builtins in bash (echo, printf, test, kill),
 * so their messages carry bash's `bash: line N: name:` prefix.
 */
import { LoopSignal, ReturnSignal } from './control.js';
import type { CommandIO } from './host.js';
import { ShellExit } from './host.js';
import type { Shell } from './interpreter.js';
import { echo, printf } from './printf.js';
import { test } from './testcmd.js';

export type Builtin = (sh: Shell, argv: string[], io: CommandIO) => number;

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
    if (kind === 'local' && !sh.vars.depth) {
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
      if (kind === 'local') sh.vars.declareLocal(name);
      if (eq >= 0 && !sh.assignScalar(name, a.slice(eq + 1), io)) status = 1;
      if (kind === 'readonly') sh.vars.markReadonly(name);
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
  if (!sh.vars.depth) {
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
