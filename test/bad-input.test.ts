// Every class of bad input and fault a new user met (issue 10): one line naming file:line
// (test, step), a non-zero exit, no stack trace, and no file touched.
import t, { type Test } from 'tap';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, ROOT } from '../harness/cli.js';
import { modelNames } from '../harness/models.js';

function cli(argv: string[]) {
  let out = '';
  let err = '';
  const status = main(argv, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, env: {} });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-bad-'));
let n = 0;
/** a suite file of `steps` in one test (or the whole text, when it has `kernel:`) */
function suite(body: string, model = 'mainline'): string {
  const p = join(dir, `s${++n}.yaml`);
  writeFileSync(p, body.includes('kernel:') ? body : `kernel: ${model}\ntests:\n  - title: t\n    steps:\n${body}`);
  return p;
}
const steps = (...s: string[]) => s.map((x) => `      - ${JSON.stringify(x)}\n`).join('');

/** every file under expected/ with its size and time: what "no file touched" compares */
function snapshot(): string {
  return readdirSync(join(ROOT, 'expected'), { recursive: true })
    .map(String)
    .sort()
    .map((f) => {
      const st = statSync(join(ROOT, 'expected', f));
      return `${f} ${st.size} ${st.mtimeMs}`;
    })
    .join('\n');
}
const before = snapshot();
t.teardown(() => {
  if (snapshot() !== before) throw new Error('a bad input touched expected/');
});

/** loading refuses the suite: exactly these lines, exit 2, nothing on stdout */
function refused(t: Test, p: string, want: RegExp[], cmd = 'run') {
  const r = cli([cmd, p]);
  t.equal(r.status, 2, 'exit 2');
  t.equal(r.out, '', 'nothing ran');
  const lines = r.err.replace(/\n$/, '').split('\n');
  t.equal(lines.length, want.length, `${want.length} line(s): ${r.err}`);
  want.forEach((w, i) => t.match(lines[i], w));
  t.notMatch(r.err, /\n\s+at /, 'no stack trace');
}

/** the suite runs and stops at a step: the error is the last line on stderr, exit 1 */
function stops(t: Test, p: string, want: RegExp) {
  const r = cli(['trace', p]);
  t.equal(r.status, 1, 'exit 1');
  const lines = r.err.replace(/\n$/, '').split('\n');
  t.match(lines[lines.length - 1], want);
  t.notMatch(r.err, /internal error|\n\s+at /, 'no internal error, no stack trace');
}

t.test('an unquoted version is read as written', async (t) => {
  refused(t, suite('kernel: mainline\nversion: 7.30\ntests:\n  - title: t\n    steps: [log x]\n'), [
    /^klp-selftest: .*s\d+\.yaml:2: kernel mainline covers versions .*, not 7\.30$/,
  ]);
});

