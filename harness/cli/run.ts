/** klp-selftest run: every suite against its golden logs, reported as KTAP or JSON */
import { performance } from 'node:perf_hooks';
import { checkGoldenOwners, displayPath, orphanGoldens, readGolden, suiteGoldens } from '../selftest/golden.js';
import { judge, jsonTest, KtapReporter, type JsonTest, type Judged } from '../selftest/report.js';
import { runSuite, type TestRun } from '../selftest/runner.js';
import { suiteInvariants } from '../explore/suite_invariants.js';
import type { Suite, SuiteTest } from '../selftest/suite.js';
import * as kselftest from '../kselftest/commands.js';
import { defineCommand, loadAll, ROOT, UsageError } from './command.js';
import { SCRIPT_OPTION_SPECS, scriptIo, scriptsIn } from './kselftest.js';

/** `--filter`: a test's name is "<model>/<suite>: <title>"; * and ? are wildcards, otherwise a substring */
export function testMatcher(pattern: string): (suite: Suite, test: SuiteTest) => boolean {
  const name = (s: Suite, t: SuiteTest) => `${s.model.name}/${s.name}: ${t.title}`;
  if (!/[*?]/.test(pattern)) return (s, t) => name(s, t).includes(pattern);
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return (s, t) => re.test(name(s, t)) || re.test(t.title);
}

/** a test with no golden file, under --invariants: its log is not compared, only checked */
function invariantsOnly(run: TestRun): Judged {
  const output = run.output ? run.output.replace(/\n$/, '').split('\n') : [];
  return { run, verdict: 'pass', details: [...output, 'no golden file: checked by the invariants alone'] };
}

export const run = defineCommand({
  name: 'run',
  summary: 'run suites against their golden logs (default: suites/)',
  args: '[PATH...]',
  positionals: { min: 0, max: Infinity },
  options: {
    ...SCRIPT_OPTION_SPECS,
    json: { type: 'boolean', help: 'print one JSON document (per test: suite, title, status, diff, time in ms) instead of KTAP' },
    filter: { type: 'string', arg: 'PATTERN', help: "run only the tests whose '<model>/<suite>: <title>' contains PATTERN (* and ? are wildcards)" },
    invariants: { type: 'boolean', help: "also check the explorer's invariants after every step and after cleanup; a test without a golden file is judged by them alone" },
  },
  details: `Output is KTAP as kselftest prints it: each suite is a test with its tests as subtests,
a test's diff (diff -upr as check_result prints it) or error as diagnostics before its result,
a '# Totals:' line, and a last line 'N passed, N failed'. Golden files that no test writes
are reported (remove them with 'klp-selftest update --prune'). Colour only on a terminal
and without NO_COLOR. A PATH ending in .sh is a kselftest script, run as it is with its
check_result texts as the expected logs (--model, --version). With --filter, the tests of a suite still share one boot, in order.`,
  handler({ values, positionals, io }) {
    if (scriptsIn('run', positionals, values)) return kselftest.runScripts(positionals, values, scriptIo(io));
    const match = values.filter !== undefined ? testMatcher(values.filter) : undefined;
    // a comparison suite runs once per model
    const suites = loadAll(positionals, { variants: true });
    checkGoldenOwners(ROOT, suites);
    const chosen = suites
      .map((suite) => ({ suite, tests: suite.tests.filter((t) => !match || match(suite, t)) }))
      .filter((c) => c.tests.length > 0);
    if (chosen.length === 0) throw new UsageError(`--filter '${values.filter}': no test matches`);
    const json: JsonTest[] = [];
    // one write per suite rather than per line (each write to a pipe is a system call),
    // flushed after every suite, after a test once 50 ms went by unshown (a long suite still
    // streams), and whatever ends the run, so nothing done goes unshown
    let pending = '';
    let shownAt = performance.now();
    const flush = () => {
      if (pending) io.out(pending);
      pending = '';
      shownAt = performance.now();
    };
    const rep = new KtapReporter(values.json ? () => {} : (text) => (pending += text), io.isTTY && !io.env.NO_COLOR);
    try {
      rep.header(chosen.length);
      for (const { suite, tests } of chosen) {
        rep.suiteStart(suite, tests.length);
        const wanted = new Set(tests);
        const inv = values.invariants ? suiteInvariants(suite) : undefined;
        const goldens = suiteGoldens(ROOT, suite);
        const judgeRun = (t: TestRun) => {
          const path = goldens.file(t.test);
          const shown = goldens.shown(t.test);
          const golden = t.status === 'done' ? readGolden(path) : undefined;
          const j = inv && golden === undefined && t.status === 'done' ? invariantsOnly(t) : judge(t, golden, shown, suite.file);
          const broken = inv?.brokenBy(t.test) ?? [];
          if (broken.length && j.verdict !== 'error') Object.assign(j, { verdict: 'fail', details: [...j.details, ...broken] });
          rep.result(j);
          if (values.json) json.push(jsonTest(suite, j, shown));
          if (performance.now() - shownAt > 50) flush();
        };
        // with the invariants, the end checks come after the last test: judge once all ran
        const ran: TestRun[] = [];
        runSuite(suite, {
          select: (t) => wanted.has(t),
          onTest: (t) => (inv ? ran.push(t) : judgeRun(t)),
          ...(inv ? { observer: inv.observer, internalError: (e: unknown) => inv.internalError(e) } : {}),
        });
        if (inv) {
          inv.finish();
          // deterministic: the same suite on a fresh machine must log the same, byte for byte
          const again = suiteInvariants(suite);
          runSuite(suite, { select: (t) => wanted.has(t), observer: again.observer, internalError: (e: unknown) => again.internalError(e) });
          again.finish();
          inv.compareReplay(again.log());
          ran.forEach(judgeRun);
        }
        const orphans = match ? [] : orphanGoldens(ROOT, suite);
        rep.suiteEnd(orphans.map((o) => `orphan golden file ${displayPath(ROOT, o)}: no test of ${suite.file} writes it (remove with: klp-selftest update --prune ${suite.file})`));
        flush();
      }
      rep.totals();
    } finally {
      flush();
    }
    if (values.json) io.out(JSON.stringify({ tests: json, totals: rep.counts }, null, 2) + '\n');
    return rep.counts.fail || rep.counts.error ? 1 : 0;
  },
});
