/**
 * klp-selftest: run suites against their golden logs, trace a suite, regenerate golden
 * logs, list suites.
 *
 *   klp-selftest run [PATH...]              all suites under suites/ by default
 *   klp-selftest trace PATH [--timeline DIR] "=== TEST: <title>" and the log of each test (and an SVG each)
 *   klp-selftest update [--check] [--force] [PATH...]
 *   klp-selftest list [PATH...]
 *   klp-selftest compare PATH... [--models a,b,...] [--json] [--timeline DIR]   (harness/compare/)
 *
 * Exit status: 0 success, 1 a test failed (or --check found changes), 2 bad input.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as kselftest from './kselftest/commands.js';
import { displayPath, goldenFile, readGolden, updateGolden, type UpdateAction } from './selftest/golden.js';
import { judge, KtapReporter } from './selftest/report.js';
import { runSuite, type SuiteRun } from './selftest/runner.js';
import { loadSuite, SuiteError, type Suite } from './selftest/suite.js';
import { stepValidator } from './selftest/validate.js';
import { COMPARE_USAGE, CompareUsageError, parseCompareArgs, runCompare } from './compare/command.js';
import { runnableVariants } from './compare/variant.js';
import { traceTimeline } from './timeline/command.js';
import { TimelineDirError } from './timeline/write.js';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

class UsageError extends Error {}

interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: klp-selftest run [PATH...]
       klp-selftest trace PATH [--timeline DIR]
       klp-selftest update [--check] [--force] [PATH...]
       klp-selftest list [PATH...]
       klp-selftest run|trace SCRIPT.sh... [--model M] [--version V]
       klp-selftest import SCRIPT.sh [--model M] [--version V] [--out FILE]
       klp-selftest export PATH... [--out DIR]
       ${COMPARE_USAGE}
`;

/** options of the kselftest-script commands (harness/kselftest/commands.ts) */
function scriptArgs<O extends NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>>(cmd: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${cmd}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function scriptIo(io: Io): kselftest.CommandIo {
  return { out: io.out, err: io.err, colour: io.isTTY && !io.env.NO_COLOR };
}

/** suite files named by the arguments: files as given, directories searched for *.yaml */
export function collectSuites(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const child = join(p, e);
        if (statSync(child).isDirectory() || /\.ya?ml$/.test(e)) walk(child);
      }
    } else files.push(p);
  };
  for (const p of paths.length ? paths : [join(ROOT, 'suites')]) walk(p);
  return files;
}

