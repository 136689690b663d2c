// What the bundled CLI keeps between runs to start fast (bin/code_cache.js,
// harness/selftest/suite_cache.ts): used while it fits, never trusted once it does not.
import t from 'tap';
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../harness/cli.js';
import { cacheEntryFile } from '../harness/selftest/suite_cache.js';

const bin = join(ROOT, 'bin/klp-selftest.js');
const cli = (...args: string[]) => execa(process.execPath, [bin, ...args], { cwd: ROOT, reject: false });
const dir = mkdtempSync(join(tmpdir(), 'klp-selftest-caches-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const suiteText = (title: string) => `kernel: mainline\ntests:\n  - title: ${title}\n    steps:\n      - log hello\n`;
const entryOf = (file: string) => cacheEntryFile(join(ROOT, 'build/cache/suites'), file, false);

t.test('a loaded suite is taken from the cache while its text is the same, and loaded anew once it changes', async (t) => {
  const file = join(dir, 'cached.yaml');
  writeFileSync(file, suiteText('first title'));
  let r = await cli('list', file);
  t.equal(r.exitCode, 0, r.stderr);
  t.match(r.stdout, /first title/);
  const entry = entryOf(file);
  t.ok(existsSync(entry), 'the suite was cached');

  // an entry that says something else than the file proves that the entry is what was used
  const stored = JSON.parse(readFileSync(entry, 'utf8'));
  stored.suites[0].tests[0].title = 'title from the cache';
  writeFileSync(entry, JSON.stringify(stored));
  r = await cli('list', file);
  t.match(r.stdout, /title from the cache/, 'the entry was used');

  writeFileSync(file, suiteText('second title'));
  r = await cli('list', file);
  t.match(r.stdout, /second title/, 'a changed text is loaded anew');
  t.notMatch(r.stdout, /title from the cache/);

  // another build's entry is never taken
  const again = JSON.parse(readFileSync(entry, 'utf8'));
  again.build = 'another build';
  again.suites[0].tests[0].title = 'title of another build';
  writeFileSync(entry, JSON.stringify(again));
  r = await cli('list', file);
  t.match(r.stdout, /second title/);

  writeFileSync(entry, '{ not json');
  r = await cli('list', file);
  t.equal(r.exitCode, 0, 'an unreadable entry is as good as none');
  t.match(r.stdout, /second title/);
});

t.test('a suite with a problem is never cached: its error comes back on every run', async (t) => {
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, suiteText('fine'));
  t.equal((await cli('list', file)).exitCode, 0);
  writeFileSync(file, 'kernel: mainline\ntests:\n  - title: x\n    steps:\n      - nosuchhelper 1\n');
  for (let i = 0; i < 2; i++) {
    const r = await cli('list', file);
    t.equal(r.exitCode, 2);
    t.match(r.stderr, /broken\.yaml:5: test 'x', step 1 \(nosuchhelper 1\): unknown command/);
  }
});

t.test('a code cache that V8 cannot use is replaced, and the command runs as without one', async (t) => {
  const cache = join(ROOT, 'build/cache/models.v8');
  writeFileSync(cache, 'not a code cache');
  const r = await cli('models');
  t.equal(r.exitCode, 0, r.stderr);
  t.match(r.stdout, /mainline/);
  t.not(readFileSync(cache, 'utf8'), 'not a code cache', 'a fresh cache was written');
  const again = await cli('models');
  t.equal(again.stdout, r.stdout, 'and the next run, which uses it, says the same');
});

t.test('a code cache is taken as it is on the next run, also after a command switched on the optimizing compiler', async (t) => {
  // explore switches V8's optimizing compiler on (harness/jit.ts); V8 checks a cache against
  // its flags, so one written under other flags than a start's would be rejected every time
  for (const [command, args] of [
    ['models', []],
    ['explore', ['--model', 'mainline', '--runs', '2', '--json', '--out', join(dir, 'explore-out')]],
  ] as const) {
    const cache = join(ROOT, `build/cache/${command}.v8`);
    rmSync(cache, { force: true });
    t.equal((await cli(command, ...args)).exitCode, 0, `${command}: first run`);
    const written = readFileSync(cache);
    t.equal((await cli(command, ...args)).exitCode, 0, `${command}: second run`);
    // (compared as bytes: a diff of two 1 MB buffers would take tap minutes)
    t.ok(readFileSync(cache).equals(written), `${command}: the cache was used, not written anew`);
  }
});

t.test('the libraries bundled apart (build/lib) load at their first use', async (t) => {
  // yaml: a suite whose text no run has seen is parsed
  const file = join(dir, `lazy-${process.pid}.yaml`);
  writeFileSync(file, suiteText(`never seen ${Date.now()}`));
  const list = await cli('list', file);
  t.equal(list.exitCode, 0, list.stderr);
  t.match(list.stdout, /never seen/);
  // diff: the logs of two models that differ
  const compare = await cli('compare', '--models', 'mainline,poc-2023', 'suites/compare/states.yaml');
  t.equal(compare.exitCode, 0, compare.stderr);
  t.match(compare.stdout, /^@@ -\d+,\d+ \+\d+,\d+ @@/m);
  // fast-check: a campaign
  const explore = await cli('explore', '--model', 'mainline', '--runs', '20', '--seed', '1');
  t.equal(explore.exitCode, 0, explore.stderr);
  t.match(explore.stdout, /consistency-model\s+20\s+0/);
});

t.test('the bundled CLI starts from a folder whose path holds a space', async (t) => {
  // a file URL's pathname would be /…/with%20space/…: the bin must use real paths
  const copy = join(dir, 'with space');
  for (const part of ['bin', 'build/klp-selftest.cjs', 'build/lib', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  const r = await execa(process.execPath, [join(copy, 'bin/klp-selftest.js'), 'models'], { reject: false });
  t.equal(r.exitCode, 0, r.stderr);
  t.match(r.stdout, /^mainline: /m);
  const v = await execa(process.execPath, [join(copy, 'bin/klp-selftest.js'), '--version'], { reject: false });
  t.match(v.stdout, /^klp-selftest \d+\.\d+\.\d+\n?$/);
});
