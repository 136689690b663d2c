// The command line itself: help for every subcommand, one-line refusals, the README's command
// list, KTAP nesting as a TAP parser reads it, --json, --filter, models, --version, CI.
import t from 'tap';
import { Parser } from 'tap-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, commandList, isCI, main, ROOT } from '../harness/cli.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const status = main(argv, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, env });
  return { status, out, err };
}

t.test('every subcommand has --help naming its options, CI, --force, NO_COLOR, KLP_SELFTEST_DEBUG and exit codes', async (t) => {
  for (const c of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      const r = run([c.name, flag]);
      t.equal(r.status, 0, `${c.name} ${flag}`);
      t.match(r.out, new RegExp(`^usage: klp-selftest ${c.name}`));
      for (const o of Object.keys(c.options)) t.match(r.out, `--${o}`);
    }
  }
  const r = run(['--help']);
  t.equal(r.status, 0);
  for (const word of ['CI', '--force', 'NO_COLOR', 'KLP_SELFTEST_DEBUG', 'Exit status', '70']) t.match(r.out, word);
  t.equal(run(['help', 'update']).out, run(['update', '--help']).out);
});

t.test('unknown options, missing values and wrong argument counts are refused in one line', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['run', '--bogus'], /^klp-selftest: run: unknown option '--bogus' \(see: klp-selftest run --help\)\n$/],
    [['list', '-x'], /^klp-selftest: list: unknown option '-x'/],
    [['update', '--check=yes'], /^klp-selftest: update: option '--check' takes no value/],
    [['run', '--filter'], /^klp-selftest: run: option '--filter' needs a value/],
    [['explore', '--model', 'mainline', '--replay-every', '-1'], /^klp-selftest: explore: option '--replay-every' needs a value; write one that starts with a dash as --replay-every=-5/],
    [['trace'], /^klp-selftest: trace: takes exactly 1 argument\(s\): PATH, not 0/],
    [['trace', 'a', 'b'], /^klp-selftest: trace: takes exactly 1/],
    [['models', 'x'], /^klp-selftest: models: takes no arguments/],
    [['--frob'], /^klp-selftest: unknown option '--frob'/],
    [['frobnicate'], /^klp-selftest: unknown command 'frobnicate' \(commands: run, trace/],
  ];
  for (const [argv, want] of cases) {
    const r = run(argv);
    t.equal(r.status, 2, argv.join(' '));
    t.match(r.err, want);
    t.equal(r.err.split('\n').length, 2, 'one line');
    t.equal(r.out, '');
  }
  t.equal(run([]).status, 2, 'no command: usage on stderr');
});

t.test("the README's command list is the CLI's", async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## The CLI\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  t.equal(block, commandList(), 'README.md "## The CLI" lists exactly the commands and options (paste commandList())');
  for (const c of COMMANDS) for (const o of Object.keys(c.options)) t.match(readme, `--${o}`, `README explains ${c.name} --${o}`);
});

t.test('--version prints the package version', async (t) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  t.same(run(['--version']), { status: 0, out: `klp-selftest ${version}\n`, err: '' });
});

t.test('KTAP: a suite is a test with its tests as subtests, as a TAP parser reads it', async (t) => {
  const r = run(['run', join(ROOT, 'suites/mainline/test-livepatch.yaml'), join(ROOT, 'suites/mainline/test-callbacks.yaml')]);
  t.equal(r.status, 0, r.out);
  const results: Array<{ ok: boolean; id: number; name: string; skip: unknown }> = [];
  const children: Array<{ name: string; count: number }> = [];
  const final = await new Promise<{ ok: boolean; count: number; pass: number }>((resolve) => {
    const p = new Parser((res) => resolve(res));
    p.on('assert', (a) => results.push(a));
    p.on('child', (c: Parser) => c.on('complete', (res) => children.push({ name: c.name, count: res.count })));
    p.end(r.out);
  });
  t.equal(final.ok, true);
  t.equal(final.count, 2, 'two suites at the top level');
  t.same(
    results.map((a) => [a.id, a.name]),
    [
      [1, 'selftests: mainline: test-livepatch'],
      [2, 'selftests: mainline: test-callbacks'],
    ],
  );
  t.same(
    children.map((c) => c.count),
    [5, 11],
    'each suite has its tests as subtests',
  );
});