function display(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

function loadAll(paths: string[]): Suite[] {
  return collectSuites(paths).map((f) => loadSuite(display(f), stepValidator));
}

/** what run and update run: each suite, and a comparison suite once per model */
function loadRunnable(paths: string[]): Suite[] {
  return loadAll(paths).flatMap((s) => runnableVariants(s));
}

function cmdRun(args: string[], io: Io): number {
  if (args.some(kselftest.isScriptPath)) {
    const { values, positionals } = scriptArgs('run', args, kselftest.SCRIPT_OPTIONS);
    const other = positionals.find((p) => !kselftest.isScriptPath(p));
    if (other) throw new UsageError(`run: ${other}: scripts (.sh) and suites cannot be run together`);
    return kselftest.runScripts(positionals, values as kselftest.ScriptOptions, scriptIo(io));
  }
  const suites = loadRunnable(args);
  const colour = io.isTTY && !io.env.NO_COLOR;
  const rep = new KtapReporter(io.out, colour);
  rep.header(suites.reduce((n, s) => n + s.tests.length, 0));
  for (const suite of suites) {
    const run = runSuite(suite);
    rep.suite(run);
    for (const t of run.tests) {
      const path = goldenFile(ROOT, suite, t.test);
      rep.result(suite.name, judge(t, t.status === 'done' ? readGolden(path) : undefined, displayPath(ROOT, path)));
    }
  }
  rep.totals();
  return rep.counts.fail ? 1 : 0;
}

function cmdTrace(args: string[], io: Io): number {
  if (args.some(kselftest.isScriptPath)) {
    const { values, positionals } = scriptArgs('trace', args, kselftest.SCRIPT_OPTIONS);
    if (positionals.length !== 1) throw new UsageError('trace takes exactly one script');
    return kselftest.traceScript(positionals[0], values as kselftest.ScriptOptions, scriptIo(io));
  }
  const t = args.indexOf('--timeline');
  if (t >= 0) return traceTimeline(args, io);
  if (args.length !== 1) throw new UsageError('trace takes exactly one suite file');
  const suite = loadSuite(args[0], stepValidator);
  const run: SuiteRun = runSuite(suite);
  let status = 0;
  for (const t of run.tests) {
    if (t.status === 'skipped' || t.status === 'not-run') continue;
    io.out(`=== TEST: ${t.test.title}\n`);
    if (t.log) io.out(`${t.log}\n`);
    if (t.error) {
      io.err(`${t.error}\n`);
      status = 1;
    }
  }
  return status;
}

function cmdUpdate(args: string[], io: Io): number {
  const check = args.includes('--check');
  const force = args.includes('--force');
  const paths = args.filter((a) => a !== '--check' && a !== '--force');
  const bad = paths.find((a) => a.startsWith('-'));
  if (bad) throw new UsageError(`update: unknown option ${bad}`);
  if (!check && io.env.CI && !force) {
    io.err('klp-selftest update: CI is set: refusing to write golden files (use --check, or --force to write anyway)\n');
    return 2;
  }
  const suites = loadRunnable(paths);
  const runs = suites.map((s) => runSuite(s));
  const failed = runs.flatMap((r) => r.tests).filter((t) => t.status === 'error' || t.status === 'not-run');
  if (failed.length && !force) {
    for (const t of failed) io.err(`${t.error}\n`);
    io.err(`klp-selftest update: ${failed.length} test(s) did not run to the end; no golden file written (fix them, or --force)\n`);
    return 1;
  }
  const counts: Record<UpdateAction, number> = { created: 0, updated: 0, unchanged: 0 };
  for (const run of runs) {
    for (const t of run.tests) {
      if (t.status !== 'done' && !(force && t.log !== undefined)) continue;
      const path = goldenFile(ROOT, run.suite, t.test);
      const action = updateGolden(path, t.log ?? '', !check);
      counts[action]++;
      if (action !== 'unchanged') io.out(`${check ? `would be ${action}` : action}: ${displayPath(ROOT, path)}\n`);
    }
  }
  io.out(`${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged${check ? ' (check only, nothing written)' : ''}\n`);
  return check && (counts.created || counts.updated) ? 1 : 0;
}

function cmdImport(args: string[], io: Io): number {
  const { values, positionals } = scriptArgs('import', args, kselftest.IMPORT_OPTIONS);
  if (positionals.length !== 1 || !kselftest.isScriptPath(positionals[0])) throw new UsageError('import takes exactly one test-*.sh script');
  return kselftest.importCommand(ROOT, positionals[0], values as kselftest.ScriptOptions & { out?: string }, scriptIo(io));
}

function cmdExport(args: string[], io: Io): number {
  const { values, positionals } = scriptArgs('export', args, kselftest.EXPORT_OPTIONS);
  return kselftest.exportCommand(ROOT, loadAll(positionals), values as { out?: string }, scriptIo(io));
}

function cmdList(args: string[], io: Io): number {
  for (const suite of loadAll(args)) {
    io.out(`${suite.file} (kernel: ${suite.model.name})\n`);
    for (const t of suite.tests) io.out(`  ${String(t.index).padStart(2, '0')} ${t.title}${t.disabled ? ' [disabled]' : ''}\n`);
  }
  return 0;
}

export function main(argv: string[], io: Io): number {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'run':
        return cmdRun(args, io);
      case 'trace':
        return cmdTrace(args, io);
      case 'update':
        return cmdUpdate(args, io);
      case 'list':
        return cmdList(args, io);
      case 'import':
        return cmdImport(args, io);
      case 'export':
        return cmdExport(args, io);
      case 'compare': {
        const opts = parseCompareArgs(args);
        return runCompare(opts, loadAll(opts.paths), io);
      }
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return 0;
      default:
        throw new UsageError(cmd ? `unknown command '${cmd}'` : 'missing command');
    }
  } catch (e) {
    if (e instanceof SuiteError) {
      io.err(`klp-selftest: ${e.message}\n`);
      return 2;
    }
    if (e instanceof kselftest.CommandError || e instanceof CompareUsageError || e instanceof TimelineDirError) {
      io.err(`klp-selftest: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`klp-selftest: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

const invoked = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) process.exitCode = main(process.argv.slice(2), cliIo());

export function cliIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: !!process.stdout.isTTY,
    env: process.env,
  };
}
