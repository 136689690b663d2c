// Rules of the livepatch core that the upstream suites do not reach, each as the kernel
// documents or implements it.
import t from 'tap';
import { TestMachine } from './machine.js';

const KLP = '/sys/kernel/livepatch';

t.test('a transition completes in the delayed work, about a second later', async (t) => {
  const tm = new TestMachine();
  t.equal(tm.insmod('test_klp_livepatch'), '');
  // the other CPU's idle task is running: attempt #0 cannot switch it
  t.equal(tm.read(`${KLP}/test_klp_livepatch/transition`), '1');
  t.equal(tm.read(`${KLP}/test_klp_livepatch/enabled`), '1', 'enabled flips at the start');
  t.same(tm.log(), [
    "livepatch: enabling patch 'test_klp_livepatch'",
    "livepatch: 'test_klp_livepatch': initializing patching transition",
    "livepatch: 'test_klp_livepatch': starting patching transition",
  ]);
  tm.wait(1.5);
  t.equal(tm.read(`${KLP}/test_klp_livepatch/transition`), '0');
  t.same(tm.log(), [
    "livepatch: 'test_klp_livepatch': completing patching transition",
    "livepatch: 'test_klp_livepatch': patching complete",
  ]);
  t.equal(tm.read('/proc/cmdline'), 'test_klp_livepatch: this has been live patched');
});

t.test('writing enabled: parsing, same value, re-enable', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_livepatch');
  tm.wait(2);
  const enabled = `${KLP}/test_klp_livepatch/enabled`;
  t.equal(tm.write(enabled, '1\n'), 'EINVAL', 'already enabled');
  t.equal(tm.write(enabled, 'x\n'), 'EINVAL', 'not a boolean');
  t.equal(tm.write(enabled, ' 0\n'), 'EINVAL', 'a leading space is not accepted');
  t.equal(tm.write(`${KLP}/test_klp_livepatch/transition`, '1\n'), 'EACCES', 'read-only attribute');
  t.equal(tm.write(`${KLP}/test_klp_livepatch/force`, '1\n'), 'EINVAL', 'force outside a transition');
  t.equal(tm.write(`${KLP}/test_klp_livepatch/force`, '0\n'), 2, 'a false force is a no-op');
  t.equal(tm.write(enabled, 'off\n'), 4, 'disabling returns the full count');
  t.equal(tm.read(enabled), '0');
  t.equal(tm.write(enabled, '0\n'), 'EINVAL', 'already disabled');
});

t.test('echo 1 during unpatching reverses the transition, without callbacks', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_callbacks_demo');
  tm.wait(2);
  tm.log();
  const enabled = `${KLP}/test_klp_callbacks_demo/enabled`;
  t.equal(tm.write(enabled, '0\n'), 2);
  t.equal(tm.write(enabled, '1\n'), 2, 'reversal succeeds');
  tm.wait(2);
  t.same(tm.log(), [
    "livepatch: 'test_klp_callbacks_demo': initializing unpatching transition",
    'test_klp_callbacks_demo: pre_unpatch_callback: vmlinux',
    "livepatch: 'test_klp_callbacks_demo': starting unpatching transition",
    "livepatch: 'test_klp_callbacks_demo': reversing transition from unpatching to patching",
    "livepatch: 'test_klp_callbacks_demo': starting patching transition",
    "livepatch: 'test_klp_callbacks_demo': completing patching transition",
    'test_klp_callbacks_demo: post_patch_callback: vmlinux',
    "livepatch: 'test_klp_callbacks_demo': patching complete",
  ]);
  t.equal(tm.read(enabled), '1');
});

t.test('a second patch is refused with EBUSY while one is in transition', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_livepatch');
  tm.log();
  t.equal(tm.insmod('test_klp_atomic_replace'), 'insmod: ERROR: could not insert module test_modules/test_klp_atomic_replace.ko: Device or resource busy');
  t.same(tm.log(), [], 'no "enabling patch" line');
  t.notOk(tm.exists(`${KLP}/test_klp_atomic_replace`), 'its sysfs directory is gone again');
  t.equal(tm.write(`${KLP}/test_klp_livepatch/enabled`, '0\n'), 2, 'reversing the patch in transition is allowed');
});

t.test('stack_order is counted at read time', async (t) => {
  const tm = new TestMachine();
  for (const m of ['test_klp_livepatch', 'test_klp_callbacks_demo', 'test_klp_syscall']) {
    tm.insmod(m);
    tm.wait(2);
  }
  t.equal(tm.read(`${KLP}/test_klp_syscall/stack_order`), '3');
  tm.write(`${KLP}/test_klp_callbacks_demo/enabled`, '0\n');
  tm.wait(2);
  t.notOk(tm.exists(`${KLP}/test_klp_callbacks_demo`));
  t.equal(tm.read(`${KLP}/test_klp_livepatch/stack_order`), '1');
  t.equal(tm.read(`${KLP}/test_klp_syscall/stack_order`), '2');
});

t.test('the livepatch module is in use until its patch is freed; forced patches never are', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_livepatch');
  t.equal(tm.read('/sys/module/test_klp_livepatch/refcnt'), '1');
  t.equal(tm.rmmod('test_klp_livepatch'), 'rmmod: ERROR: Module test_klp_livepatch is in use');
  tm.wait(2);
  tm.write(`${KLP}/test_klp_livepatch/enabled`, '0\n');
  t.equal(tm.write(`${KLP}/test_klp_livepatch/force`, '1\n'), 2);
  tm.log();
  tm.wait(2);
  t.same(tm.log(), [
    "livepatch: 'test_klp_livepatch': completing unpatching transition",
    "livepatch: 'test_klp_livepatch': unpatching complete",
  ]);
  t.notOk(tm.exists(`${KLP}/test_klp_livepatch`), 'the patch directory goes');
  t.equal(tm.read('/sys/module/test_klp_livepatch/refcnt'), '1', 'the reference is leaked');
  t.equal(tm.rmmod('test_klp_livepatch'), 'rmmod: ERROR: Module test_klp_livepatch is in use');
});

