// The timeline SVG: well-formed XML, one lane per task and per patch of the test, the log
// as ticks in log order, stalls, reversals and forcing marked, and the same bytes every run.
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { main, ROOT } from '../harness/cli.js';
import { TimelineRecorder } from '../harness/timeline/record.js';
import { timelineSvg } from '../harness/timeline/svg.js';
import { runSuite } from '../harness/selftest/runner.js';
import { loadSuite } from '../harness/selftest/suite.js';
import { stepValidator } from '../harness/selftest/validate.js';
import type { SelftestSession } from '../harness/selftest/session.js';

type El = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true, trimValues: false });

/** every element named `tag`, depth first, in document order */
function elements(nodes: El[], tag: string, out: El[] = []): El[] {
  for (const node of nodes) {
    for (const [k, v] of Object.entries(node)) {
      if (k === ':@' || k === '#text') continue;
      if (k === tag) out.push(node);
      elements(v as El[], tag, out);
    }
  }
  return out;
}
const attr = (node: El, name: string) => (node[':@'] as Record<string, string> | undefined)?.[`@${name}`];
const titleOf = (node: El, tag: string): string => {
  const kids = node[tag] as El[];
  const title = kids.find((k) => 'title' in k)!;
  return (title.title as El[]).map((x) => x['#text']).join('');
};

function record(file: string) {
  const suite = loadSuite(join(ROOT, file), stepValidator);
  const rec = new TimelineRecorder(suite.name);
  let session: SelftestSession | undefined;
  const tasksAtEnd: string[][] = [];
  const run = runSuite(suite, { observer: {
    booted: (s) => {
      session = s;
      rec.booted(s);
    },
    testStarted: (x) => rec.testStarted(x),
    stepDone: () => rec.stepDone(),
    testEnded: (r) => {
      rec.testEnded(r);
      tasksAtEnd.push(session!.machine.k.tasks.all().filter((x) => !x.exited).map((x) => `${x.comm} (${x.pid})`));
    },
  } });
  return { run, timelines: rec.timelines, tasksAtEnd };
}

const callbacks = record('suites/mainline/test-callbacks.yaml');

