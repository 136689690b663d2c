#!/usr/bin/env node
// Entry point: load the TypeScript sources through tsx and run the CLI.
import { register } from 'tsx/esm/api';

register();
const { main, cliIo } = await import('../harness/cli.ts');
try {
  process.exitCode = main(process.argv.slice(2), cliIo());
} catch (e) {
  // a bug in the simulator, not bad input: say so in one line unless asked for more
  if (process.env.KLP_SELFTEST_DEBUG) throw e;
  process.stderr.write(`klp-selftest: internal error: ${e instanceof Error ? e.message : String(e)} (set KLP_SELFTEST_DEBUG=1 for a stack trace)\n`);
  process.exitCode = 70;
}
