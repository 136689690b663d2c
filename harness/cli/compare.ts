/** klp-selftest compare: every test of the suites under each kernel model (harness/compare/) */
import { parseCompareArgs, runCompare } from '../compare/command.js';
import { defineCommand, loadAll } from './command.js';

export const compare = defineCommand({
  name: 'compare',
  summary: 'the tests of the suites under each kernel model, side by side',
  args: 'PATH...',
  positionals: { min: 1, max: Infinity },
  options: {
    models: { type: 'string', arg: 'a,b,...', help: 'the models to compare (default: all); the suite\'s own kernel is the baseline' },
    json: { type: 'boolean', help: 'print the matrix and the diffs as one JSON document' },
    timeline: { type: 'string', arg: 'DIR', help: "write one SVG per test with the models' timelines stacked" },
  },
  handler({ values, positionals, io }) {
    const argv = [...positionals];
    if (values.models !== undefined) argv.push('--models', values.models);
    if (values.json) argv.push('--json');
    if (values.timeline !== undefined) argv.push('--timeline', values.timeline);
    const opts = parseCompareArgs(argv);
    return runCompare(opts, loadAll(opts.paths), io);
  },
});
