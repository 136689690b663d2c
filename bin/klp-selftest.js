#!/usr/bin/env node
// Entry point: the CLI compiled ahead of time into build/ (npm ci runs `prepare`, which builds it).
import { readFileSync } from 'node:fs';

// a reader that stops early (`| head`) is not an error: stop quietly, as a killed pipe writer does
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(141);
  throw e;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // the fast path: no need to load the simulator to say which version it is
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`klp-selftest ${version}\n`);
} else {
  let cli;
  try {
    cli = await import('../build/harness/cli.js');
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/build/')) throw e;
    process.stderr.write('klp-selftest: not built: run `npm run build` (npm ci does it)\n');
    process.exit(70);
  }
  try {
    process.exitCode = await cli.main(argv, cli.cliIo());
  } catch (e) {
    // a bug in the simulator, not bad input: say so in one line unless asked for more
    if (process.env.KLP_SELFTEST_DEBUG) throw e;
    process.stderr.write(`klp-selftest: internal error: ${e instanceof Error ? e.message : String(e)} (set KLP_SELFTEST_DEBUG=1 for a stack trace)\n`);
    process.exitCode = 70;
  }
}
