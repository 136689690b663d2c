/** klp-selftest import and export: the kernel-tree round trip (harness/kselftest/) */
import * as kselftest from '../kselftest/commands.js';
import { defineCommand, loadAll, ROOT, UsageError, type Io } from './command.js';

/** the script commands' view of the terminal */
export function scriptIo(io: Io): kselftest.CommandIo {
  return { out: io.out, err: io.err, colour: io.isTTY && !io.env.NO_COLOR };
}

/** run and trace take scripts or suites, never both at once */
export function scriptsIn(cmd: string, positionals: string[], values: { model?: string; version?: string }): boolean {
  if (!positionals.some(kselftest.isScriptPath)) {
    // a suite names its kernel itself: a --model it would ignore is a mistake to say so
    const given = values.model !== undefined ? '--model' : values.version !== undefined ? '--version' : undefined;
    if (given) throw new UsageError(`${cmd}: ${given} is for test-*.sh scripts; a suite names its kernel in 'kernel:'`);
    return false;
  }
  const other = positionals.find((p) => !kselftest.isScriptPath(p));
  if (other) throw new UsageError(`${cmd}: ${other}: scripts (.sh) and suites cannot be run together`);
  return true;
}

export const SCRIPT_OPTION_SPECS = {
  model: { type: 'string', arg: 'M', help: 'for test-*.sh scripts: the kernel model to run them in (default: mainline)' },
  version: { type: 'string', arg: 'V', help: "for test-*.sh scripts: the kernel version within the model (default: the model's newest)" },
} as const;

export const importCommand = defineCommand({
  name: 'import',
  summary: 'a test-*.sh script as a YAML suite, with golden logs from its check_result texts',
  args: 'SCRIPT.sh',
  positionals: { min: 1, max: 1 },
  options: { ...SCRIPT_OPTION_SPECS, out: { type: 'string', arg: 'FILE', help: 'the suite file to write (default: suites/<model>/<script>.yaml)' } },
  details: `Lines that cannot be carried over are listed as 'file:line: skipped: <why>'.`,
  handler({ values, positionals, io }) {
    return kselftest.importCommand(ROOT, positionals[0], values as kselftest.ScriptOptions & { out?: string }, scriptIo(io));
  },
});

export const exportCommand = defineCommand({
  name: 'export',
  summary: "suites as test-*.sh scripts in their model's functions.sh dialect",
  args: 'PATH...',
  positionals: { min: 1, max: Infinity },
  options: { out: { type: 'string', arg: 'DIR', help: 'where to write the scripts (default: the current directory)' } },
  handler({ values, positionals, io }) {
    return kselftest.exportCommand(ROOT, loadAll(positionals), values, scriptIo(io));
  },
});
