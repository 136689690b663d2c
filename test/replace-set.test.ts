// replace-set-2026 beyond its selftests: which patches an atomic replace replaces, and the
// refusals of the series' klp_is_patch_compatible() that no selftest reaches (the test
// modules cannot express them: the state modules hard-code .replace_set = 0 and no two
// livepatch modules patch the same function).
import t from 'tap';
import type { klp_object, klp_state } from '../harness/livepatch/livepatch.js';
import type { replace_set_patch } from '../harness/livepatch/models/replace-set-2026/fields.js';
import { defineModule } from '../harness/module_api.js';
import { TestMachine } from './machine.js';

const KLP = '/sys/kernel/livepatch';
const MODEL = 'replace-set-2026';

/** a livepatch in `replace_set` that patches `funcs` of `objname` (vmlinux when null) and declares `states` */
function setLivepatch(name: string, replace_set: number, objname: string | null, funcs: { old_name: string; old_sympos?: number }[], states: klp_state[] = []) {
  return defineModule(name, ({ THIS_MODULE, func, klp_enable_patch, module_init, MODULE_INFO }) => {
    const obj: klp_object = {
      name: objname,
      funcs: [...funcs.map((f) => ({ ...f, new_func: func(`${name}_${f.old_name}`, () => 0) })), {}],
    };
    const patch: replace_set_patch = { mod: THIS_MODULE, objs: [obj, {}], states: [...states, { id: 0 }], replace_set };
    module_init(() => klp_enable_patch(patch));
    MODULE_INFO('livepatch', 'Y');
  });
}

const REFUSED = (name: string) => `livepatch: Livepatch patch (${name}) is not compatible with the already installed livepatches.`;

/** boot the model, load `first` (a module name and its arguments), and forget the log */
function withInstalled(extra: ReturnType<typeof defineModule>[], first: string, ...args: string[]): TestMachine {
  const tm = new TestMachine(MODEL, extra);
  tm.insmod(first, ...args);
  tm.wait(2);
  t.ok(tm.exists(`${KLP}/${first}`), `${first} is installed`);
  tm.log();
  return tm;
}

t.test('an atomic replace replaces only the older patches of its own set', async (t) => {
  const tm = withInstalled([], 'test_klp_livepatch', 'replace_set=0');
  tm.insmod('test_klp_atomic_replace', 'replace_set=1');
  tm.wait(2);
  tm.insmod('test_klp_callbacks_demo2', 'replace_set=1');
  tm.wait(2);
  t.notOk(tm.exists(`${KLP}/test_klp_atomic_replace`), 'set 1 replaced its older patch');
  t.equal(tm.read('/proc/meminfo')?.includes('live patched'), false, "meminfo_proc_show went back by the new patch's nop");
  t.equal(tm.read(`${KLP}/test_klp_livepatch/enabled`), '1', 'set 0 is untouched');
  t.equal(tm.read('/proc/cmdline'), 'test_klp_livepatch: this has been live patched');
  t.equal(tm.rmmod('test_klp_atomic_replace'), '', 'the replaced module goes without a word');
});

t.test('a patch of another set may not patch a function an installed patch patches', async (t) => {
  const other = setLivepatch('lp_cmdline_set1', 1, null, [{ old_name: 'cmdline_proc_show' }]);
  const tm = withInstalled([other], 'test_klp_livepatch', 'replace_set=0');
  t.equal(tm.insmod('lp_cmdline_set1'), 'insmod: ERROR: could not insert module test_modules/lp_cmdline_set1.ko: Invalid parameters');
  t.same(tm.log(), [REFUSED('lp_cmdline_set1')], 'refused before "enabling patch"');
  t.equal(tm.read('/proc/cmdline'), 'test_klp_livepatch: this has been live patched');
});

t.test('the function rule matches old_sympos 0 with 1, and a module object whether or not it is loaded', async (t) => {
  const sympos1 = setLivepatch('lp_cmdline_pos1', 1, null, [{ old_name: 'cmdline_proc_show', old_sympos: 1 }]);
  let tm = withInstalled([sympos1], 'test_klp_livepatch');
  tm.insmod('lp_cmdline_pos1');
  t.same(tm.log(), [REFUSED('lp_cmdline_pos1')]);

  const modtarget = setLivepatch('lp_mod_target_set1', 1, 'test_klp_mod_target', [{ old_name: 'test_klp_mod_target_show' }]);
  tm = withInstalled([modtarget], 'test_klp_mod_patch');
  t.notOk(tm.exists('/sys/module/test_klp_mod_target'), 'the target module is not loaded');
  tm.insmod('lp_mod_target_set1');
  t.same(tm.log(), [REFUSED('lp_mod_target_set1')]);
});

