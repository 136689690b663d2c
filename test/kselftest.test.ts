// The kernel-tree round trip: suites exported as test-*.sh reproduce upstream's
// check_result texts, run green, pass bash -n and shellcheck, and import back to the same
// suite; the released 6.1 and 6.12 scripts import with nothing but comments skipped and run green.
import { runnableVariants } from '../harness/compare/variant.js';
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { collectSuites, isCI, main, ROOT } from '../harness/cli.js';
import { findModel, modelAt, modelNames } from '../harness/models.js';
import { goldenFile, readGolden } from '../harness/selftest/golden.js';
import { loadSuite, parseSuite, type Suite } from '../harness/selftest/suite.js';
import { stepValidator } from '../harness/selftest/validate.js';
import { exportSuiteScript, importCommand } from '../harness/kselftest/commands.js';
import { computedVariables, computedWords, suiteComments, withVariables } from '../harness/kselftest/export.js';
import { importScript, suiteYaml } from '../harness/kselftest/import.js';
import { runScript } from '../harness/kselftest/run.js';
import { parseScript, ScriptError } from '../harness/kselftest/script.js';

const REFERENCE = join(ROOT, '..', 'shared', 'reference');
/**
 * The round trips with upstream's own scripts and cases need ../shared, which a user's clone
 * does not have: there they are skipped, saying so; in CI its absence is a failure.
 */
const NEEDS_REFERENCE = { skip: existsSync(REFERENCE) ? false : `${REFERENCE} does not exist (a user's clone)` };
if (!existsSync(REFERENCE) && isCI(process.env)) t.fail(`${REFERENCE} does not exist: in CI the scripts must round-trip against upstream's`);
// a comparison suite takes part as it runs under its own model (its golden logs are per model)
const suites: Suite[] = collectSuites([join(ROOT, 'suites')]).map((f) => runnableVariants(loadSuite(f, stepValidator))[0]);
const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-kselftest-'));
const mainline = findModel('mainline')!;

interface Case {
  index: number;
  expected: string;
  variants?: { expected: string }[];
}

function referenceCases(script: string): Case[] {
  const d = join(REFERENCE, 'cases', 'mainline', script);
  return readdirSync(d)
    .sort()
    .map((f) => parseYaml(readFileSync(join(d, f), 'utf8')) as Case);
}

const exported = new Map(suites.map((s) => [s, exportSuiteScript(ROOT, s)]));
const parsed = new Map(suites.map((s) => [s, parseScript(`${s.name}.sh`, exported.get(s)!, s.model)]));
// one run of each exported script serves every test below
const runs = new Map(suites.map((s) => [s, runScript(parsed.get(s)!, s.model, s.version, computedVariables(s))]));

t.test('export of each mainline suite reproduces the upstream check_result texts', NEEDS_REFERENCE, async (t) => {
  const known = readdirSync(join(REFERENCE, 'cases', 'mainline'));
  const covered = new Set<string>();
  for (const suite of suites.filter((s) => s.model.name === 'mainline' && known.includes(s.name))) {
    covered.add(suite.name);
    const run = runs.get(suite)!;
    const cases = referenceCases(suite.name);
    t.equal(run.tests.length, cases.length, `${suite.name}: as many tests as upstream`);
    for (const c of cases) {
      const r = run.tests[c.index - 1];
      // upstream's runtime values (test-syscall's $pid_list) as this run chose them
      const texts = [c.expected, ...(c.variants ?? []).map((v) => v.expected)].map((e) =>
        e.replace(/\$([a-z_]+)/g, (m, name: string) => r.vars?.get(name) ?? m),
      );
      t.ok(texts.includes(r.expected ?? ''), `${suite.name} ${c.index}: check_result text is upstream's`);
    }
  }
  t.same([...covered].sort(), known.sort(), 'every mainline script the reference knows');
});

