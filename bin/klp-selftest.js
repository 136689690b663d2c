#!/usr/bin/env node
// Entry point: the CLI compiled ahead of time into one file, build/klp-selftest.cjs (npm ci
// runs `prepare`, which builds it), started with the code cache of the command's last run.
// CommonJS (bin/package.json): Node starts a CommonJS entry about 10 ms sooner than an ES
// module, which sets up the ES module loader first.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const v8 = require('node:v8');
const { loadWithCodeCache } = require('./code_cache.js');

// Without V8's optimizing compiler until the command turns out to run long: a short one is
// over before optimized code pays back its compiling. And with scavenges on this thread
// alone: a short run's young generation is small, and handing each scavenge to helper
// threads costs more in waking them than they save (about 13 ms of CPU in a run of the
// suites). harness/jit.ts turns both back on for a long command.
const START_FLAGS = '--no-turbofan --no-parallel-scavenge';

// a reader that stops early (`| head`) is not an error: stop quietly, as a killed pipe writer does
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(141);
  throw e;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // the fast path: no need to load the simulator to say which version it is
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`klp-selftest ${version}\n`);
} else {
  const build = join(__dirname, '..', 'build');
  // a cache per command; `--help` and mistyped commands compile too little to be worth one
  const command = /^[a-z]+$/.test(argv[0] ?? '') && !argv.includes('--help') && !argv.includes('-h') ? argv[0] : 'other';
  let bundle;
  v8.setFlagsFromString(START_FLAGS);
  try {
    bundle = loadWithCodeCache(join(build, 'klp-selftest.cjs'), join(build, 'cache', `${command}.v8`));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    process.stderr.write('klp-selftest: not built: run `npm run build` (npm ci does it)\n');
    process.exit(70);
  }
  const cli = bundle.exports;
  // main() returns a status, or a promise of one for the commands that wait
  Promise.resolve()
    .then(() => cli.main(argv, cli.cliIo()))
    .catch((e) => {
      // a bug in the simulator, not bad input: say so in one line unless asked for more
      if (process.env.KLP_SELFTEST_DEBUG) throw e;
      process.stderr.write(`klp-selftest: internal error: ${e instanceof Error ? e.message : String(e)} (set KLP_SELFTEST_DEBUG=1 for a stack trace)\n`);
      return 70;
    })
    .then((status) => {
      // V8 checks a code cache against its flags: write it under the ones it is read with
      v8.setFlagsFromString(START_FLAGS);
      bundle.save();
      // Everything is written (on Linux, writes to a pipe, a file or a terminal are
      // synchronous) and nothing else is awaited: exit rather than have Node tear the heap
      // down first, which costs a run some 5 ms. After one turn of the event loop, so that a
      // write that failed (EPIPE) has reported itself to the handler above.
      process.exitCode = status;
      setImmediate(() => process.exit(status));
    });
}