t.test("' #' inside a plain step: YAML's comment is named", async (t) => {
  refused(t, suite('      - skip "needs # real hw"\n'), [
    /s\d+\.yaml:5: test 't', step 1 \(skip "needs\): unterminated quote.*YAML ended this step at ' #', which starts a comment: quote the whole step$/,
  ]);
});

t.test('every error of a suite, and of every suite, one line each, in line order', async (t) => {
  const a = suite('kernel: mainline\ntests:\n  - title: a\n    stpes: []\n  - title: b\n    steps:\n      - lod_lp x\n      - "if"\n');
  const b = suite('kernel: mianline\ntests:\n  - title: a\n    steps: [log x]\n');
  const r = cli(['run', a, b]);
  t.equal(r.status, 2);
  t.same(
    r.err.replace(/\n$/, '').split('\n').map((l) => l.replace(/^.*?(s\d+\.yaml)/, '$1')),
    [
      `${a.replace(/^.*\//, '')}:3: test 'a': missing steps`,
      `${a.replace(/^.*\//, '')}:4: test 1: unknown key 'stpes' (did you mean steps? expected title, steps, disabled)`,
      `${a.replace(/^.*\//, '')}:7: test 'b', step 1 (lod_lp x): unknown command: lod_lp (did you mean load_lp?)`,
      `${a.replace(/^.*\//, '')}:8: test 'b', step 2 (if): unexpected end of input: missing 'then'`,
      `${b.replace(/^.*\//, '')}:1: unknown kernel model 'mianline' (did you mean mainline? known: ${modelNames().join(', ')})`,
    ],
  );
});

t.test('a helper without its argument is refused, when loaded or when run', async (t) => {
  refused(t, suite(steps('load_lp')), [/step 1 \(load_lp\): missing MODULE \(usage: load_lp MODULE \[ARGS\.\.\.\]\)$/]);
  refused(t, suite(steps('check_sysfs_value test_klp_livepatch enabled')), [/missing VALUE \(usage: check_sysfs_value MODULE PATH VALUE\)$/]);
  refused(t, suite(steps('set_ftrace_enabled --fail')), [/missing VALUE \(usage: set_ftrace_enabled \[--fail\] VALUE\)$/]);
  // poc-2023's modprobe dialect used to fail inside the helper
  refused(t, suite(steps('load_lp'), 'poc-2023'), [/missing MODULE/]);
  // an unset variable expands to no word at all: only the run can tell
  stops(t, suite(steps('unload_mod $NO_SUCH_VAR')), /step 1 \(unload_mod \$NO_SUCH_VAR\): unload_mod: missing MODULE \(usage: unload_mod MODULE\)$/);
  const r = cli(['trace', suite(steps('unload_mod $NO_SUCH_VAR'))]);
  t.notMatch(r.out + r.err, /undefined/, 'no undefined leaks into a path or a message');
});

t.test('a name of the prototype chain is no command', async (t) => {
  refused(t, suite(steps('constructor')), [/unknown command: constructor$/]);
  refused(t, suite(steps('toString x')), [/unknown command: toString$/]);
});

t.test('a step too deeply nested, or a printf field too wide, is an error of the step', async (t) => {
  refused(t, suite(steps(`echo ${'$('.repeat(3000)}true${')'.repeat(3000)}`)), [/step 1 \(.*\): nested too deeply for the step shell \(its stack ran out\)$/]);
  stops(t, suite(steps(`(( ${'('.repeat(20000)}1${')'.repeat(20000)} ))`, 'die after')), /step 2 \(die after\): ERROR: after$|nested too deeply/);
  const r = cli(['trace', suite(steps('printf "%0600000000d" 1'))]);
  t.equal(r.status, 0);
  t.match(r.err, /^bash: line 1: printf: %0600000000d: field width or precision over the step shell's limit \(1048576\)$/m);
});

t.test('a loop that never ends, or a wait nothing ends, would hang a real machine: one error naming the step', async (t) => {
  stops(t, suite(steps('log before', 'while true; do :; done')), /s\d+\.yaml:6: test 't', step 2 \(while true; do :; done\): would hang a real machine: a loop never ends/);
  stops(
    t,
    suite(steps('load_lp_nowait test_klp_callbacks_demo', 'load_mod test_klp_callbacks_busy')),
    /step 2 \(load_mod test_klp_callbacks_busy\): would hang a real machine: insmod blocks in wait_for_completion\(\) in test_klp_callbacks_busy, and nothing completes it$/,
  );
});

t.test('split-2020: a per-object module alone has unresolved symbols; modinfo reads it all the same', async (t) => {
  const p = suite(steps('modinfo -F livepatch test_klp_callbacks_demo__test_klp_callbacks_mod', 'load_lp test_klp_callbacks_demo__test_klp_callbacks_mod'), 'split-2020');
  const r = cli(['trace', p, '--dmesg']);
  t.equal(r.status, 1);
  t.match(r.err, /^Y$/m, 'modinfo works');
  t.match(r.out, /test_klp_callbacks_demo__test_klp_callbacks_mod: Unknown symbol pre_patch_callback \(err -2\)/, 'the loader says which symbol');
  t.match(r.err, /step 2 \(load_lp .*\): ERROR: modprobe: ERROR: could not insert 'test_klp_callbacks_demo__test_klp_callbacks_mod': Unknown symbol in module/);
  t.notMatch(r.err, /internal error/);
});

t.test('a block step that fails is reported on one line', async (t) => {
  const p = suite('kernel: mainline\ntests:\n  - title: t\n    steps:\n      - |\n        log a\n        die "boom"\n');
  const r = cli(['trace', p]);
  t.equal(r.status, 1);
  t.match(r.err.replace(/\n$/, '').split('\n').at(-1), /s\d+\.yaml:5: test 't', step 1 \(log a\\ndie "boom"\\n\): ERROR: boom$/);
});

t.test('a step cannot hold a NUL byte', async (t) => {
  refused(t, suite('kernel: mainline\ntests:\n  - title: t\n    steps:\n      - "log a\\0b"\n'), [/s\d+\.yaml:5: test 1: a step cannot hold a NUL byte/]);
});

t.test('a dangling symbolic link in a suite folder is named', async (t) => {
  const d = join(dir, 'dangling');
  mkdirSync(d);
  writeFileSync(join(d, 'a.yaml'), 'kernel: mainline\ntests:\n  - title: t\n    steps: [log x]\n');
  symlinkSync(join(d, 'nowhere.yaml'), join(d, 'b.yaml'));
  refused(t, d, [/b\.yaml: cannot read \(a dangling symbolic link\)/]);
});

t.test('a closed pipe (| head) ends run, list and trace quietly', async (t) => {
  for (const args of ['run', 'list', 'trace suites/mainline/test-livepatch.yaml']) {
    const r = await execa('bash', ['-c', `set -o pipefail; node bin/klp-selftest.js ${args} | head -c 10 >/dev/null`], { cwd: ROOT, reject: false });
    t.equal(r.stderr, '', `${args}: nothing on stderr`);
    t.ok(r.exitCode === 0 || r.exitCode === 141, `${args}: exit ${r.exitCode}`);
  }
});

t.test('fidelity: /dev/kmsg takes a record of 1024 bytes at most and ends it at a NUL; $(...) drops NULs as bash does', async (t) => {
  const p = suite(
    steps(
      'printf "%01024d" 7 > /dev/kmsg',
      'printf "%01025d" 8 > /dev/kmsg',
      'log "test_klp $(printf "%01100d" 9)"',
      'printf "test_klp a\\0b\\n" > /dev/kmsg',
      'x=$(printf "a\\0b"); log "test_klp $x"',
    ),
  );
  const r = cli(['trace', p, '--dmesg']);
  t.equal(r.status, 0);
  t.match(r.out, /\] 0{1023}7\n/, 'a write of 1024 bytes is one record');
  t.notMatch(r.out, /0{1024}8/, 'one byte more is refused whole');
  t.notMatch(r.out, /0{1099}9/);
  t.same(r.err.split('\n').filter(Boolean), [
    'bash: line 1: printf: write error: Invalid argument',
    'bash: line 1: echo: write error: Invalid argument',
    'bash: line 1: warning: command substitution: ignored null byte in input',
  ]);
  t.match(r.out, /\] test_klp a\n/, 'the record ends at the NUL');
  t.match(r.out, /\] test_klp ab\n/, 'the variable lost its NUL');
});

