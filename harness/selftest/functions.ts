/**
 * tools/testing/selftests/livepatch/functions.sh, ported. Each helper logs its "% ..."
 * line into the kernel log before it acts, waits the way the shell helper waits (loop_until:
 * up to 601 tries, 0.1 s of virtual time apart) and dies with the shell helper's message.
 */
import type { ToolResult } from '../userspace/kmod.js';
import { loadLogLine, type FunctionsDialect } from './dialect.js';
import { ShellExit, type CommandImpl, type CommandIO } from './shell/host.js';
import { stripTrailingNewlines } from './shell/trailing_newlines.js';

export const MAX_RETRIES = 600;
export const RETRY_INTERVAL = 0.1;
export const SYSFS_KERNEL_DIR = '/sys/kernel';
export const SYSFS_KLP_DIR = `${SYSFS_KERNEL_DIR}/livepatch`;
export const SYSFS_DEBUG_DIR = `${SYSFS_KERNEL_DIR}/debug`;
export const SYSFS_KPROBES_DIR = `${SYSFS_DEBUG_DIR}/kprobes`;
export const SYSFS_TRACING_DIR = `${SYSFS_KERNEL_DIR}/tracing`;
export const SYSFS_MODULE_DIR = '/sys/module';

/** the variables functions.sh defines, visible to every step */
export const FUNCTIONS_VARIABLES: Record<string, string> = {
  MAX_RETRIES: String(MAX_RETRIES),
  RETRY_INTERVAL: String(RETRY_INTERVAL),
  SYSFS_KERNEL_DIR,
  SYSFS_KLP_DIR,
  SYSFS_DEBUG_DIR,
  SYSFS_KPROBES_DIR,
  SYSFS_TRACING_DIR,
  ksft_skip: '4',
};

/** What the helpers need from the machine they run on. */
export interface HelperContext {
  /** `echo "$msg" > /dev/kmsg` */
  log(msg: string): void;
  /** run a user-space tool (insmod, rmmod, modinfo, ...) as `$(tool ... 2>&1)` does */
  tool(argv: string[]): ToolResult;
  /** `cat path`: the contents, or undefined when it cannot be read */
  read(path: string): string | undefined;
  /** `echo "$value" > path`; false when the open or the write failed (the error is printed) */
  write(path: string, value: string, io: CommandIO): boolean;
  exists(path: string): boolean;
  isFile(path: string): boolean;
  modeString(path: string): string | undefined;
  sleep(seconds: number): void;
  /** `date --rfc-3339=ns` */
  date(): string;
  /** dmesg's output */
  dmesg(): string;
  /** `dmesg | grep NEEDLE` for a line logged just now: found from the log's end */
  dmesgLine(needle: string): string | undefined;
  /** where start_test keeps the canary line (LAST_DMESG) */
  lastDmesg: string | undefined;
  /** a start_test that saves the log (6.1) or clears it (5.5) instead: how many lines it had */
  savedDmesgLines?: number;
  /** which functions.sh: mainline's of some version, or the one a proposal was written against */
  dialect: FunctionsDialect;
}

/** what a dialect's own helpers and test start build on */
export interface HelperKit {
  ctx: HelperContext;
  /** die MSG: log it, print it, exit 1 */
  die(io: CommandIO, msg: string): never;
  /** the usage error of a helper called with fewer than n arguments */
  need(argv: string[], n: number, usage: string, io: CommandIO): void;
  /** loop_until: up to MAX_RETRIES retries, RETRY_INTERVAL apart */
  loopUntil(cond: () => boolean): boolean;
  /** functions.sh keeps the output of the last tool in the global `ret` */
  setRet(io: CommandIO, value: string): string;
  check_sysfs_value(mod: string, rel_path: string, expected_value: string, io: CommandIO): void;
  disable_lp_nowait(mod: string, io: CommandIO): void;
  /** `log "% echo $val > $path"; echo "$val" > $path`: how every helper that sets a value words it */
  echo_logged(path: string, value: string, io: CommandIO): void;
}