t.test('each exported script runs green in its model', async (t) => {
  for (const suite of suites) {
    for (const r of runs.get(suite)!.tests) {
      if (r.test.disabled) t.equal(r.status, 'skipped', `${suite.name}: ${r.test.title}: after exit 0`);
      else if (r.status === 'skipped') t.ok(r.reason, `${suite.name}: ${r.test.title}: skipped (${r.reason})`);
      else t.ok(r.status === 'done' && r.log === r.expected, `${suite.name}: ${r.test.title}`);
    }
  }
});

t.test('import of each exported script gives back the suite and its golden logs', async (t) => {
  for (const suite of suites) {
    const file = `${suite.name}.sh`;
    const imported = importScript(parsed.get(suite)!, suite.model, suite.version, runs.get(suite));
    // comments, and the v5.5 test start that the dialect's own start does
    const carried = /skipped: (a comment|the v5\.5 title line|dmesg -C after the title line)/;
    t.same(imported.skipped.filter((s) => !carried.test(s)), [], `${suite.name}: no step skipped`);
    const back = parseSuite(join(dir, `${suite.name}.yaml`), suiteYaml(imported, suite.model, suite.version, file), stepValidator);
    t.same(back.vars, suite.vars, `${suite.name}: vars`);
    t.equal(back.version.join('.'), suite.version.join('.'));
    t.same(
      back.tests.map((x) => ({ title: x.title, disabled: x.disabled, steps: x.steps.map((s) => s.source) })),
      suite.tests.map((x) => ({ title: x.title, disabled: x.disabled, steps: x.steps.map((s) => s.source) })),
      `${suite.name}: tests and steps`,
    );
    t.same(suiteComments(suiteYaml(imported, suite.model, suite.version, file)), suiteComments(readFileSync(suite.file, 'utf8')), `${suite.name}: comments`);
    suite.tests.forEach((test, i) => {
      if (!test.disabled) t.equal(imported.tests[i].golden, readGolden(goldenFile(ROOT, suite, test)), `${suite.name}: ${test.title}: golden`);
    });
  }
});

