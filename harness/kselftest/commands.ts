/**
 * The kernel-tree round trip as commands: run and trace a test-*.sh as it is, import one
 * into a suite with golden logs, export suites as test-*.sh. Each takes its options
 * already parsed; harness/cli.ts only routes to them.
 *
 *   run SCRIPT.sh... [--model M] [--version V]
 *   trace SCRIPT.sh [--model M] [--version V]
 *   import SCRIPT.sh [--model M] [--version V] [--out FILE]
 *   export PATH... [--out DIR]
 */
import { runnableVariants } from '../compare/variant.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { findModel, modelAt, modelNames, versionProblem, type KernelModelDefinition } from '../models.js';
import { checkGoldenOwners, GoldenError, goldenFile, readGolden } from '../selftest/golden.js';
import { judge, KtapReporter } from '../selftest/report.js';
import { parseSuite, SuiteError, type Suite } from '../selftest/suite.js';
import { stepValidator } from '../selftest/validate.js';
import { computedVariables, exportScript, suiteComments, type SuiteComments } from './export.js';
import { importScript, suiteYaml } from './import.js';
import { runScript } from './run.js';
import { parseScript, ScriptError, type KselftestScript } from './script.js';
import { makeDirs } from '../make_dirs.js';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  colour: boolean;
}

/** the options run, trace and import take for a script */
export interface ScriptOptions {
  model?: string;
  version?: string;
}

export const isScriptPath = (p: string) => p.endsWith('.sh');

/** bad input: one line, exit status 2 */
export class CommandError extends Error {}

function resolveModel(opts: ScriptOptions): { model: KernelModelDefinition; version: [number, number] } {
  const name = opts.model ?? 'mainline';
  const model = findModel(name);
  if (!model) throw new CommandError(`unknown kernel model '${name}' (known: ${modelNames().join(', ')})`);
  if (opts.version === undefined) return { model: modelAt(model, model.versions[1]), version: model.versions[1] };
  const m = /^(\d+)\.(\d+)$/.exec(opts.version);
  if (!m) throw new CommandError(`--version must look like '6.12', not '${opts.version}'`);
  const version: [number, number] = [Number(m[1]), Number(m[2])];
  const problem = versionProblem(model, version);
  if (problem) throw new CommandError(problem);
  // the script is read and run with that version's functions.sh and test modules
  return { model: modelAt(model, version), version };
}

