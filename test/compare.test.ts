// compare: models that agree, differ and cannot run; dialect normalisation; exit codes;
// and comparison suites checked per model by `run`.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, ROOT } from '../harness/cli.js';
import { compareSuite } from '../harness/compare/compare.js';
import { normaliseLog } from '../harness/compare/dialect.js';
import { runnableVariants } from '../harness/compare/variant.js';
import { allModels, findModel } from '../harness/models.js';
import { goldenFile } from '../harness/selftest/golden.js';
import { loadSuite } from '../harness/selftest/suite.js';
import { stepValidator } from '../harness/selftest/validate.js';

function run(argv: string[]) {
  let out = '';
  let err = '';
  const status = main(argv, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, env: {} });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-compare-'));
function suite(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const model = (name: string) => findModel(name)!;

// test_klp_livepatch is the same module in mainline, v1-2025 (insmod) and poc-2023 (modprobe)
const basic = suite(
  'basic.yaml',
  `kernel: mainline
tests:
  - title: basic function patching
    steps:
      - load_lp test_klp_livepatch
      - disable_lp test_klp_livepatch
      - unload_lp test_klp_livepatch
`,
);

t.test('models that agree are the same, across dialects', async (t) => {
  const c = compareSuite(loadSuite(basic, stepValidator), [model('mainline'), model('v1-2025'), model('poc-2023')]);
  t.same(c.models, ['mainline', 'v1-2025', 'poc-2023']);
  t.same(c.rows[0].cells.map((x) => x.verdict), ['baseline', 'same', 'same']);
  t.same(c.diffs, []);
  // poc-2023 logged "% modprobe test_klp_livepatch"; it is compared in mainline's wording
  t.match(c.rows[0].cells[2].log, /^% insmod test_modules\/test_klp_livepatch\.ko$/m);
  t.notMatch(c.rows[0].cells[2].log, /% modprobe/);
});

t.test('a model without the module cannot run the test; the others still do', async (t) => {
  const c = compareSuite(loadSuite(basic, stepValidator), [model('mainline'), model('split-2020'), model('v1-2025')]);
  const [, split, v1] = c.rows[0].cells;
  t.equal(split.verdict, 'cannot run');
  t.equal(split.reason, 'cannot run: test_klp_livepatch is not in split-2020');
  t.equal(v1.verdict, 'same');
});

t.test('a model without a helper cannot run the test', async (t) => {
  const p = suite(
    'helper.yaml',
    `kernel: v1-2025
tests:
  - title: uses a v1 helper
    steps:
      - load_lp test_klp_livepatch
      - check_object_patched test_klp_livepatch vmlinux 1
      - disable_lp test_klp_livepatch
      - unload_lp test_klp_livepatch
`,
  );
  const c = compareSuite(loadSuite(p, stepValidator), [model('v1-2025'), model('mainline')]);
  t.equal(c.rows[0].cells[1].verdict, 'cannot run');
  t.equal(c.rows[0].cells[1].reason, 'cannot run: check_object_patched is not in mainline');
});

t.test('models that differ get a unified diff labelled with their names', async (t) => {
  const states = loadSuite(join(ROOT, 'suites/compare/states.yaml'), stepValidator);
  const c = compareSuite({ ...states, tests: states.tests.slice(0, 1) }, [model('mainline'), model('poc-2023'), model('v1-2025')]);
  t.same(c.rows[0].cells.map((x) => x.verdict), ['baseline', 'differs', 'differs']);
  t.equal(c.diffs.length, 2);
  t.match(c.diffs[0].text, /^--- mainline\n\+\+\+ poc-2023\n@@ /);
  // mainline refuses the cumulative patch that drops the state; poc-2023 runs the state's disable
  t.match(c.diffs[0].text, /^-livepatch: Livepatch patch \(test_klp_atomic_replace\) is not compatible/m);
  t.match(c.diffs[0].text, /^\+test_klp_state: disable_state_callback: state 1$/m);
  // the load lines were reworded, so they are context, not changes
  t.notMatch(c.diffs[0].text, /^[-+]% (insmod|modprobe)/m);
});

t.test('dialect normalisation rewords load lines only', async (t) => {
  const dialectOf = (name: string) => findModel(name)!.dialect;
  const log = ['% modprobe test_klp_state no_state=1', '% modprobe test_klp_state', '% rmmod test_klp_state', 'livepatch: % modprobe x'].join('\n');
  t.equal(
    normaliseLog(log, dialectOf('poc-2023'), dialectOf('mainline')),
    ['% insmod test_modules/test_klp_state.ko no_state=1', '% insmod test_modules/test_klp_state.ko', '% rmmod test_klp_state', 'livepatch: % modprobe x'].join('\n'),
  );
  t.equal(normaliseLog('% insmod test_modules/a.ko x=1', dialectOf('v1-2025'), dialectOf('shadow-gc-2022')), '% modprobe a x=1');
  t.equal(normaliseLog(log, dialectOf('poc-2023'), dialectOf('shadow-gc-2022')), log, 'same wording: untouched');
});

t.test('the CLI: matrix, the dialect note, --json, exit codes', async (t) => {
  let r = run(['compare', basic, '--models', 'mainline,poc-2023,split-2020']);
  t.equal(r.status, 0);
  t.match(r.out, /^test\s+mainline\s+poc-2023\s+split-2020$/m);
  t.match(r.out, /^01 basic function patching\s+baseline\s+same\s+cannot run$/m);
  t.match(r.out, /dialects: `% insmod test_modules\/X\.ko` \(.*mainline.*\) and `% modprobe X` \(.*poc-2023.*\) are the same step/);
  t.match(r.out, /01 split-2020: cannot run: test_klp_livepatch is not in split-2020/);
  r = run(['compare', join(ROOT, 'suites/compare/states.yaml'), '--json', '--models', 'mainline,v1-2025']);
  t.equal(r.status, 0, 'differences are not a failure');
  const j = JSON.parse(r.out);
  t.equal(j.suites[0].baseline, 'mainline');
  t.match(j.suites[0].dialects, /are the same step; load lines are compared in mainline's wording/);
  t.same(j.suites[0].rows[0].cells.map((c: { verdict: string }) => c.verdict), ['baseline', 'differs']);
  t.ok(j.suites[0].diffs.length >= 1);
  for (const bad of [['compare'], ['compare', basic, '--models', 'linux-2.4'], ['compare', basic, '--nope'], ['compare', join(dir, 'missing.yaml')]]) {
    r = run(bad);
    t.equal(r.status, 2, bad.join(' '));
    t.equal(r.out, '');
    t.match(r.err, /^klp-selftest: /);
  }
});

t.test('every registered model is a column by default, and run checks each model\'s golden logs', async (t) => {
  const states = loadSuite(join(ROOT, 'suites/compare/states.yaml'), stepValidator);
  const variants = runnableVariants(states);
  t.same(variants.map((s) => s.model.name), allModels().map((m) => m.name));
  const v1 = variants.find((s) => s.model.name === 'v1-2025')!;
  t.equal(goldenFile(ROOT, v1, v1.tests[0]), join(ROOT, 'expected/compare/v1-2025/states/01-does-a-cumulative-replace-that-drops-a-state-undo-the-state.log'));
  const split = variants.find((s) => s.model.name === 'split-2020')!;
  t.ok(split.tests.every((x) => x.disabled && /^cannot run: test_klp_state2? is not in split-2020$/.test(x.skipReason ?? '')));
  t.same(runnableVariants(loadSuite(basic, stepValidator)).length, 1, 'an ordinary suite runs once');
  const r = run(['run', join(ROOT, 'suites/compare/states.yaml')]);
  t.equal(r.status, 0);
  t.match(r.out, /# selftests: poc-2023: states/);
  t.match(r.out, /# SKIP cannot run: test_klp_state is not in shadow-gc-2022/);
});

t.test('compare: in a suite must be true or false', async (t) => {
  const p = suite('badcompare.yaml', 'kernel: mainline\ncompare: 1\ntests:\n  - title: x\n    steps: [log hi]\n');
  const r = run(['run', p]);
  t.equal(r.status, 2);
  t.match(r.err, /badcompare\.yaml:2: compare must be true or false/);
  t.equal(r.out, '');
});

t.test('the matrix in the README is what compare gives today', async (t) => {
  const readme = (await import('node:fs')).readFileSync(join(ROOT, 'README.md'), 'utf8');
  const header = readme.split('\n').find((l) => l.startsWith('| suite: test |'))!;
  t.ok(header, 'the README has the matrix');
  const cols = header.split('|').slice(2, -1).map((c) => c.trim());
  t.same([...cols].sort(), allModels().map((m) => m.name).sort(), 'a column for every registered model');
  const files = ['callbacks', 'shadow-vars', 'speaker', 'states'].map((n) => join(ROOT, `suites/compare/${n}.yaml`));
  for (const f of files) {
    const s = loadSuite(f, stepValidator);
    const c = compareSuite(s, cols.map(model));
    for (const row of c.rows) {
      const byModel = new Map(row.cells.map((x) => [x.model, x.verdict]));
      const line = `| ${s.name}: ${row.title} | ${cols.map((m) => byModel.get(m)).join(' | ')} |`;
      t.ok(readme.includes(line), line);
    }
  }
});

t.test('a test that dies under one model: its log is compared, the later tests cannot run there', async (t) => {
  const p = suite(
    'dies.yaml',
    `kernel: mainline
tests:
  - title: disable a patch whose state blocks it
    steps:
      - load_lp test_klp_state state_block_disable=1
      - disable_lp test_klp_state
      - unload_lp test_klp_state
  - title: afterwards
    steps:
      - load_lp test_klp_livepatch
      - disable_lp test_klp_livepatch
      - unload_lp test_klp_livepatch
`,
  );
  const c = compareSuite(loadSuite(p, stepValidator), [model('mainline'), model('v1-2025')]);
  const [first, second] = c.rows.map((r) => r.cells[1]);
  t.equal(first.verdict, 'differs');
  t.match(first.error, /step 2 \(disable_lp test_klp_state\): ERROR: failed to disable livepatch test_klp_state/);
  t.match(first.log, /^livepatch: The livepatch 'test_klp_state' does not support disable$/m);
  t.equal(second.verdict, 'cannot run');
  t.match(second.reason, /^cannot run: test 1 ended the run$/);
  t.equal(c.rows[1].cells[0].verdict, 'baseline', 'the baseline ran it');
  const r = run(['compare', p, '--models', 'v1-2025']);
  t.match(r.out, /^01 v1-2025: ended with an error: /m);
});