/** shellcheck's findings, one process for all files (it is the slow part of this file) */
function shellcheck(files: string[]): { file: string; code: string; line: number }[] {
  const r = spawnSync('shellcheck', ['-f', 'gcc', ...files], { encoding: 'utf8' });
  if (r.error) throw new Error(`shellcheck is needed for this test (Debian: apt-get install -y shellcheck): ${r.error.message}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [file, line] = l.split(':');
      return { file, line: Number(line), code: /\[(SC\d+)\]$/.exec(l)?.[1] ?? l };
    });
}

t.test('exported scripts pass bash -n, and shellcheck warns of nothing upstream scripts do not have', NEEDS_REFERENCE, async (t) => {
  const upstream = join(REFERENCE, 'upstream-scripts', '6.12');
  const allowed = new Set(shellcheck(readdirSync(upstream).filter((f) => f.startsWith('test-')).map((f) => join(upstream, f))).map((w) => w.code));
  t.ok(allowed.has('SC2086'), 'the baseline is upstream findings');
  const files = suites.map((suite) => {
    const file = join(dir, suite.model.name, `${suite.name}.sh`);
    const text = exported.get(suite)!;
    mkdirSync(join(dir, suite.model.name), { recursive: true });
    writeFileSync(file, text);
    const n = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    t.equal(n.status, 0, `${suite.name}: bash -n ${n.stderr}`);
    return { file, suite, exitLine: text.split('\n').indexOf('exit 0') + 1 };
  });
  const found = shellcheck(files.map((f) => f.file));
  for (const { file, suite, exitLine } of files) {
    // a test parked after `exit 0` is unreachable, as poc-2023's own FIXME test is
    const extra = found.filter((w) => w.file === file && !allowed.has(w.code) && !(w.code === 'SC2317' && w.line > exitLine));
    t.same(extra, [], `${suite.model.name}/${suite.name}: shellcheck`);
  }
});

for (const [release, count] of [
  ['6.1', 22],
  ['6.12', 25],
] as const) {
  t.test(`the ${release} scripts import with only comments skipped and run green on ${release}`, NEEDS_REFERENCE, async (t) => {
    const d = join(REFERENCE, 'upstream-scripts', release);
    const version = release.split('.').map(Number) as [number, number];
    const model = modelAt(mainline, version);
    let tests = 0;
    for (const f of readdirSync(d).filter((x) => /^test-.*\.sh$/.test(x))) {
      const script = parseScript(f, readFileSync(join(d, f), 'utf8'), model);
      const imported = importScript(script, model, version);
      t.same(imported.skipped.filter((s) => !s.endsWith('skipped: a comment')), [], `${f}: no step skipped`);
      t.ok(imported.tests.length > 0 && imported.tests.every((x) => x.steps.length > 0 && !!x.golden), `${f}: tests with steps and golden logs`);
      const run = imported.run;
      for (const r of run.tests) t.same([r.status, r.log], ['done', r.expected], `${f}: ${r.test.title}: run --version ${release} passes`);
      tests += run.tests.length;
    }
    t.equal(tests, count, `all ${count} tests of the ${release} scripts`);
  });
}

t.test('variables go back where their values appear', async (t) => {
  const vars: Array<[string, string]> = [
    ['MOD_LIVEPATCH', 'test_klp_callbacks_demo'],
    ['MOD_LIVEPATCH2', 'test_klp_callbacks_demo2'],
    ['MOD_TARGET', 'test_klp_callbacks_mod'],
  ];
  t.equal(withVariables('test_klp_callbacks_mod: test_klp_callbacks_mod_init', vars), '$MOD_TARGET: ${MOD_TARGET}_init');
  t.equal(withVariables("'test_klp_callbacks_demo2' 'test_klp_callbacks_demo'", vars), "'$MOD_LIVEPATCH2' '$MOD_LIVEPATCH'");
  t.equal(withVariables('xtest_klp_callbacks_mod', vars), 'xtest_klp_callbacks_mod', 'not inside a longer name');
  t.equal(withVariables('setting key "kernel.x": $1 `a` \\', []), 'setting key \\"kernel.x\\": \\$1 \\`a\\` \\\\');
  const words = computedWords(['load_lp $M klp_pids=$pid_list', 'log "$M: remaining $n"'], new Map([['pid_list', '5,6'], ['n', '0']]), new Map([['M', 'test_klp_syscall']]));
  t.same(words, [['klp_pids=5,6', 'klp_pids=$pid_list']], 'only unquoted words of computed variables');
  t.equal(
    withVariables('% insmod test_klp_syscall.ko klp_pids=5,6\n% echo 0 > x\nRemaining: 5,6 0', [['M', 'test_klp_syscall']], words),
    '% insmod $M.ko klp_pids=$pid_list\n% echo 0 > x\nRemaining: 5,6 0',
  );
});

function script(text: string): string {
  const p = join(dir, `t-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(p, text);
  return p;
}

t.test('what the step shell cannot run is reported as file:line before anything runs', async (t) => {
  const head = '#!/bin/bash\n. $(dirname $0)/functions.sh\nsetup_config\nstart_test "x"\n';
  const bad = (body: string) => {
    const p = script(head + body);
    try {
      parseScript(p, readFileSync(p, 'utf8'), mainline);
      return 'accepted';
    } catch (e) {
      if (!(e instanceof ScriptError)) throw e;
      return e.message.replace(p, basename('F'));
    }
  };
  t.match(bad('load_lp x\ncat <<EOF\nhi\nEOF\n'), /^F:6: here-documents/);
  t.match(bad('load_lp x\nlaod_lp y\n'), /^F:6: unknown command: laod_lp/);
  t.match(bad('case $x in a) ;; esac\n'), /^F:5: /);
  t.match(bad('if true; then\n  echo "unterminated\n'), /^F:6: unterminated quote/);
  t.match(bad('check_result "a"\ncheck_result "b"\n'), /^F:6: check_result outside a test/);
  t.equal(bad('echo ok\ncheck_result ""\n'), 'accepted');
});

t.test('import lists what it cannot carry over, and keeps the v5.5 title line as the title', async (t) => {
  const split = findModel('split-2020')!;
  const p = script(
    [
      '#!/bin/bash',
      '. $(dirname $0)/functions.sh',
      'MOD_TARGET=test_klp_callbacks_mod',
      'NOW=$(date)',
      'setup_config',
      'echo "outside"',
      'echo -n "TEST: target module ... "',
      'dmesg -C',
      'load_mod $MOD_TARGET  # trailing comments stay with their step',
      'unload_mod $MOD_TARGET',
      'check_result "% modprobe $MOD_TARGET',
      '% rmmod $MOD_TARGET"',
      'echo after',
      'exit 0',
    ].join('\n') + '\n',
  );
  const imported = importScript(parseScript(p, readFileSync(p, 'utf8'), split), split, split.versions[1]);
  t.same(
    imported.skipped.map((s) => s.replace(p, 'F')),
    [
      'F:1: skipped: a comment',
      'F:4: skipped: an assignment whose value is not a plain word',
      'F:6: skipped: a command outside a test',
      "F:7: skipped: the v5.5 title line: the test's title, printed by that dialect's test start",
      "F:8: skipped: dmesg -C after the title line: part of that dialect's test start",
      'F:13: skipped: a command outside a test',
    ],
  );
  t.same(imported.vars, [['MOD_TARGET', 'test_klp_callbacks_mod']]);
  t.same(imported.tests.map((x) => [x.title, x.steps, x.golden]), [
    ['target module', ['load_mod $MOD_TARGET  # trailing comments stay with their step', 'unload_mod $MOD_TARGET'], '% modprobe test_klp_callbacks_mod\n% rmmod test_klp_callbacks_mod'],
  ]);
});

t.test("every construct of docs/step-shell.md's table runs", async (t) => {
  const file = join(ROOT, 'test', 'fixtures', 'test-step-shell.sh');
  const run = runScript(parseScript(file, readFileSync(file, 'utf8'), mainline), mainline, mainline.versions[1]);
  t.same(run.tests.map((r) => [r.status, r.error]), [['done', undefined]]);
  t.equal(run.tests[0].log, run.tests[0].expected);
  t.equal(spawnSync('bash', ['-n', file]).status, 0, 'and bash reads it too');
});

t.test('what the table leaves out is rejected with its own message', async (t) => {
  const head = '. $(dirname $0)/functions.sh\nstart_test "x"\n';
  const reject = (body: string) => {
    try {
      parseScript('F', head + body, mainline);
      return 'accepted';
    } catch (e) {
      return (e as Error).message;
    }
  };
  t.equal(reject('case $x in a) ;; esac\n'), "F:3: 'case' is not supported by the step shell");
  t.equal(reject('diff <(echo a) <(echo b)\n'), 'F:3: process substitution (<(...)) is not supported');
  t.equal(reject('x=`uname`\n'), 'F:3: backquote command substitution is not supported; use $(...)');
  t.equal(reject('echo a\ntrap cleanup EXIT\n'), 'F:4: unknown command: trap');
  t.equal(reject('if true; then\n  echo\nfi\nsource x\n'), 'F:6: unknown command: source');
});

function cli(argv: string[]) {
  let out = '';
  let err = '';
  const status = main(argv, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, env: {} });
  return { status, out, err };
}