t.test('patches of two sets in one object, with disjoint functions, coexist', async (t) => {
  const version = setLivepatch('lp_meminfo_set1', 1, null, [{ old_name: 'meminfo_proc_show' }]);
  const tm = withInstalled([version], 'test_klp_livepatch');
  tm.insmod('lp_meminfo_set1');
  tm.wait(2);
  t.equal(tm.read(`${KLP}/lp_meminfo_set1/enabled`), '1');
  t.equal(tm.read(`${KLP}/test_klp_livepatch/enabled`), '1');
});

t.test('a patch of another set may not use a state id of an installed patch, whatever its version', async (t) => {
  const same_id = setLivepatch('lp_state1_set1', 1, null, [{ old_name: 'meminfo_proc_show' }], [{ id: 1, version: 5 }]);
  const other_id = setLivepatch('lp_state2_set1', 1, null, [{ old_name: 'meminfo_proc_show' }], [{ id: 2, version: 1 }]);
  const tm = withInstalled([same_id, other_id], 'test_klp_state');
  tm.insmod('lp_state1_set1');
  t.same(tm.log(), [REFUSED('lp_state1_set1')]);
  tm.insmod('lp_state2_set1');
  tm.wait(2);
  t.equal(tm.read(`${KLP}/lp_state2_set1/enabled`), '1', 'a state id of its own is fine');
});

t.test('a patch of the same set may not drop a state; mainline lets a non-replace patch do it', async (t) => {
  const tm = withInstalled([], 'test_klp_state');
  tm.insmod('test_klp_livepatch');
  t.same(tm.log(), [REFUSED('test_klp_livepatch')], 'set 0, no state 1: refused');

  const mainline = new TestMachine('mainline');
  mainline.insmod('test_klp_state');
  mainline.wait(2);
  mainline.insmod('test_klp_livepatch');
  mainline.wait(2);
  t.equal(mainline.read(`${KLP}/test_klp_livepatch/enabled`), '1', 'mainline: a patch without replace may leave the state out');
});

t.test('sysfs: replace_set reads back as an unsigned int; replace and stack_order are gone', async (t) => {
  const tm = withInstalled([], 'test_klp_atomic_replace', 'replace_set=-1');
  t.equal(tm.read(`${KLP}/test_klp_atomic_replace/replace_set`), '4294967295');
  t.notOk(tm.exists(`${KLP}/test_klp_atomic_replace/replace`));
  t.notOk(tm.exists(`${KLP}/test_klp_atomic_replace/stack_order`));
  t.equal(tm.write(`${KLP}/test_klp_atomic_replace/replace_set`, '1\n'), 'EACCES', 'read-only');
});

t.test('a forced replace marks only the replaced patches of its set forced', async (t) => {
  const tm = withInstalled([], 'test_klp_livepatch', 'replace_set=0');
  tm.insmod('test_klp_atomic_replace', 'replace_set=1');
  tm.insmod('test_klp_callbacks_busy', 'block_transition=Y');
  tm.wait(2);
  // set 0 again; busymod_work_func sleeps on the kworker's stack, so the transition stalls
  tm.insmod('test_klp_callbacks_demo', 'replace_set=0');
  tm.wait(5);
  t.equal(tm.read(`${KLP}/test_klp_callbacks_demo/transition`), '1', 'stalled');
  t.equal(tm.write(`${KLP}/test_klp_callbacks_demo/force`, '1\n'), 2);
  tm.wait(2);
  t.notOk(tm.exists(`${KLP}/test_klp_livepatch`), 'set 0: replaced');
  t.match(tm.rmmod('test_klp_livepatch'), /is in use/, 'replaced under force: its module stays');
  t.equal(tm.read(`${KLP}/test_klp_atomic_replace/enabled`), '1', 'set 1: untouched');
  tm.write(`${KLP}/test_klp_atomic_replace/enabled`, '0\n');
  tm.wait(2);
  t.equal(tm.rmmod('test_klp_atomic_replace'), '', 'not forced: its module goes');
});
