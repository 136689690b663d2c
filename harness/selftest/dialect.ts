/**
 * A functions.sh dialect as data: the selftests of every kernel version and of every
 * proposal source a functions.sh of their own, and they part ways in how a test module is
 * loaded, how a test starts (and so which lines check_result keeps), which helpers exist and
 * how each is worded. A model names its dialect; the helpers in functions.ts, the session,
 * the timeline, compare and export read it from there.
 *
 * The building blocks below (two ways of loading, three ways of starting a test) are the
 * ones mainline's functions.sh went through; the dialects themselves are in the model folders
 * (harness/livepatch/models/<model>/dialect.ts).
 */
import type { LogFilter } from './check_result.js';
import type { HelperKit } from './functions.js';
import type { CommandImpl, CommandIO } from './shell/host.js';

/** how a functions.sh loads a test module, and what its helpers say about it */
export interface ModuleLoading {
  /** the argv that loads `mod`; its "% ..." log line is this argv joined */
  command(mod: string, args: string[]): string[];
  /** what is_livepatch_mod asks modinfo about */
  modinfoName(mod: string): string;
  /** is_livepatch_mod when modinfo fails: the message it dies with (undefined: it answers no) */
  notBuiltMessage?(mod: string): string;
  /** assert_mod: the skip message when `modprobe --dry-run` fails (undefined: there is no assert_mod) */
  notInstalledMessage?(mod: string): string;
  /** a "% ..." load line read back into its module and arguments; undefined for any other line */
  parseLogLine(line: string): { mod: string; args: string } | undefined;
  /** the load line as a user reads it, for compare's note on dialects */
  example: string;
}

/** how a functions.sh starts a test */
export interface TestStart {
  /** start_test TITLE (or what a script did before start_test existed) */
  start(kit: HelperKit, title: string, io: CommandIO): void;
  /** the script lines that start a test, as export writes them */
  scriptLines(title: string): string[];
}

export interface FunctionsDialect {
  /** which functions.sh: a kernel version (v7.3) or the series that changed it (poc-2023) */
  readonly name: string;
  readonly loading: ModuleLoading;
  readonly testStart: TestStart;
  /** check_result's filter */
  readonly logFilter: LogFilter;
  /** the helpers this functions.sh has beyond the common ones */
  helpers?(kit: HelperKit): Record<string, CommandImpl>;
}

/** the load line a loading logs: `% <command>`, without a trailing space when there are no arguments */
export function loadLogLine(loading: ModuleLoading, mod: string, args: string[]): string {
  const msg = `% ${loading.command(mod, []).join(' ')} ${args.join(' ')}`;
  // ${msg%% }: one trailing space goes
  return msg.endsWith(' ') ? msg.slice(0, -1) : msg;
}

const testModulePath = (mod: string) => `test_modules/${mod}.ko`;

/** since 6.10: the modules are built beside the selftests and loaded by path */
export const INSMOD_TEST_MODULES: ModuleLoading = {
  command: (mod, args) => ['insmod', testModulePath(mod), ...args],
  modinfoName: testModulePath,
  notBuiltMessage: (mod) => `Can't find "${testModulePath(mod)}", try "make"`,
  parseLogLine: (line) => {
    const m = /^% insmod test_modules\/([^ /]+)\.ko(?: (.*))?$/.exec(line);
    return m ? { mod: m[1], args: m[2] ?? '' } : undefined;
  },
  example: '% insmod test_modules/X.ko',
};

/** before: the modules are lib/livepatch's, installed with the kernel, and loaded by name */
export const MODPROBE: ModuleLoading = {
  command: (mod, args) => ['modprobe', mod, ...args],
  modinfoName: (mod) => mod,
  notInstalledMessage: (mod) => `unable to load module ${mod}, verify CONFIG_TEST_LIVEPATCH=m and run self-tests as root`,
  parseLogLine: (line) => {
    const m = /^% modprobe ([^ -][^ ]*)(?: (.*))?$/.exec(line);
    return m ? { mod: m[1], args: m[2] ?? '' } : undefined;
  },
  example: '% modprobe X',
};

const dq = (text: string) => `"${text.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;

/** start_test as 6.2 and later have it: a timestamped canary line marks where the test's log begins */
export const START_TEST_CANARY: TestStart = {
  start({ ctx, die, loopUntil }, title, io) {
    const last_dmesg_msg = `livepatch kselftest timestamp: ${ctx.date()}`;
    ctx.log(last_dmesg_msg);
    // dmesg | grep: the canary was just logged, so it is searched from the log's end
    const find = () => ctx.dmesgLine(last_dmesg_msg);
    if (!loopUntil(() => find() !== undefined)) die(io, `buffer busy? can't find canary dmesg message: ${last_dmesg_msg}`);
    ctx.lastDmesg = find();
    io.out(`TEST: ${title} ... `);
    ctx.log(`===== TEST: ${title} =====`);
  },
  scriptLines: (title) => [`start_test ${dq(title)}`],
};

/** start_test as 6.1 has it: save_dmesg, and check_result keeps what `comm -13` finds new */
export const START_TEST_SAVE_DMESG: TestStart = {
  start({ ctx }, title, io) {
    ctx.savedDmesgLines = ctx.dmesg().split('\n').filter(Boolean).length;
    io.out(`TEST: ${title} ... `);
    ctx.log(`===== TEST: ${title} =====`);
  },
  scriptLines: (title) => [`start_test ${dq(title)}`],
};

/** before start_test existed (5.5): a test printed its title and cleared the log */
export const TITLE_AND_CLEAR: TestStart = {
  start({ ctx }, title, io) {
    io.out(`TEST: ${title} ... `);
    ctx.tool(['dmesg', '-C']);
    ctx.savedDmesgLines = 0;
  },
  scriptLines: (title) => [`echo -n ${dq(`TEST: ${title} ... `)}`, 'dmesg -C'],
};