t.test('the CLI: run, trace, import and export of scripts', NEEDS_REFERENCE, async (t) => {
  const upstream = join(REFERENCE, 'upstream-scripts', '6.12');
  let r = cli(['run', '--version', '6.12', join(upstream, 'test-sysfs.sh')]);
  t.equal(r.status, 0, r.err);
  t.match(r.out, /^4 passed, 0 failed$/m);
  r = cli(['trace', join(upstream, 'test-shadow-vars.sh')]);
  t.match(r.out, /^=== TEST: basic shadow variable API\n% insmod test_modules\/test_klp_shadow_vars\.ko\n/);
  r = cli(['run', '--model', 'linux-2.4', join(upstream, 'test-sysfs.sh')]);
  t.same([r.status, r.err], [2, `klp-selftest: unknown kernel model 'linux-2.4' (known: ${modelNames().join(', ')})\n`]);
  r = cli(['run', '--version', '5.1', join(upstream, 'test-sysfs.sh')]);
  t.match(r.err, /^klp-selftest: kernel mainline covers versions 6\.1, 6\.12 to 7\.3, not 5\.1\n$/);
  r = cli(['run', '--modle', 'x', join(upstream, 'test-sysfs.sh')]);
  t.equal(r.status, 2);
  t.match(r.err, /^klp-selftest: run: unknown option '--modle'/);
  r = cli(['run', join(upstream, 'test-sysfs.sh'), join(ROOT, 'suites', 'mainline', 'test-sysfs.yaml')]);
  t.match(r.err, /scripts \(\.sh\) and suites cannot be run together/);

  // a failing script: the diff against its check_result text, exit 1
  const failing = script(readFileSync(join(upstream, 'test-shadow-vars.sh'), 'utf8').replace('got expected NULL result', 'got something else'));
  r = cli(['run', failing]);
  t.equal(r.status, 1);
  t.match(r.out, /^\s*# -\$?test_klp_shadow_vars:   got something else$/m);

  const out = mkdtempSync(join(tmpdir(), 'klp-selftest-export-'));
  r = cli(['export', join(ROOT, 'suites', 'mainline', 'test-kprobe.yaml'), '--out', out]);
  t.equal(r.status, 0, r.err);
  t.equal(readFileSync(join(out, 'test-kprobe.sh'), 'utf8'), exported.get(suites.find((s) => s.file.endsWith('mainline/test-kprobe.yaml'))!));
  t.equal(statSync(join(out, 'test-kprobe.sh')).mode & 0o777, 0o755, 'executable, as upstream scripts are');
  writeFileSync(join(out, 'test-kprobe.sh'), 'mine\n');
  r = cli(['export', join(ROOT, 'suites', 'mainline', 'test-kprobe.yaml'), '--out', out]);
  t.equal(r.status, 2);
  t.match(r.err, /test-kprobe\.sh: exists with other content; not overwritten \(nothing written\)/);
  t.equal(readFileSync(join(out, 'test-kprobe.sh'), 'utf8'), 'mine\n');
});

t.test('import writes the suite and its golden logs, and nothing over different files', NEEDS_REFERENCE, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'klp-selftest-import-'));
  const io = { out: (s: string) => void (log += s), err: (s: string) => void (log += s), colour: false };
  let log = '';
  const src = join(REFERENCE, 'upstream-scripts', '6.12', 'test-syscall.sh');
  t.equal(importCommand(root, src, { version: '6.12' }, io), 0);
  const yaml = join(root, 'suites', 'mainline', 'test-syscall.yaml');
  const suite = loadSuite(yaml, stepValidator);
  t.same(suite.vars, [['MOD_SYSCALL', 'test_klp_syscall']]);
  t.equal(suite.version.join('.'), '6.12');
  t.match(readGolden(goldenFile(root, suite, suite.tests[0])), /^% insmod test_modules\/test_klp_syscall\.ko klp_pids=\d+,\d+\n/);
  t.match(log, /test-syscall\.sh:1: skipped: a comment\n/);
  t.match(log, /wrote: .*expected\/mainline\/test-syscall\/01-patch-getpid-syscall-while-being-heavily-hammered\.log/);
  // the same import again changes nothing; over another file it writes nothing at all
  log = '';
  t.equal(importCommand(root, src, { version: '6.12' }, io), 0);
  t.notMatch(log, /wrote:/);
  writeFileSync(yaml, 'kernel: mainline\n');
  t.throws(() => importCommand(root, join(REFERENCE, 'upstream-scripts', '6.12', 'test-syscall.sh'), {}, io), /exists with other content/);
  t.equal(readFileSync(yaml, 'utf8'), 'kernel: mainline\n');
});

