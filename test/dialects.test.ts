// The functions.sh dialects as data: each model's helpers, wording and test start come
// from its dialect object, and nothing else decides them.
import t from 'tap';
import { findModel, allModels } from '../harness/models.js';
import { SelftestSession } from '../harness/selftest/session.js';
import { ShellExit } from '../harness/selftest/shell/host.js';
import type { HelperKit } from '../harness/selftest/functions.js';
import { statesApiHelpers } from '../harness/livepatch/models/states-api/dialect.js';

function session(model: string): SelftestSession {
  const s = new SelftestSession(findModel(model)!);
  s.setup();
  return s;
}

function exitOf(s: SelftestSession, step: string): number {
  try {
    return s.step(step);
  } catch (e) {
    if (e instanceof ShellExit) return e.status;
    throw e;
  }
}

t.test('a series helper exists only in its dialect', async (t) => {
  const has = (model: string, helper: string) => session(model).command(helper) !== undefined;
  t.ok(has('poc-2023', 'set_module_param'));
  t.notOk(has('v1-2025', 'set_module_param'));
  t.ok(has('v1-2025', 'write_module_param'));
  t.notOk(has('mainline', 'check_object_patched'));
  t.ok(has('v1-2025', 'check_object_patched') && has('poc-2023', 'check_object_patched'));
  t.notOk(has('shadow-gc-2022', 'read_module_param'));
});

t.test("the helpers both states postings share are one definition, in both their dialects", async (t) => {
  // only the names are read here: the helpers are not called on this kit
  const shared = Object.keys(statesApiHelpers({} as HelperKit));
  t.same(shared, ['check_object_patched']);
  for (const model of ['poc-2023', 'v1-2025']) {
    const s = session(model);
    s.startTest('object patched');
    s.step('load_lp test_klp_livepatch');
    t.equal(exitOf(s, 'check_object_patched test_klp_livepatch vmlinux 1'), 0, model);
    t.equal(exitOf(s, 'check_object_patched test_klp_livepatch vmlinux 0'), 1, model);
    t.match(s.stderr, /ERROR: Unexpected value in \/sys\/kernel\/livepatch\/test_klp_livepatch\/vmlinux\/patched: 0 vs\. 1/, model);
  }
});

t.test("poc-2023's set_module_param writes, logs and waits for the value", async (t) => {
  const s = session('poc-2023');
  s.startTest('set a parameter');
  s.step('load_lp test_klp_speaker_livepatch');
  t.equal(s.step('set_module_param test_klp_speaker_livepatch setup_ret -22'), 0);
  t.equal(s.fs.readFile('/sys/module/test_klp_speaker_livepatch/parameters/setup_ret'), '-22\n');
  t.ok(s.result()!.split('\n').includes('% echo -22 > /sys/module/test_klp_speaker_livepatch/parameters/setup_ret'));
});

t.test('a module that is not there: the modprobe dialects skip, the insmod ones die', async (t) => {
  const poc = session('poc-2023');
  t.equal(exitOf(poc, 'load_mod test_klp_nonexistent'), 4);
  t.match(poc.stderr, /SKIP: unable to load module test_klp_nonexistent, verify CONFIG_TEST_LIVEPATCH=m and run self-tests as root/);
  const main = session('mainline');
  t.equal(exitOf(main, 'load_mod test_klp_nonexistent'), 1);
  t.match(main.stderr, /ERROR: Can't find "test_modules\/test_klp_nonexistent\.ko", try "make"/);
});

t.test('each dialect words the load line its own way, and compare can read it back', async (t) => {
  for (const m of allModels()) {
    const s = session(m.name);
    s.startTest('load');
    // split-2020 has no test_klp_livepatch; any module shows the wording
    s.step(m.name === 'split-2020' ? 'load_mod test_klp_callbacks_mod' : 'load_lp test_klp_livepatch');
    const line = s.result()!.split('\n')[0];
    t.ok(m.dialect.loading.parseLogLine(line), `${m.name}: ${line}`);
    t.equal(line.startsWith('% modprobe'), m.dialect.loading.example.startsWith('% modprobe'), m.name);
  }
});