export function loopUntil(ctx: HelperContext, cond: () => boolean): boolean {
  for (let i = 0; ; i++) {
    if (cond()) return true;
    if (i === MAX_RETRIES) return false;
    ctx.sleep(RETRY_INTERVAL);
  }
}

function die(ctx: HelperContext, io: CommandIO, msg: string): never {
  ctx.log(`ERROR: ${msg}`);
  io.err(`ERROR: ${msg}\n`);
  throw new ShellExit(1);
}

function skip(ctx: HelperContext, io: CommandIO, msg: string): never {
  ctx.log(`SKIP: ${msg}`);
  io.err(`SKIP: ${msg}\n`);
  throw new ShellExit(4);
}

/** $(cmd 2>&1) strips trailing newlines */
function captured(r: ToolResult): string {
  return stripTrailingNewlines(r.stdout + r.stderr);
}

export function selftestFunctions(ctx: HelperContext): Record<string, CommandImpl> {
  const { dialect } = ctx;
  const { loading } = dialect;

  /** is_livepatch_mod(): the insmod versions die when the module was not built */
  function is_livepatch_mod(mod: string, io: CommandIO): boolean {
    const info = ctx.tool(['modinfo', loading.modinfoName(mod)]);
    if (info.status !== 0) {
      if (loading.notBuiltMessage) die(ctx, io, loading.notBuiltMessage(mod));
      return false;
    }
    return /^livepatch:\s+Y$/m.test(info.stdout);
  }

  /** assert_mod (modprobe versions): skip when the module is not installed */
  function assert_mod(mod: string, io: CommandIO): void {
    if (!loading.notInstalledMessage) return;
    if (ctx.tool(['modprobe', '--dry-run', mod]).status !== 0) skip(ctx, io, loading.notInstalledMessage(mod));
  }

  function setRet(io: CommandIO, value: string): string {
    io.shell.setVar('ret', value);
    return value;
  }

  function logLoad(mod: string, args: string[]): void {
    ctx.log(loadLogLine(loading, mod, args));
  }

  function __load_mod(mod: string, args: string[], io: CommandIO): void {
    logLoad(mod, args);
    const ret = setRet(io, captured(ctx.tool(loading.command(mod, args))));
    if (ret !== '') die(ctx, io, ret);
    if (!loopUntil(ctx, () => ctx.exists(`/sys/module/${mod}`))) die(ctx, io, `failed to load module ${mod}`);
  }

  function load_lp_nowait(mod: string, args: string[], io: CommandIO): void {
    assert_mod(mod, io);
    if (!is_livepatch_mod(mod, io)) die(ctx, io, `module ${mod} is not a livepatch`);
    __load_mod(mod, args, io);
    if (!loopUntil(ctx, () => ctx.exists(`${SYSFS_KLP_DIR}/${mod}`))) die(ctx, io, `failed to load module ${mod} (sysfs)`);
  }

  function unload_mod(mod: string, io: CommandIO): void {
    if (!loopUntil(ctx, () => stripTrailingNewlines(ctx.read(`/sys/module/${mod}/refcnt`) ?? '') === '0'))
      die(ctx, io, `failed to unload module ${mod} (refcnt)`);
    ctx.log(`% rmmod ${mod}`);
    const ret = setRet(io, captured(ctx.tool(['rmmod', mod])));
    if (ret !== '') die(ctx, io, ret);
    if (!loopUntil(ctx, () => !ctx.exists(`${SYSFS_MODULE_DIR}/${mod}`))) die(ctx, io, `failed to unload module ${mod} (${SYSFS_MODULE_DIR})`);
  }

  function echo_logged(path: string, value: string, io: CommandIO): void {
    ctx.log(`% echo ${value} > ${path}`);
    ctx.write(path, value, io);
  }

  function disable_lp_nowait(mod: string, io: CommandIO): void {
    echo_logged(`${SYSFS_KLP_DIR}/${mod}/enabled`, '0', io);
  }

  function check_sysfs_value(mod: string, rel_path: string, expected_value: string, io: CommandIO): void {
    const path = `${SYSFS_KLP_DIR}/${mod}/${rel_path}`;
    const value = stripTrailingNewlines(ctx.read(path) ?? '');
    if (value !== expected_value) die(ctx, io, `Unexpected value in ${path}: ${expected_value} vs. ${value}`);
  }

  const kit: HelperKit = {
    ctx,
    die: (io, msg) => die(ctx, io, msg),
    need: (argv, n, usage, io) => need(argv, n, usage, io),
    loopUntil: (cond) => loopUntil(ctx, cond),
    setRet,
    check_sysfs_value,
    disable_lp_nowait,
    echo_logged,
  };

  function cleanup_tracing(io: CommandIO): void {
    ctx.write(`${SYSFS_TRACING_DIR}/tracing_on`, '0', io);
    ctx.write(`${SYSFS_TRACING_DIR}/set_ftrace_filter`, '', io);
    ctx.write(`${SYSFS_TRACING_DIR}/current_tracer`, 'nop', io);
    ctx.write(`${SYSFS_TRACING_DIR}/trace`, '', io);
  }

  function need(argv: string[], n: number, usage: string, io: CommandIO): void {
    if (argv.length < n) die(ctx, io, `usage: ${usage}`);
  }

  return {
    log: ([msg = ''], _io) => {
      ctx.log(msg);
      return 0;
    },
    die: ([msg = ''], io) => die(ctx, io, msg),
    skip: ([msg = ''], io) => skip(ctx, io, msg),

    set_dynamic_debug: (_argv, io) => {
      const control = `${SYSFS_DEBUG_DIR}/dynamic_debug/control`;
      ctx.write(control, 'file kernel/livepatch/* +p', io);
      ctx.write(control, 'func klp_try_switch_task -p', io);
      return 0;
    },

    loop_until: (argv, io) => (loopUntil(ctx, () => io.shell.eval(argv.join(' ')) === 0) ? 0 : 1),

    is_livepatch_mod: ([mod], io) => (is_livepatch_mod(mod, io) ? 0 : 1),

    load_mod: ([mod, ...args], io) => {
      need([mod], 1, 'load_mod MODULE [ARGS...]', io);
      assert_mod(mod, io);
      if (is_livepatch_mod(mod, io)) die(ctx, io, `use load_lp() to load the livepatch module ${mod}`);
      __load_mod(mod, args, io);
      return 0;
    },

    load_lp_nowait: ([mod, ...args], io) => {
      need([mod], 1, 'load_lp_nowait MODULE [ARGS...]', io);
      load_lp_nowait(mod, args, io);
      return 0;
    },

    load_lp: ([mod, ...args], io) => {
      need([mod], 1, 'load_lp MODULE [ARGS...]', io);
      load_lp_nowait(mod, args, io);
      if (!loopUntil(ctx, () => ctx.read(`${SYSFS_KLP_DIR}/${mod}/transition`) === '0\n')) die(ctx, io, 'failed to complete transition');
      return 0;
    },

    load_failing_mod: ([mod, ...args], io) => {
      need([mod], 1, 'load_failing_mod MODULE [ARGS...]', io);
      logLoad(mod, args);
      const ret = setRet(io, captured(ctx.tool(loading.command(mod, args))));
      if (ret === '') die(ctx, io, `${mod} unexpectedly loaded`);
      ctx.log(ret);
      return 0;
    },

    unload_mod: ([mod], io) => {
      need([mod], 1, 'unload_mod MODULE', io);
      unload_mod(mod, io);
      return 0;
    },

    unload_lp: ([mod], io) => {
      need([mod], 1, 'unload_lp MODULE', io);
      unload_mod(mod, io);
      return 0;
    },

    disable_lp: ([mod], io) => {
      need([mod], 1, 'disable_lp MODULE', io);
      disable_lp_nowait(mod, io);
      if (!loopUntil(ctx, () => !ctx.exists(`${SYSFS_KLP_DIR}/${mod}`))) die(ctx, io, `failed to disable livepatch ${mod}`);
      return 0;
    },

    ...dialect.helpers?.(kit),

    set_pre_patch_ret: ([mod, ret], io) => {
      need([mod, ret], 2, 'set_pre_patch_ret MODULE VALUE', io);
      const path = `/sys/module/${mod}/parameters/pre_patch_ret`;
      echo_logged(path, ret, io);
      if (!loopUntil(ctx, () => stripTrailingNewlines(ctx.read(path) ?? '') === ret))
        die(ctx, io, `failed to set pre_patch_ret parameter for ${mod} module`);
      return 0;
    },

    start_test: ([test = ''], io) => {
      dialect.testStart.start(kit, test, io);
      return 0;
    },

    does_sysfs_exist: ([mod, attr]) => (ctx.isFile(`${SYSFS_KLP_DIR}/${mod}/${attr}`) ? 0 : 1),

    check_sysfs_rights: ([mod, rel_path = '', expected_right], io) => {
      need([mod, rel_path, expected_right], 3, 'check_sysfs_rights MODULE PATH RIGHTS', io);
      const path = `${SYSFS_KLP_DIR}/${mod}/${rel_path}`;
      const rights = ctx.modeString(path) ?? '';
      if (rights !== expected_right) die(ctx, io, `Unexpected access rights of ${path}: ${expected_right} vs. ${rights}`);
      return 0;
    },

    /** set_ftrace_enabled [--fail] VALUE: sysctl, then log what it became (or why not) */
    set_ftrace_enabled: (argv, io) => {
      const can_fail = argv[0] === '--fail';
      const value = can_fail ? argv[1] : argv[0];
      need([value], 1, 'set_ftrace_enabled [--fail] VALUE', io);
      const err = captured(ctx.tool(['sysctl', '-q', `kernel.ftrace_enabled=${value}`]));
      const result = captured(ctx.tool(['sysctl', '--values', 'kernel.ftrace_enabled']));
      if (result !== value) {
        if (can_fail) {
          ctx.log(`livepatch: ${err}`.replace('/proc/sys/kernel/', 'kernel.'));
          return 0;
        }
        skip(ctx, io, `failed to set kernel.ftrace_enabled = ${value}`);
      }
      ctx.log(`livepatch: kernel.ftrace_enabled = ${result}`);
      return 0;
    },

    /** ftrace_disable_supported: can kernel.ftrace_enabled still be set to 0? (restores the value) */
    ftrace_disable_supported: () => {
      const saved = captured(ctx.tool(['sysctl', '--values', 'kernel.ftrace_enabled']));
      ctx.tool(['sysctl', '-q', 'kernel.ftrace_enabled=0']);
      const result = captured(ctx.tool(['sysctl', '--values', 'kernel.ftrace_enabled']));
      ctx.tool(['sysctl', '-q', `kernel.ftrace_enabled=${saved}`]);
      return result === '0' ? 0 : 1;
    },

    cleanup_tracing: (_argv, io) => {
      cleanup_tracing(io);
      return 0;
    },

    trace_function: ([funcname], io) => {
      need([funcname], 1, 'trace_function FUNCTION', io);
      cleanup_tracing(io);
      ctx.write(`${SYSFS_TRACING_DIR}/current_tracer`, 'function', io);
      ctx.write(`${SYSFS_TRACING_DIR}/set_ftrace_filter`, funcname, io);
      ctx.write(`${SYSFS_TRACING_DIR}/tracing_on`, '1', io);
      return 0;
    },

    check_traced_functions: (funcs, io) => {
      const trace = ctx.read(`${SYSFS_TRACING_DIR}/trace`) ?? '';
      for (const f of funcs) {
        // grep -Fw: the name as a whole word
        const word = new RegExp(`(^|[^A-Za-z0-9_])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`, 'm');
        if (!word.test(trace)) die(ctx, io, `Function (${f}) did not appear in the trace`);
      }
      cleanup_tracing(io);
      return 0;
    },

    check_sysfs_value: ([mod, rel_path, expected_value], io) => {
      need([mod, rel_path, expected_value], 3, 'check_sysfs_value MODULE PATH VALUE', io);
      check_sysfs_value(mod, rel_path, expected_value, io);
      return 0;
    },
  };
}