t.test('force prints the "patched state" warning in both directions', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_livepatch');
  tm.log();
  t.equal(tm.write(`${KLP}/test_klp_livepatch/force`, 'Y\n'), 2);
  t.same(tm.log(), ['livepatch: forcing remaining tasks to the patched state']);
  tm.wait(2);
  t.equal(tm.read('/sys/module/test_klp_livepatch/refcnt'), '1', 'a forced enable keeps the normal reference');
});

t.test('a bad parameter value fails the load after klp_module_coming', async (t) => {
  const tm = new TestMachine();
  t.equal(tm.insmod('test_klp_atomic_replace', 'replace=abc'), 'insmod: ERROR: could not insert module test_modules/test_klp_atomic_replace.ko: Invalid parameters');
  t.same(tm.log(), ["test_klp_atomic_replace: `abc' invalid for parameter `replace'"]);
  t.notOk(tm.exists('/sys/module/test_klp_atomic_replace'));
  t.equal(tm.insmod('test_klp_atomic_replace', 'replace=x', 'replace=y', 'bogus=2'), 'insmod: ERROR: could not insert module test_modules/test_klp_atomic_replace.ko: Invalid parameters');
  t.same(tm.log(), [
    "test_klp_atomic_replace: `x' invalid for parameter `replace'",
    "test_klp_atomic_replace: `y' invalid for parameter `replace'",
    "test_klp_atomic_replace: unknown parameter 'bogus' ignored",
  ], 'parse_args goes on after an error');
  t.equal(tm.insmod('test_klp_atomic_replace', 'bogus=1', 'dyndbg=+p', '--', 'after'), '');
  t.same(tm.log().slice(0, 3), [
    "test_klp_atomic_replace: unknown parameter 'bogus' ignored",
    "test_klp_atomic_replace: parameters 'after' after `--' ignored",
    "livepatch: enabling patch 'test_klp_atomic_replace'",
  ]);
});

t.test('atomic replace: nops appear in sysfs during the transition and go at completion', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_livepatch');
  tm.wait(2);
  tm.insmod('test_klp_atomic_replace', 'replace=1');
  t.ok(tm.exists(`${KLP}/test_klp_atomic_replace/vmlinux/cmdline_proc_show,1`), 'nop func directory');
  t.match(tm.read('/proc/cmdline'), /^BOOT_IMAGE=/, 'a switched task runs the nop: the original code');
  tm.wait(2);
  t.notOk(tm.exists(`${KLP}/test_klp_atomic_replace/vmlinux/cmdline_proc_show,1`));
  t.ok(tm.exists(`${KLP}/test_klp_atomic_replace/vmlinux/meminfo_proc_show,1`));
  t.notOk(tm.exists(`${KLP}/test_klp_livepatch`), 'the replaced patch is freed');
  t.match(tm.read('/proc/cmdline'), /^BOOT_IMAGE=/);
  t.equal(tm.rmmod('test_klp_livepatch'), '');
});

t.test('a task sleeping in a function to be patched stalls the transition', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_callbacks_busy', 'block_transition=Y');
  t.same(tm.log(), ['test_klp_callbacks_busy: test_klp_callbacks_busy_init', 'test_klp_callbacks_busy: busymod_work_func enter']);
  tm.m.k.dyndbg.control('func klp_try_switch_task +p');
  tm.insmod('test_klp_callbacks_demo');
  tm.wait(20);
  const log = tm.log();
  t.ok(log.some((l) => /klp_try_switch_task: kworker\/0:\d+:\d+ is sleeping on function busymod_work_func/.test(l)));
  t.equal(log.filter((l) => l === 'livepatch: signaling remaining tasks').length, 1, 'signaled once, at the 16th attempt');
  t.equal(tm.read(`${KLP}/test_klp_callbacks_demo/transition`), '1');
  tm.m.k.dyndbg.control('func klp_try_switch_task -p');
  // a forced transition completes at the next attempt
  t.equal(tm.write(`${KLP}/test_klp_callbacks_demo/force`, '1\n'), 2);
  tm.wait(2);
  t.same(tm.log(), [
    'livepatch: forcing remaining tasks to the patched state',
    "livepatch: 'test_klp_callbacks_demo': completing patching transition",
    'test_klp_callbacks_demo: post_patch_callback: vmlinux',
    'test_klp_callbacks_demo: post_patch_callback: test_klp_callbacks_busy -> [MODULE_STATE_LIVE] Normal state',
    "livepatch: 'test_klp_callbacks_demo': patching complete",
  ]);
  t.equal(tm.rmmod('test_klp_callbacks_busy'), '');
  t.same(tm.log(), [
    'test_klp_callbacks_busy: busymod_work_func exit',
    'test_klp_callbacks_busy: test_klp_callbacks_busy_exit',
    'test_klp_callbacks_demo: pre_unpatch_callback: test_klp_callbacks_busy -> [MODULE_STATE_GOING] Going away',
    "livepatch: reverting patch 'test_klp_callbacks_demo' on unloading module 'test_klp_callbacks_busy'",
    'test_klp_callbacks_demo: post_unpatch_callback: test_klp_callbacks_busy -> [MODULE_STATE_GOING] Going away',
  ]);
});
