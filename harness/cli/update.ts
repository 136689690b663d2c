/** klp-selftest update: regenerate golden logs from the simulator */
import { rmSync } from 'node:fs';
import { unifiedDiff } from '../selftest/check_result.js';
import {
  checkGoldenOwners,
  checkWritable,
  displayPath,
  goldenAction,
  goldenFile,
  orphanGoldens,
  readGolden,
  staleTemporaries,
  writeGolden,
} from '../selftest/golden.js';
import { runSuite } from '../selftest/runner.js';
import { defineCommand, isCI, loadAll, ROOT } from './command.js';

export const update = defineCommand({
  name: 'update',
  summary: 'regenerate golden logs from the simulator',
  args: '[PATH...]',
  positionals: { min: 0, max: Infinity },
  options: {
    check: { type: 'boolean', help: 'only report (with the diff) what would change; exit 1 if anything would' },
    prune: { type: 'boolean', help: 'also remove golden files that no test of the suite writes' },
    force: { type: 'boolean', help: 'write even when CI is set' },
  },
  details: `Writes only the golden files whose content changed, each through a temporary file
renamed over it, after checking that every one can be written; reports what it created,
updated, removed or left alone. Writes nothing when a test did not run to its end. Refuses to
write when CI is set to a true value (not 0, false, no, off), unless --force.`,
  handler({ values, positionals, io }) {
    const check = !!values.check;
    if (!check && isCI(io.env) && !values.force) {
      io.err('klp-selftest update: CI is set: refusing to write golden files (use --check, or --force to write anyway)\n');
      return 2;
    }
    const suites = loadAll(positionals, { variants: true });
    checkGoldenOwners(ROOT, suites);
    const runs = suites.map((s) => runSuite(s));
    const failed = runs.flatMap((r) => r.tests).filter((t) => t.status === 'error');
    if (failed.length) {
      for (const t of failed) io.err(`${t.error}\n`);
      io.err(`klp-selftest update: ${failed.length} test(s) did not run to the end; no golden file written\n`);
      return 1;
    }
    const writes: Array<{ path: string; log: string; action: 'created' | 'updated' }> = [];
    let unchanged = 0;
    const orphans: string[] = [];
    for (const run of runs) {
      for (const t of run.tests) {
        if (t.status !== 'done') continue;
        const path = goldenFile(ROOT, run.suite, t.test);
        const action = goldenAction(path, t.log ?? '');
        if (action === 'unchanged') unchanged++;
        else writes.push({ path, log: t.log ?? '', action });
      }
      orphans.push(...orphanGoldens(ROOT, run.suite));
    }
    // everything is checked before the first write, so a refusal leaves every file as it was
    if (!check) {
      for (const w of writes) checkWritable(w.path);
      if (values.prune) for (const o of orphans) checkWritable(o);
    }
    for (const w of writes) {
      io.out(`${check ? `would be ${w.action}` : w.action}: ${displayPath(ROOT, w.path)}\n`);
      if (check) io.out(unifiedDiff(readGolden(w.path) ?? '', w.log));
      else writeGolden(w.path, w.log);
    }
    for (const o of orphans) {
      if (!values.prune) io.out(`orphan: ${displayPath(ROOT, o)} (no test writes it; remove with --prune)\n`);
      else if (check) io.out(`would be removed: ${displayPath(ROOT, o)}\n`);
      else {
        rmSync(o);
        io.out(`removed: ${displayPath(ROOT, o)}\n`);
      }
    }
    if (!check) for (const run of runs) for (const tmp of staleTemporaries(ROOT, run.suite)) rmSync(tmp, { force: true });
    const created = writes.filter((w) => w.action === 'created').length;
    const removed = values.prune ? orphans.length : 0;
    io.out(
      `${created} created, ${writes.length - created} updated, ${unchanged} unchanged${removed ? `, ${removed} removed` : ''}${check ? ' (check only, nothing written)' : ''}\n`,
    );
    return check && (writes.length || removed) ? 1 : 0;
  },
});