t.test("import of a suite outside suites/ named like a shipped one is refused: its golden folder is the shipped suite's", NEEDS_REFERENCE, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'klp-selftest-import-owner-'));
  let log = '';
  const io = { out: (s: string) => void (log += s), err: (s: string) => void (log += s), colour: false };
  const src = join(REFERENCE, 'upstream-scripts', '6.12', 'test-syscall.sh');
  t.equal(importCommand(root, src, { version: '6.12' }, io), 0);
  const shippedGoldens = readdirSync(join(root, 'expected', 'mainline', 'test-syscall'));
  const elsewhere = join(mkdtempSync(join(tmpdir(), 'klp-selftest-import-out-')), 'test-syscall.yaml');
  log = '';
  t.throws(() => importCommand(root, src, { version: '6.12', out: elsewhere }, io), /golden folder expected\/mainline\/test-syscall belongs to .*suites\/mainline\/test-syscall\.yaml.*\(nothing written\)/);
  t.notOk(existsSync(elsewhere), 'no suite written');
  t.notMatch(log, /wrote:|unchanged:/);
  t.same(readdirSync(join(root, 'expected', 'mainline', 'test-syscall')), shippedGoldens);
  // under another name its goldens go where run of that suite looks for them
  const renamed = join(dirname(elsewhere), 'test-syscall-mine.yaml');
  t.equal(importCommand(root, src, { version: '6.12', out: renamed }, io), 0);
  const suite = loadSuite(renamed, stepValidator);
  t.ok(existsSync(goldenFile(root, suite, suite.tests[0])));
});