t.test('a step that would wait longer than 10 minutes of machine time is stopped there', async (t) => {
  stops(t, suite(steps('./test_klp-call_getpid &', 'sleep 100000')), /step 2 \(sleep 100000\): a sleep of 100000 s would make the step take 100000 s of machine time, more than the 600 s a step may take$/);
  stops(t, suite(steps('for i in {1..11}; do sleep 60; done')), /step 1 .*: a sleep of 60 s would make the step take 660 s of machine time/);
});

t.test('nested loops that never end together are a hang too (a pipeline runs its left side in a subshell)', async (t) => {
  stops(
    t,
    suite(steps('n=0; while [ $n -lt 3 ]; do n=$((n + 1)); n=0; while [ $n -lt 3 ]; do n=$((n + 1)); done | cat; done')),
    /would hang a real machine: a loop never ends \(stopped after 100000 iterations in one command line\)$/,
  );
});

t.test('an output folder the file system refuses is one line, not a hang (mkdir -p under /proc)', { skip: process.platform !== 'linux' && 'needs procfs' }, async (t) => {
  // Node's own recursive mkdir loops for ever on procfs's ENOENT (harness/make_dirs.ts)
  const lp = join(ROOT, 'suites/mainline/test-livepatch.yaml');
  for (const [argv, message] of [
    [['export', '--out', '/proc/klp-x', lp], /^klp-selftest: \/proc\/klp-x: cannot write: ENOENT \(nothing written\)\n$/],
    [['explore', '--model', 'mainline', '--runs', '1', '--out', '/proc/klp-x'], /^klp-selftest: explore: --out \/proc\/klp-x: cannot write reproducers there \(ENOENT\)/],
    [['trace', '--timeline', '/proc/klp-x/y', lp], /^klp-selftest: \/proc\/klp-x\/y: cannot create the timeline directory: ENOENT\n$/],
  ] as const) {
    let err = '';
    const status = await main([...argv], { out: () => {}, err: (s) => (err += s), isTTY: false, env: {} });
    t.equal(status, 2, argv.join(' '));
    t.match(err, message);
  }
});

t.test('--model or --version with YAML suites is refused: a suite names its kernel, so the option would be ignored', async (t) => {
  const lp = join(ROOT, 'suites/mainline/test-livepatch.yaml');
  for (const argv of [['run', '--model', 'nope', lp], ['run', '--version', '6.1'], ['trace', '--model', 'v1-2025', lp]]) {
    let err = '';
    const status = await main(argv, { out: () => {}, err: (s) => (err += s), isTTY: false, env: {} });
    t.equal(status, 2, argv.join(' '));
    t.match(err, /^klp-selftest: (run|trace): --(model|version) is for test-\*\.sh scripts; a suite names its kernel in 'kernel:' \(see: klp-selftest (run|trace) --help\)\n$/);
  }
});
