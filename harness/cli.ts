/**
 * klp-selftest's command line: the subcommands in COMMANDS, each a declarative entry
 * (harness/cli/command.ts), parsed with node:util parseArgs. Every subcommand gets --help;
 * an unknown option or a wrong number of arguments is refused in one line.
 *
 * Exit status: 0 success, 1 a test failed (or `update --check` found changes), 2 bad usage
 * or bad input, 70 an internal error (a bug in the simulator).
 */
import { parseArgs } from 'node:util';
import { GoldenError } from './selftest/golden.js';
import { SuiteError } from './selftest/suite.js';
import { packageVersion, UsageError, type Command, type Io } from './cli/command.js';
import { list, models } from './cli/list.js';
import { run } from './cli/run.js';
import { trace } from './cli/trace.js';
import { update } from './cli/update.js';
import { compare } from './cli/compare.js';
import { exploreCommand } from './cli/explore.js';
import { exportCommand, importCommand } from './cli/kselftest.js';
import { CommandError } from './kselftest/commands.js';
import { CompareUsageError } from './compare/command.js';
import { TimelineDirError } from './timeline/write.js';

export { collectSuites, ROOT, isCI, type Io } from './cli/command.js';

/** the subcommands, in the order help lists them */
export const COMMANDS: Command[] = [run, trace, update, list, models, compare, exploreCommand, importCommand, exportCommand];

function synopsis(c: Command): string {
  const opts = Object.entries(c.options).map(([name, o]) => `[--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}]`);
  return ['klp-selftest', c.name, ...opts, c.args].filter(Boolean).join(' ');
}

/** the command list, as the README shows it (a test keeps the two equal) */
export function commandList(): string {
  const lines = COMMANDS.map((c) => [synopsis(c), c.summary] as const);
  lines.push(['klp-selftest --version', 'print the version'], ['klp-selftest [COMMAND] --help', 'help on the commands, or on one']);
  const width = Math.max(...lines.map(([s]) => s.length));
  return lines.map(([s, summary]) => `${s.padEnd(width)}  # ${summary}`).join('\n') + '\n';
}

const ENVIRONMENT = `Environment:
  CI                  set to a true value (not 0, false, no, off): 'update' refuses to write golden
                      files unless --force
  NO_COLOR            no colour, even on a terminal
  KLP_SELFTEST_DEBUG  set: an internal error shows its stack trace

Exit status: 0 success, 1 a test failed or could not finish ('update --check': something would
change), 2 bad usage or bad input (nothing ran, nothing written), 70 internal error,
141 the output was closed early (e.g. '| head').
`;

function mainHelp(): string {
  return `usage: klp-selftest COMMAND [OPTION...] [ARG...]\n\n${commandList()}\n${ENVIRONMENT}`;
}

function commandHelp(c: Command): string {
  const opts = [...Object.entries(c.options).map(([name, o]) => [`--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`, o.help]), ['-h, --help', 'this help']];
  const width = Math.max(...opts.map(([o]) => o.length));
  return [
    `usage: ${synopsis(c)}`,
    '',
    c.summary,
    '',
    'Options:',
    ...opts.map(([o, h]) => `  ${o.padEnd(width)}  ${h}`),
    ...(c.details ? ['', c.details] : []),
    '',
    ENVIRONMENT,
  ].join('\n');
}

/** parseArgs' messages, in one line naming the command and where to look */
function usageLine(cmd: string, e: Error & { code?: unknown }): string {
  const opt = /'([^']+)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${cmd}: unknown option '${opt}'`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = opt?.replace(/ .*/, '');
    if (/argument missing/.test(e.message)) return `${cmd}: option '${name}' needs a value`;
    // the value that follows starts with a dash (a negative number)
    if (/ambiguous/.test(e.message)) return `${cmd}: option '${name}' needs a value; write one that starts with a dash as ${name}=-5`;
    return `${cmd}: option '${name}' takes no value`;
  }
  return `${cmd}: ${e.message.split('\n')[0]}`;
}

function runCommand(c: Command, argv: string[], io: Io): number | Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...Object.fromEntries(Object.entries(c.options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }])), help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(usageLine(c.name, e));
    throw e;
  }
  if (parsed.values.help) {
    io.out(commandHelp(c));
    return 0;
  }
  const n = parsed.positionals.length;
  if (n < c.positionals.min || n > c.positionals.max)
    throw new UsageError(`${c.name}: ${c.positionals.max === 0 ? 'takes no arguments' : c.positionals.min === c.positionals.max ? `takes exactly ${c.positionals.min} argument(s): ${c.args}` : `takes ${c.args}`}, not ${n}`);
  return c.handler({ values: parsed.values as never, positionals: parsed.positionals, io });
}

export function main(argv: string[], io: Io): number | Promise<number> {
  const [cmd, ...args] = argv;
  try {
    if (cmd === '--version' || cmd === '-V') {
      io.out(`klp-selftest ${packageVersion()}\n`);
      return 0;
    }
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      const c = COMMANDS.find((x) => x.name === args[0]);
      if (cmd === undefined) {
        io.err(mainHelp());
        return 2;
      }
      io.out(c ? commandHelp(c) : mainHelp());
      return 0;
    }
    const c = COMMANDS.find((x) => x.name === cmd);
    if (!c) throw new UsageError(cmd.startsWith('-') ? `unknown option '${cmd}'` : `unknown command '${cmd}' (commands: ${COMMANDS.map((x) => x.name).join(', ')})`);
    const status = runCommand(c, args, io);
    // a command that works in worker threads (explore --jobs) ends later; its errors alike
    return typeof status === 'number' ? status : status.catch((e: unknown) => refuse(e, cmd, io));
  } catch (e) {
    return refuse(e, cmd, io);
  }
}

/** bad input and bad usage, in one line and exit 2; anything else is an internal error */
function refuse(e: unknown, cmd: string | undefined, io: Io): number {
  if (e instanceof SuiteError || e instanceof GoldenError || e instanceof CommandError || e instanceof CompareUsageError || e instanceof TimelineDirError) {
    // several problems (every mistake of a suite) are one line each
    for (const line of e.message.split('\n')) io.err(`klp-selftest: ${line}\n`);
    return 2;
  }
  if (e instanceof UsageError) {
    io.err(`klp-selftest: ${e.message} (see: klp-selftest ${COMMANDS.some((x) => x.name === cmd) ? `${cmd} ` : ''}--help)\n`);
    return 2;
  }
  throw e;
}

export function cliIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: !!process.stdout.isTTY,
    env: process.env,
  };
}