t.test('a title cannot forge KTAP results', async (t) => {
  const dir = t.testdir({
    'forge.yaml': 'kernel: mainline\ntests:\n  - title: "evil # SKIP fake"\n    steps: [die boom]\n  - title: "two\\nnot ok 9 injected"\n    steps: [log x]\n',
  });
  const r = run(['run', join(dir, 'forge.yaml')]);
  t.equal(r.status, 1);
  t.match(r.out, /^    not ok 1 evil \\# SKIP fake$/m);
  t.notMatch(r.out, /^\s*not ok 9/m);
  const final = await new Promise<{ ok: boolean; fail: number; skip: number }>((resolve) => new Parser((res) => resolve(res)).end(r.out));
  t.equal(final.ok, false, 'the failure stays a failure');
});

t.test('--json: per test suite, title, status, diff and time', async (t) => {
  const r = run(['run', '--json', join(ROOT, 'suites/mainline/test-livepatch.yaml')]);
  t.equal(r.status, 0);
  const doc = JSON.parse(r.out) as { tests: Array<Record<string, unknown>>; totals: Record<string, number> };
  t.equal(doc.tests.length, 5);
  t.match(doc.tests[0], { suite: /test-livepatch\.yaml$/, model: 'mainline', title: 'basic function patching', status: 'pass', diff: null, time: Number });
  t.same(doc.totals, { pass: 5, fail: 0, skip: 0, error: 0 });
});

t.test('--filter runs the matching tests only', async (t) => {
  let r = run(['run', '--filter', 'test-livepatch: atomic replace', join(ROOT, 'suites/mainline')]);
  t.equal(r.status, 0, r.out);
  t.match(r.out, /^    ok 1 atomic replace livepatch$/m);
  t.match(r.out, /^1 passed, 0 failed$/m);
  r = run(['run', '--filter', 'mainline/test-livepatch: *patching', join(ROOT, 'suites/mainline')]);
  t.match(r.out, /^2 passed, 0 failed$/m, 'wildcards match the whole name: basic and module function patching');
  r = run(['run', '--filter', 'no such test at all']);
  t.equal(r.status, 2);
  t.match(r.err, /no test matches/);
});

t.test('no suites is an error', async (t) => {
  const dir = t.testdir({ empty: {}, 'link.yaml': t.fixture('symlink', 'nowhere.yaml') });
  let r = run(['run', join(dir, 'empty')]);
  t.equal(r.status, 2);
  t.match(r.err, /empty: no suite files \(\*\.yaml\) in this directory/);
  r = run(['run', join(dir, 'nope')]);
  t.equal(r.status, 2);
  t.match(r.err, /nope: no such file or directory/);
  r = run(['list', dir]);
  t.equal(r.status, 2);
  t.match(r.err, /link\.yaml: cannot read \(a dangling symbolic link\)/);
});

t.test('models lists every model with its versions and modules', async (t) => {
  const r = run(['models']);
  t.equal(r.status, 0);
  for (const m of ['mainline', 'poc-2023', 'v1-2025', 'split-2020', 'shadow-gc-2022']) t.match(r.out, new RegExp(`^${m}: `, 'm'));
  t.match(r.out, /versions: 6\.1, 6\.12 to 7\.3/);
  t.match(r.out, /modules: .*test_klp_livepatch/);
  // mainline lists each release's modules: 6.1 has no test_klp_syscall
  t.match(r.out, /^  modules \(6\.1\): (?!.*test_klp_syscall).*test_klp_livepatch/m);
  t.match(r.out, /^  modules \(6\.12\): .*test_klp_syscall/m);
});

t.test('CI counts as set only with a true value', async (t) => {
  for (const v of ['true', '1', 'yes', 'github']) t.equal(isCI({ CI: v }), true, v);
  for (const v of [undefined, '', '0', 'false', 'FALSE', 'no', 'off']) t.equal(isCI({ CI: v }), false, String(v));
});

t.test('trace --dmesg shows the unfiltered log with timestamps', async (t) => {
  const r = run(['trace', '--dmesg', join(ROOT, 'suites/mainline/test-livepatch.yaml')]);
  t.equal(r.status, 0);
  t.match(r.out, /^=== TEST: basic function patching\n\[ *\d+\.\d{6}\] livepatch kselftest timestamp: /);
  t.match(r.out, /^\[ *\d+\.\d{6}\] ===== TEST: basic function patching =====$/m);
  t.match(r.out, /livepatch: 'test_klp_livepatch': starting patching transition/);
});
