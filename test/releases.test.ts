// Mainline's releases: a suite or script that names version 6.1 or 6.12 boots that
// release, with its functions.sh, its test modules and its sysfs tree; what a release does
// not ship cannot be loaded, and versions between the modelled releases are refused.
import t from 'tap';
import { findModel, modelAt, versionProblem } from '../harness/models.js';
import { SelftestSession } from '../harness/selftest/session.js';

const mainline = findModel('mainline')!;
const KLP = '/sys/kernel/livepatch';

function session(version: [number, number]): SelftestSession {
  const s = new SelftestSession(mainline, { version });
  s.setup();
  return s;
}

t.test('each release ships its own test modules', async (t) => {
  const names = (v: [number, number]) => [...modelAt(mainline, v).modules.keys()].sort();
  t.equal(names([6, 1]).length, 10, '6.1: ten modules');
  t.notOk(names([6, 1]).includes('test_klp_syscall'), '6.1: no test_klp_syscall');
  t.same(names([6, 12]), [...names([6, 1]), 'test_klp_syscall'].sort(), '6.12: 6.1 and test_klp_syscall');
  for (const v of [
    [6, 1],
    [6, 12],
  ] as [number, number][])
    for (const m of ['test_klp_kprobe', 'test_klp_mod_target', 'test_klp_mod_patch']) t.notOk(names(v).includes(m), `${v.join('.')}: no ${m}`);
  t.ok(names([6, 13]).includes('test_klp_kprobe'), 'after 6.12: test_klp_kprobe');
  t.notOk(names([7, 0]).includes('test_klp_mod_target'), '7.0: no module-function tests yet');
  t.ok(names([7, 1]).includes('test_klp_mod_target') && names([7, 1]).includes('test_klp_mod_patch'), '7.1: the module-function tests');
  t.equal(modelAt(mainline, [7, 3]), mainline, 'unversioned mainline is its newest release');
});

t.test('a module the release does not ship fails to load as a missing file does', async (t) => {
  let s = session([6, 12]);
  t.same(s.runTool(['insmod', 'test_modules/test_klp_kprobe.ko']), {
    status: 1,
    stdout: '',
    stderr: 'insmod: ERROR: could not load module test_modules/test_klp_kprobe.ko: No such file or directory\n',
  });
  t.equal(s.runTool(['insmod', 'test_modules/test_klp_syscall.ko']).status, 0, '6.12 has test_klp_syscall');
  s = session([6, 1]);
  t.same(s.runTool(['modprobe', 'test_klp_syscall']), {
    status: 1,
    stdout: '',
    stderr: 'modprobe: FATAL: Module test_klp_syscall not found in directory /lib/modules/6.1.0-klp-selftest\n',
  });
  t.equal(s.runTool(['modprobe', 'test_klp_livepatch']).status, 0, '6.1 has test_klp_livepatch');
});

t.test("each release loads with its functions.sh's command", async (t) => {
  const said = (v: [number, number]) => {
    const s = session(v);
    t.equal(s.step('load_lp test_klp_livepatch'), 0);
    return s.machine.k.log.all().map((r) => r.text).find((l) => l.startsWith('% '));
  };
  t.equal(said([6, 1]), '% modprobe test_klp_livepatch');
  t.equal(said([6, 12]), '% insmod test_modules/test_klp_livepatch.ko');
});

t.test('the patch directory has the attributes of its release', async (t) => {
  const attrs = (v: [number, number]) => {
    const s = session(v);
    s.runTool(['insmod', 'test_modules/test_klp_livepatch.ko']);
    return [s.machine.k.vfs.readdir(`${KLP}/test_klp_livepatch`)?.sort(), s.machine.k.vfs.readdir(`${KLP}/test_klp_livepatch/vmlinux`)?.sort()];
  };
  const [p61, o61] = attrs([6, 1]);
  t.same(p61, ['enabled', 'force', 'transition', 'vmlinux'], '6.1: enabled, force, transition');
  t.ok(o61?.includes('patched'), '6.1: <object>/patched');
  t.same(attrs([6, 12])[0], ['enabled', 'force', 'replace', 'transition', 'vmlinux'], '6.12: and replace (6.11)');
  t.same(attrs([6, 13])[0], ['enabled', 'force', 'replace', 'stack_order', 'transition', 'vmlinux'], '6.13: and stack_order');
});

t.test('versions between the modelled releases are refused', async (t) => {
  t.equal(versionProblem(mainline, [6, 5]), 'kernel mainline covers versions 6.1, 6.12 to 7.3, not 6.5');
  t.equal(versionProblem(mainline, [6, 1]), undefined);
  t.throws(() => modelAt(mainline, [6, 5]), /not 6\.5/);
});

t.test('6.12 completes an unblocked transition inside the command that started it; 6.1 and 7.3 at the retry', async (t) => {
  const afterInsmod = (v: [number, number]) => {
    const s = session(v);
    s.runTool(['insmod', 'test_modules/test_klp_livepatch.ko']);
    return s.fs.readFile(`${KLP}/test_klp_livepatch/transition`);
  };
  // klp_cond_resched_enable() rewrites every cond_resched() call site (6.4 to 6.15): the
  // other CPU's idle task passes its switch point meanwhile, so attempt #0 succeeds
  t.equal(afterInsmod([6, 12]), '0\n', '6.12: done when insmod returns');
  t.equal(afterInsmod([6, 15]), '0\n', '6.15: the same hook');
  // no such hook (6.1), or a static key that is quick to enable (6.16 on): attempt #0 meets
  // the other CPU's idle task running
  for (const v of [
    [6, 1],
    [6, 16],
    [7, 3],
  ] as [number, number][])
    t.equal(afterInsmod(v), '1\n', `${v.join('.')}: still in transition when insmod returns`);

  // the same for a disable: on 6.12 the write returns once unpatching is complete
  const s = session([6, 12]);
  s.runTool(['insmod', 'test_modules/test_klp_livepatch.ko']);
  t.equal(s.step(`echo 0 > ${KLP}/test_klp_livepatch/enabled`), 0);
  t.ok(
    s.machine.k.log.all().some((r) => r.text === "livepatch: 'test_klp_livepatch': unpatching complete"),
    '6.12: unpatching complete before the write returns',
  );
});
