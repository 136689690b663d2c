/** klp-selftest run: every suite against its golden logs, reported as KTAP or JSON */
import { checkGoldenOwners, displayPath, goldenFile, orphanGoldens, readGolden } from '../selftest/golden.js';
import { judge, jsonTest, KtapReporter, type JsonTest } from '../selftest/report.js';
import { runSuite } from '../selftest/runner.js';
import type { Suite, SuiteTest } from '../selftest/suite.js';
import { runnableVariants } from '../compare/variant.js';
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

export const run = defineCommand({
  name: 'run',
  summary: 'run suites against their golden logs (default: suites/)',
  args: '[PATH...]',
  positionals: { min: 0, max: Infinity },
  options: {
    ...SCRIPT_OPTION_SPECS,
    json: { type: 'boolean', help: 'print one JSON document (per test: suite, title, status, diff, time in ms) instead of KTAP' },
    filter: { type: 'string', arg: 'PATTERN', help: "run only the tests whose '<model>/<suite>: <title>' contains PATTERN (* and ? are wildcards)" },
  },
  details: `Output is KTAP as kselftest prints it: each suite is a test with its tests as subtests,
a test's diff (diff -upr as check_result prints it) or error as diagnostics before its result,
a '# Totals:' line, and a last line 'N passed, N failed'. Golden files that no test writes
are reported (remove them with 'klp-selftest update --prune'). Colour only on a terminal
and without NO_COLOR. A PATH ending in .sh is a kselftest script, run as it is with its
check_result texts as the expected logs (--model, --version). With --filter, the tests of a suite still share one boot, in order.`,
  handler({ values, positionals, io }) {
    if (scriptsIn('run', positionals)) return kselftest.runScripts(positionals, values, scriptIo(io));
    const match = values.filter !== undefined ? testMatcher(values.filter) : undefined;
    // a comparison suite runs once per model
    const suites = loadAll(positionals).flatMap((s) => runnableVariants(s));
    checkGoldenOwners(ROOT, suites);
    const chosen = suites
      .map((suite) => ({ suite, tests: suite.tests.filter((t) => !match || match(suite, t)) }))
      .filter((c) => c.tests.length > 0);
    if (chosen.length === 0) throw new UsageError(`--filter '${values.filter}': no test matches`);
    const json: JsonTest[] = [];
    const rep = new KtapReporter(values.json ? () => {} : io.out, io.isTTY && !io.env.NO_COLOR);
    rep.header(chosen.length);
    for (const { suite, tests } of chosen) {
      rep.suiteStart(suite, tests.length);
      const wanted = new Set(tests);
      runSuite(suite, {
        select: (t) => wanted.has(t),
        onTest: (t) => {
          const path = goldenFile(ROOT, suite, t.test);
          const shown = displayPath(ROOT, path);
          const j = judge(t, t.status === 'done' ? readGolden(path) : undefined, shown, suite.file);
          rep.result(j);
          if (values.json) json.push(jsonTest(suite, j, shown));
        },
      });
      const orphans = match ? [] : orphanGoldens(ROOT, suite);
      rep.suiteEnd(orphans.map((o) => `orphan golden file ${displayPath(ROOT, o)}: no test of ${suite.file} writes it (remove with: klp-selftest update --prune ${suite.file})`));
    }
    rep.totals();
    if (values.json) io.out(JSON.stringify({ tests: json, totals: rep.counts }, null, 2) + '\n');
    return rep.counts.fail || rep.counts.error ? 1 : 0;
  },
});