function readScript(file: string, model: KernelModelDefinition): KselftestScript {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CommandError(`${file}: cannot read script: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseScript(file, text, model);
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ScriptError || e instanceof SuiteError) throw new CommandError(e.message);
    throw e;
  }
}

/** `run` of scripts: KTAP as for suites, each test judged against its check_result text */
export function runScripts(files: string[], opts: ScriptOptions, io: CommandIo): number {
  const { model, version } = resolveModel(opts);
  // every script is checked before any runs
  const scripts = guard(() => files.map((f) => readScript(f, model)));
  const rep = new KtapReporter(io.out, io.colour);
  rep.header(scripts.reduce((n, s) => n + s.tests.length, 0));
  for (const script of scripts) {
    const run = runScript(script, model, version);
    rep.suiteStart(run.suite, run.tests.length);
    for (const t of run.tests) rep.result(judge(t, t.expected, `${script.file} (its check_result)`, script.file));
    rep.suiteEnd();
  }
  rep.totals();
  return rep.counts.fail || rep.counts.error ? 1 : 0;
}

/** `trace` of a script: "=== TEST: <title>" and the log of each test that ran */
export function traceScript(file: string, opts: ScriptOptions, io: CommandIo): number {
  const { model, version } = resolveModel(opts);
  const script = guard(() => readScript(file, model));
  let status = 0;
  for (const t of runScript(script, model, version).tests) {
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

interface PlannedFile {
  path: string;
  text: string;
}

/** write files only when none of them would replace different content, then say what was done */
function writeAll(files: PlannedFile[], io: CommandIo): void {
  const clash = files.find((f) => existsSync(f.path) && readFileSync(f.path, 'utf8') !== f.text);
  if (clash) throw new CommandError(`${clash.path}: exists with other content; not overwritten (nothing written)`);
  const cannot = (path: string, e: unknown, wrote: string[]) =>
    new CommandError(`${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? String(e)} (${wrote.length ? `written before: ${wrote.join(', ')}` : 'nothing written'})`);
  // every folder first, so that one that cannot be made stops the command before any write
  for (const d of new Set(files.map((f) => dirname(f.path)))) {
    try {
      makeDirs(d);
    } catch (e) {
      throw cannot(d, e, []);
    }
  }
  const wrote: string[] = [];
  const done = files.map((f) => {
    if (existsSync(f.path)) return `unchanged: ${f.path}\n`;
    try {
      // an exported script is run as ./test-foo.sh, as upstream's are
      writeFileSync(f.path, f.text, { mode: f.path.endsWith('.sh') ? 0o755 : 0o644 });
    } catch (e) {
      throw cannot(f.path, e, wrote);
    }
    wrote.push(f.path);
    return `wrote: ${f.path}\n`;
  });
  // reported after every file is written: a closed stdout cannot leave half of them
  for (const line of done) io.out(line);
}

/**
 * `import`: the suite (default suites/<model>/<script name>.yaml) and its golden logs
 * under expected/<model>/<suite name>/, where `run` of the suite looks for them; a suite
 * outside suites/ named like a shipped one is refused, as run and update refuse it.
 */
export function importCommand(root: string, file: string, opts: ScriptOptions & { out?: string }, io: CommandIo): number {
  const { model, version } = resolveModel(opts);
  const script = guard(() => readScript(file, model));
  const imported = guard(() => importScript(script, model, version));
  for (const s of imported.skipped) io.out(`${s}\n`);
  const out = opts.out ?? join(root, 'suites', model.name, `${basename(file).replace(/\.sh$/, '')}.yaml`);
  if (!/\.ya?ml$/.test(out)) throw new CommandError(`--out ${out}: a suite file ends in .yaml`);
  const yaml = suiteYaml(imported, model, opts.version !== undefined ? version : undefined, basename(file));
  // the suite must load as any other, or nothing is written
  const suite = guard(() => parseSuite(out, yaml, stepValidator));
  // its golden folder must be its own, as run and update of the suite will require
  try {
    checkGoldenOwners(root, [suite]);
  } catch (e) {
    if (e instanceof GoldenError) throw new CommandError(`${e.message} (nothing written)`);
    throw e;
  }
  const goldens = suite.tests.flatMap((t, i) => {
    const golden = imported.tests[i].golden;
    return golden === undefined ? [] : [{ path: goldenFile(root, suite, t), text: `${golden}\n` }];
  });
  writeAll([{ path: resolve(out), text: yaml }, ...goldens], io);
  return 0;
}

/** a suite's test-*.sh text, with runtime values (pid lists) taken from a run of the script itself */
export function exportSuiteScript(root: string, given: Suite): string {
  // a comparison suite exports as it runs under its own model, with that model's golden logs
  const suite = runnableVariants(given)[0];
  const goldens = suite.tests.map((t) => readGolden(goldenFile(root, suite, t)));
  const missing = suite.tests.find((t, i) => goldens[i] === undefined && !t.disabled);
  if (missing) throw new CommandError(`${suite.file}:${missing.line}: test '${missing.title}' has no golden log (create it with: klp-selftest update)`);
  let comments: SuiteComments | undefined;
  try {
    comments = suiteComments(readFileSync(suite.file, 'utf8'));
  } catch {
    comments = undefined;
  }
  const first = exportScript({ suite, goldens, comments });
  const capture = computedVariables(suite);
  if (!capture.length) return first;
  const name = `${suite.name}.sh`;
  const run = runScript(guard(() => parseScript(name, first, suite.model)), suite.model, suite.version, capture);
  return exportScript({ suite, goldens, comments, runtime: run.tests.map((t) => t.vars) });
}

/**
 * `export`: one test-<name>.sh per suite, into --out (default: the current directory);
 * suites of several models go to one subdirectory per model, as each is its own tree.
 */
export function exportCommand(root: string, suites: Suite[], opts: { out?: string }, io: CommandIo): number {
  const dir = resolve(opts.out ?? '.');
  const perModel = new Set(suites.map((s) => s.model.name)).size > 1;
  const files = suites.map((s) => ({
    path: join(dir, perModel ? s.model.name : '', `${s.name.startsWith('test-') ? s.name : `test-${s.name}`}.sh`),
    text: exportSuiteScript(root, s),
  }));
  const dup = files.find((f, i) => files.findIndex((g) => g.path === f.path) !== i);
  if (dup) throw new CommandError(`${dup.path}: two suites export to the same file; export them to different --out directories`);
  writeAll(files, io);
  return 0;
}
