/** klp-selftest trace: what each test of one suite logged */
import { runSuite } from '../selftest/runner.js';
import { loadSuite } from '../selftest/suite.js';
import { stepValidator } from '../selftest/validate.js';
import * as kselftest from '../kselftest/commands.js';
import { traceTimeline } from '../timeline/command.js';
import { defineCommand } from './command.js';
import { SCRIPT_OPTION_SPECS, scriptIo, scriptsIn } from './kselftest.js';

export const trace = defineCommand({
  name: 'trace',
  summary: 'each test of one suite: "=== TEST: <title>" and its log',
  args: 'PATH',
  positionals: { min: 1, max: 1 },
  options: {
    ...SCRIPT_OPTION_SPECS,
    timeline: { type: 'string', arg: 'DIR', help: 'also write one self-contained SVG timeline per test into DIR' },
    dmesg: { type: 'boolean', help: "the unfiltered kernel log with dmesg's timestamps instead of check_result's view" },
  },
  details: `Each test is printed as it ends, so the tests before an error are shown. What a
test's steps print (an error of echo, a die message) goes to stderr after its log. A test
that could not finish prints its error on stderr and the exit status is 1.`,
  handler({ values, positionals, io }) {
    if (scriptsIn('trace', positionals, values)) return kselftest.traceScript(positionals[0], values, scriptIo(io));
    if (values.timeline !== undefined) return traceTimeline([positionals[0], '--timeline', values.timeline], io);
    const suite = loadSuite(positionals[0], stepValidator);
    let status = 0;
    runSuite(suite, {
      dmesg: values.dmesg,
      onTest: (t) => {
        if (t.status === 'skipped' || t.status === 'not-run') return;
        io.out(`=== TEST: ${t.test.title}\n`);
        const text = values.dmesg ? t.dmesg?.replace(/\n$/, '') : t.log;
        if (text) io.out(`${text}\n`);
        // what the steps printed goes beside the log, as a script's output would
        if (t.output) io.err(t.output.endsWith('\n') ? t.output : `${t.output}\n`);
        if (t.error) {
          io.err(`${t.error}\n`);
          status = 1;
        }
      },
    });
    return status;
  },
});
