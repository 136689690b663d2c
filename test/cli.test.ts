// The CLI on bad input and on its regular jobs: one clear line naming file and line, a
// non-zero exit, no stack trace, nothing written.
import t from 'tap';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, ROOT } from '../harness/cli.js';
import { loadAll } from '../harness/cli/command.js';
import { displayPath, goldenFile, suiteGoldens } from '../harness/selftest/golden.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const status = main(argv, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, env });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-cli-'));
function suite(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const expectedFiles = () => readdirSync(join(ROOT, 'expected'), { recursive: true }).length;

t.test('malformed YAML names file and line', async (t) => {
  const p = suite('bad-yaml.yaml', 'kernel: mainline\ntests:\n  - title: x\n    steps: [\n');
  const r = run(['run', p]);
  t.equal(r.status, 2);
  t.match(r.err, /^klp-selftest: .*bad-yaml\.yaml:\d+: invalid YAML/);
  t.equal(r.err.trim().split('\n').length, 1, 'one line');
  t.equal(r.out, '', 'nothing ran');
});

t.test('unknown kernel model and unknown keys', async (t) => {
  let r = run(['run', suite('model.yaml', 'kernel: linux-2.4\ntests:\n  - title: x\n    steps: [log hi]\n')]);
  t.equal(r.status, 2);
  t.match(r.err, /model\.yaml:1: unknown kernel model 'linux-2\.4' \(known: mainline/);
  r = run(['run', suite('key.yaml', 'kernel: mainline\ntset:\n  - title: x\n')]);
  t.match(r.err, /key\.yaml:2: unknown key 'tset'/);
  r = run(['run', suite('testkey.yaml', 'kernel: mainline\ntests:\n  - title: x\n    stpes: [log hi]\n')]);
  t.match(r.err, /testkey\.yaml:4: test 1: unknown key 'stpes'/);
});

t.test('an unknown helper is found before anything runs', async (t) => {
  const p = suite('helper.yaml', 'kernel: mainline\ntests:\n  - title: one\n    steps:\n      - load_lp test_klp_livepatch\n      - unlaod_lp test_klp_livepatch\n');
  const r = run(['run', p]);
  t.equal(r.status, 2);
  t.match(r.err, /helper\.yaml:6: test 'one', step 2 \(unlaod_lp test_klp_livepatch\): .*unlaod_lp/);
  t.equal(r.out, '');
});

t.test('a step that does not parse', async (t) => {
  const r = run(['run', suite('syntax.yaml', 'kernel: mainline\ntests:\n  - title: one\n    steps:\n      - if true; then log x\n')]);
  t.equal(r.status, 2);
  t.match(r.err, /syntax\.yaml:5: test 'one', step 1 \(if true; then log x\): /);
});

t.test('an unknown module dies with the helper message, naming the step', async (t) => {
  const p = suite('nomod.yaml', 'kernel: mainline\ntests:\n  - title: one\n    steps:\n      - load_lp test_klp_nope\n');
  const r = run(['trace', p]);
  t.equal(r.status, 1);
  // the die message as the script prints it, then the one line naming the step
  t.equal(
    r.err,
    `ERROR: Can't find "test_modules/test_klp_nope.ko", try "make"\n${p}:5: test 'one', step 1 (load_lp test_klp_nope): ERROR: Can't find "test_modules/test_klp_nope.ko", try "make"\n`,
  );
});

t.test('a bad module parameter fails the load as insmod reports it', async (t) => {
  const p = suite('param.yaml', 'kernel: mainline\ntests:\n  - title: one\n    steps:\n      - load_lp test_klp_atomic_replace replace=abc\n');
  const r = run(['trace', p]);
  t.equal(r.status, 1);
  t.match(r.err, /param\.yaml:5: test 'one', step 1 \(load_lp test_klp_atomic_replace replace=abc\): ERROR: insmod: ERROR: could not insert module test_modules\/test_klp_atomic_replace\.ko: Invalid parameters/);
  t.match(r.out, /test_klp_atomic_replace: `abc' invalid for parameter `replace'/, 'the kernel said why');
});

t.test("a suite's golden files resolved once per suite are goldenFile() and displayPath() of each test, from any folder", async (t) => {
  const suites = loadAll([], { variants: true });
  const cwd = process.cwd();
  t.teardown(() => process.chdir(cwd));
  for (const from of [ROOT, join(ROOT, 'expected', 'mainline'), dir]) {
    process.chdir(from);
    let n = 0;
    for (const suite of suites) {
      const goldens = suiteGoldens(ROOT, suite);
      for (const test of suite.tests) {
        const path = goldenFile(ROOT, suite, test);
        if (goldens.file(test) !== path || goldens.shown(test) !== displayPath(ROOT, path)) t.fail(`${suite.file}: ${test.title} from ${from}`);
        n++;
      }
    }
    t.ok(n > 100, `${n} tests compared from ${from}`);
  }
});

t.test('a missing golden file fails the test and writes nothing', async (t) => {
  const before = expectedFiles();
  const p = suite('no-golden-here.yaml', 'kernel: mainline\ntests:\n  - title: just a log line\n    steps:\n      - \'log "livepatch: hello"\'\n');
  const r = run(['run', p]);
  t.equal(r.status, 1);
  t.match(r.out, /# missing golden file .*expected\/mainline\/no-golden-here\/01-just-a-log-line\.log \(create it with: klp-selftest update .*no-golden-here\.yaml\)/);
  t.match(r.out, /^    not ok 1 just a log line$/m);
  t.match(r.out, /^not ok 1 selftests: mainline: no-golden-here$/m);
  t.match(r.out, /^0 passed, 1 failed$/m);
  t.equal(expectedFiles(), before);
});

t.test('a suite name that would leave expected/ is refused', async (t) => {
  const r = run(['run', suite('...yaml', 'kernel: mainline\ntests:\n  - title: x\n    steps: [log hi]\n')]);
  t.equal(r.status, 2);
  t.match(r.err, /suite name '\.\.' cannot name a golden directory/);
});

t.test('duplicate titles would share a golden file', async (t) => {
  const r = run(['run', suite('dup.yaml', 'kernel: mainline\ntests:\n  - title: A b\n    steps: [log 1]\n  - title: a-B\n    steps: [log 2]\n')]);
  t.equal(r.status, 2);
  t.match(r.err, /dup\.yaml:5: test 'a-B': same golden name as test 1/);
});

t.test('update refuses to write under CI and --check only reports', async (t) => {
  const p = suite('ci.yaml', 'kernel: mainline\ntests:\n  - title: x\n    steps: [log hi]\n');
  const before = expectedFiles();
  let r = run(['update', p], { CI: 'true' });
  t.equal(r.status, 2);
  t.match(r.err, /CI is set: refusing to write golden files/);
  r = run(['update', '--check', p], { CI: 'true' });
  t.equal(r.status, 1, 'a file would be created');
  t.match(r.out, /would be created: .*expected\/mainline\/ci\/01-x\.log/);
  t.equal(expectedFiles(), before);
  t.notOk(existsSync(join(ROOT, 'expected/mainline/ci')));
});

t.test('the golden logs in the tree are up to date', async (t) => {
  const r = run(['update', '--check']);
  t.equal(r.status, 0, r.out);
  t.match(r.out, /0 created, 0 updated, \d+ unchanged \(check only/);
});

t.test('a suite outside suites/ cannot use a shipped suite\'s golden files', async (t) => {
  const p = suite('test-livepatch.yaml', 'kernel: mainline\ntests:\n  - title: basic function patching\n    steps:\n      - load_lp test_klp_livepatch\n');
  for (const cmd of ['run', 'update']) {
    const r = run([cmd, p]);
    t.equal(r.status, 2, cmd);
    t.match(r.err, /^klp-selftest: .*test-livepatch\.yaml: its golden folder expected\/mainline\/test-livepatch belongs to suites\/mainline\/test-livepatch\.yaml/);
    t.equal(r.out, '');
  }
});

t.test('a comparison suite keeps its golden files in expected/compare/<model>/: orphans there are reported, and the folder is its own', async (t) => {
  const orphan = join(ROOT, 'expected/compare/mainline/callbacks/99-a-test-that-went.log');
  t.teardown(() => rmSync(orphan, { force: true }));
  writeFileSync(orphan, 'livepatch: gone\n');
  let r = run(['run', join(ROOT, 'suites/compare/callbacks.yaml')]);
  t.match(r.out, /orphan golden file .*expected\/compare\/mainline\/callbacks\/99-a-test-that-went\.log: no test of .*callbacks\.yaml writes it/);
  const p = suite('callbacks.yaml', 'kernel: mainline\ncompare: true\ntests:\n  - title: target module before livepatch\n    steps:\n      - load_mod test_klp_callbacks_mod\n');
  r = run(['run', p]);
  t.equal(r.status, 2);
  t.match(r.err, /its golden folder expected\/compare\/mainline\/callbacks belongs to suites\/compare\/callbacks\.yaml/);
});

t.test('a mismatch prints the diff as check_result does, names the golden file and how to update it', async (t) => {
  const name = `mismatch-${process.pid}`;
  const golden = join(ROOT, 'expected/mainline', name);
  t.teardown(() => rmSync(golden, { recursive: true, force: true }));
  mkdirSync(golden, { recursive: true });
  // the log of test-livepatch's first test, with the step that unloads the patch left out of the suite
  writeFileSync(join(golden, '01-basic-function-patching.log'), readFileSync(join(ROOT, 'expected/mainline/test-livepatch/01-basic-function-patching.log')));
  const p = suite(`${name}.yaml`, 'kernel: mainline\ntests:\n  - title: basic function patching\n    steps:\n      - load_lp test_klp_livepatch\n      - disable_lp test_klp_livepatch\n');
  const r = run(['run', p]);
  t.equal(r.status, 1);
  // what GNU diff -upr prints for it, function context cut at 40 characters included
  t.match(r.out, /    # --- expected\n    # \+\+\+ result\n    # @@ -9,4 \+9,3 @@ livepatch: 'test_klp_livepatch': initial\n/);
  t.match(r.out, /^    # -% rmmod test_klp_livepatch$/m);
  t.match(r.out, new RegExp(`# the log differs from .*expected/mainline/${name}/01-basic-function-patching\\.log; if the change is intended: klp-selftest update .*${name}\\.yaml`));
  const c = run(['update', '--check', p]);
  t.equal(c.status, 1);
  t.match(c.out, /would be updated: .*01-basic-function-patching\.log\n--- expected\n\+\+\+ result\n@@ /, 'update --check shows the diff');
});

t.test('the binary prints one line and no stack trace', async (t) => {
  const p = suite('bin.yaml', 'kernel: mainline\ntests: 3\n');
  const r = await execa(process.execPath, [join(ROOT, 'bin/klp-selftest.js'), 'run', p], { reject: false });
  t.equal(r.exitCode, 2);
  t.equal(r.stderr.split('\n').length, 1);
  t.notMatch(r.stderr, /at .*\.ts:\d+/);
  const u = await execa(process.execPath, [join(ROOT, 'bin/klp-selftest.js'), 'frobnicate'], { reject: false });
  t.equal(u.exitCode, 2);
  t.match(u.stderr, /^klp-selftest: unknown command 'frobnicate'/);
});

t.test('a step that dies ends its suite: later tests are reported, not run', async (t) => {
  const p = suite(
    'dies.yaml',
    'kernel: mainline\ntests:\n  - title: first\n    steps:\n      - die "stop here"\n  - title: second\n    steps:\n      - log hi\n  - title: third\n    disabled: true\n    steps: [log x]\n',
  );
  const r = run(['run', p]);
  t.equal(r.status, 1);
  t.match(r.out, new RegExp(`# ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: test 'first', step 1 \\(die "stop here"\\): ERROR: stop here`));
  t.match(r.out, /^    not ok 1 first$/m);
  t.match(r.out, /^    ok 2 second # SKIP not run: test 1 ended the run$/m, 'one failure reads as one');
  t.match(r.out, /^    ok 3 third # SKIP disabled$/m);
  t.match(r.out, /^not ok 1 selftests: mainline: dies$/m);
  t.match(r.out, /^# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:2 error:1$/m);
  t.match(r.out, /^0 passed, 1 failed \(1 could not finish\), 2 skipped$/m);
});

t.test('skip skips the current test only', async (t) => {
  const p = suite('skips.yaml', 'kernel: mainline\ntests:\n  - title: first\n    steps:\n      - skip "no such feature"\n  - title: second\n    steps:\n      - log hi\n');
  const r = run(['trace', p]);
  t.equal(r.status, 0);
  t.equal(r.out, '=== TEST: second\n');
});