t.test('each picture is well-formed XML with one lane per task and per patch, and the log as ticks in order', async (t) => {
  t.equal(callbacks.timelines.length, callbacks.run.tests.length);
  callbacks.timelines.forEach((tl, i) => {
    const svg = timelineSvg(tl);
    t.equal(XMLValidator.validate(svg), true, `${tl.title}: well-formed`);
    t.notMatch(svg, /<script|href=|@import|url\(/, 'self-contained');
    const doc = parser.parse(svg) as El[];
    const lanes = elements(doc, 'g').filter((g) => attr(g, 'class') === 'lane');
    const names = (kind: string) => lanes.filter((g) => attr(g, 'data-kind') === kind).map((g) => attr(g, 'data-name'));
    const tasks = names('task');
    t.equal(new Set(tasks).size, tasks.length, 'one lane per task');
    for (const task of callbacks.tasksAtEnd[i]) t.ok(tasks.includes(task), `${tl.title}: lane for ${task}`);
    // the patches: every livepatch module the test's log shows being enabled
    const enabled = [...new Set([...(callbacks.run.tests[i].log ?? '').matchAll(/^livepatch: enabling patch '([^']+)'$/gm)].map((m) => m[1]))];
    t.same(names('patch').sort(), enabled.sort(), `${tl.title}: one lane per patch`);
    const ticks = elements(doc, 'g').filter((g) => attr(g, 'class') === 'tick');
    t.equal(ticks.map((g) => titleOf(g, 'g')).join('\n'), callbacks.run.tests[i].log, `${tl.title}: ticks are the log, in order`);
    const xs = ticks.map((g) => Number(attr((g.g as El[]).find((k) => 'line' in k)!, 'x1')));
    t.same(xs, [...xs].sort((a, b) => a - b), 'ticks never go back in time');
  });
});

t.test('long log lines are elided with the full text in <title>', async (t) => {
  const tl = callbacks.timelines.find((x) => x.ticks.some((k) => k.text.length > 80))!;
  const svg = timelineSvg(tl);
  const long = tl.ticks.find((k) => k.text.length > 80)!.text;
  t.ok(svg.includes(`<title>${long.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title>`));
  t.ok(svg.includes(`${long.slice(0, 79).replace(/>/g, '&gt;')}…</text>`));
});

t.test('a stall, a reversal and a forced completion are marked', async (t) => {
  const split = record('suites/split-2020/test-callbacks.yaml');
  const busy = timelineSvg(split.timelines.find((x) => x.title === 'busy target module')!);
  t.match(busy, /STALLED \d+\.\d s/);
  t.match(busy, /class="reversal"/);
  t.match(busy, /sleeping in busymod_work_func/);
  const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-timeline-'));
  const forced = join(dir, 'forced.yaml');
  writeFileSync(
    forced,
    `kernel: mainline
tests:
  - title: forcing a stalled transition
    steps:
      - load_mod test_klp_callbacks_busy block_transition=Y
      - load_lp_nowait test_klp_callbacks_demo
      - sleep 10
      - echo 1 > $SYSFS_KLP_DIR/test_klp_callbacks_demo/force
      - loop_until 'grep -q ^0$ $SYSFS_KLP_DIR/test_klp_callbacks_demo/transition'
      - disable_lp test_klp_callbacks_demo
      - unload_mod test_klp_callbacks_busy
`,
  );
  let out = '';
  let err = '';
  const status = main(['trace', forced, '--timeline', join(dir, 'out')], { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, env: {} });
  t.equal(status, 0, err);
  const svg = readFileSync(join(dir, 'out', '01-forcing-a-stalled-transition.svg'), 'utf8');
  t.match(svg, /class="forced"/);
  t.match(svg, /test_klp_callbacks_demo: patching, forced/);
  t.match(out, /livepatch: forcing remaining tasks to the patched state/);
});

t.test('a patch replaced by a cumulative one says so; one that is disabled does not', async (t) => {
  const replace = callbacks.timelines.find((x) => x.title === 'atomic replace')!;
  t.same(replace.replacements.map((r) => `${r.patch} by ${r.by}`), ['test_klp_callbacks_demo by test_klp_callbacks_demo2']);
  t.match(timelineSvg(replace), /<title>test_klp_callbacks_demo replaced by test_klp_callbacks_demo2 at \d+\.\d{3} s<\/title>/);
  const multiple = callbacks.timelines.find((x) => x.title === 'multiple livepatches')!;
  t.same(multiple.replacements, [], 'non-replace patches disabled one by one');
});

t.test('replace sets: only a patch of the same set replaces; two sets are disabled one by one', async (t) => {
  const sets = record('suites/replace-set-2026/test-callbacks.yaml');
  const replace = sets.timelines.find((x) => x.title === 'atomic replace')!;
  t.same(replace.replacements.map((r) => `${r.patch} by ${r.by}`), ['test_klp_callbacks_demo by test_klp_callbacks_demo2']);
  const multiple = sets.timelines.find((x) => x.title === 'multiple livepatches')!;
  t.same(multiple.replacements, [], 'sets 0 and 1, disabled one by one');
  // the older patch of set 0 is disabled while the newer patch of set 1 is still there
  const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-timeline-'));
  const file = join(dir, 'two-sets.yaml');
  writeFileSync(
    file,
    `kernel: replace-set-2026
tests:
  - title: two sets, the older disabled first
    steps:
      - load_lp test_klp_livepatch replace_set=0
      - load_lp test_klp_atomic_replace replace_set=1
      - disable_lp test_klp_livepatch
      - unload_lp test_klp_livepatch
      - disable_lp test_klp_atomic_replace
      - unload_lp test_klp_atomic_replace
`,
  );
  const [two] = record(relative(ROOT, file)).timelines;
  t.same(two!.replacements, [], 'a patch of another set does not replace it');
});

t.test('same input, same bytes', async (t) => {
  const again = record('suites/mainline/test-callbacks.yaml');
  t.same(again.timelines.map(timelineSvg), callbacks.timelines.map(timelineSvg));
});

t.test('trace --timeline and compare --timeline write one SVG per test; bad DIR is one line, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-timeline-'));
  const io = () => {
    const r = { out: '', err: '' };
    return { r, io: { out: (s: string) => (r.out += s), err: (s: string) => (r.err += s), isTTY: false, env: {} } };
  };
  let x = io();
  t.equal(main(['trace', join(ROOT, 'suites/mainline/test-livepatch.yaml'), '--timeline', join(dir, 'a')], x.io), 0);
  t.equal(readdirSync(join(dir, 'a')).filter((f) => f.endsWith('.svg')).length, loadSuite(join(ROOT, 'suites/mainline/test-livepatch.yaml')).tests.length);
  t.match(x.r.out, /^=== TEST: basic function patching$/m, 'the trace is still printed');
  x = io();
  t.equal(main(['compare', join(ROOT, 'suites/compare/states.yaml'), '--models', 'mainline,v1-2025', '--timeline', join(dir, 'c')], x.io), 0);
  const stacked = readFileSync(join(dir, 'c', 'states-01-does-a-cumulative-replace-that-drops-a-state-undo-the-state.svg'), 'utf8');
  t.equal(XMLValidator.validate(stacked), true);
  const models = elements(parser.parse(stacked) as El[], 'svg').map((s) => attr(s, 'data-model')).filter(Boolean);
  t.same(models, ['mainline', 'v1-2025'], 'one picture per model, stacked');
  writeFileSync(join(dir, 'file'), 'x');
  x = io();
  t.equal(main(['trace', join(ROOT, 'suites/mainline/test-livepatch.yaml'), '--timeline', join(dir, 'file')], x.io), 2);
  t.match(x.r.err, /^klp-selftest: .*file: (not a directory|cannot create)/);
  t.equal(x.r.err.trim().split('\n').length, 1);
  t.equal(x.r.out, '', 'nothing ran');
  x = io();
  t.equal(main(['compare', join(ROOT, 'suites/compare/states.yaml'), '--timeline', join(dir, 'file', 'sub')], x.io), 2);
  t.equal(x.r.out, '', 'nothing ran');
  t.match(x.r.err, /^klp-selftest: .*cannot create the timeline directory: ENOTDIR/);
});

t.test('the picture in docs/ is what trace --timeline draws today', async (t) => {
  const split = record('suites/split-2020/test-callbacks.yaml');
  const svg = timelineSvg(split.timelines.find((x) => x.title === 'busy target module')!);
  t.equal(readFileSync(join(ROOT, 'docs/timeline-split-2020-busy-target-module.svg'), 'utf8'), svg, 'regenerate with: klp-selftest trace suites/split-2020/test-callbacks.yaml --timeline DIR');
});