t.test('a check_result the run does not reach is expanded from the plain assignments before it', async (t) => {
  const text = (second: string) =>
    [
      '. $(dirname $0)/functions.sh',
      'MOD_A=test_klp_livepatch',
      'setup_config',
      'start_test "one"',
      'die "stop here"',
      'check_result ""',
      'start_test "two"',
      'MOD_A=test_klp_state',
      `check_result "${second}"`,
    ].join('\n') + '\n';
  const imported = importScript(parseScript('F', text('% rmmod $MOD_A \\"x\\" \\\\n'), mainline), mainline, mainline.versions[1]);
  t.equal(imported.tests[1].golden, '% rmmod test_klp_state "x" \\n');
  t.match(imported.skipped.join('\n'), /^F:9: note: check_result of 'two' expanded without running it/m);
  t.throws(() => importScript(parseScript('F', text('klp_pids=$pid_list'), mainline), mainline, mainline.versions[1]), /F:9: check_result of test 'two' was not reached .* uses a variable set at run time/);
});

t.test('a script that dies or skips outside a test: the first test carries why, the rest do not run', async (t) => {
  const text = (guard: string) => `. $(dirname $0)/functions.sh\nsetup_config\n${guard}\nstart_test "one"\ncheck_result ""\nstart_test "two"\ncheck_result ""\n`;
  let run = runScript(parseScript('F', text('die "no kernel"'), mainline), mainline, mainline.versions[1]);
  t.same(
    run.tests.map((r) => [r.status, r.error]),
    [
      ['error', 'F:3: die "no kernel": ERROR: no kernel'],
      ['not-run', 'not run: an earlier command of F ended the script'],
    ],
  );
  run = runScript(parseScript('F', text('grep -q no_such_symbol /proc/kallsyms || skip "needs no_such_symbol"'), mainline), mainline, mainline.versions[1]);
  t.same(run.tests.map((r) => [r.status, r.reason]), [['skipped', 'SKIP: needs no_such_symbol'], ['skipped', 'SKIP: needs no_such_symbol']], 'skip ends the script, as kselftest reports it');
});
