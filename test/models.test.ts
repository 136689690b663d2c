// Behaviour of the kernel models beyond what their upstream suites show: each assertion is
// a rule of the modelled code (as posted, for the proposals).
import t from 'tap';
import type { klp_patch } from '../harness/livepatch/livepatch.js';
import { defineShadowGcModule } from '../harness/livepatch/models/shadow-gc-2022/api.js';
import type { ShadowGcPolicy, gc_object, klp_shadow_type } from '../harness/livepatch/models/shadow-gc-2022/policy.js';
import { defineModule } from '../harness/module_api.js';
import { TestMachine } from './machine.js';

const KLP = '/sys/kernel/livepatch';

/** a shadow-gc-2022 livepatch whose vmlinux object uses shadow type 7 and allocates one variable */
function gcLivepatch(name: string, replace: boolean) {
  return defineShadowGcModule(name, ({ THIS_MODULE, pr_info, shadow_gc, klp_enable_patch, module_init, MODULE_INFO }) => {
    const holder = {};
    const t7: klp_shadow_type = { id: 7, dtor: () => pr_info('dtor of 7\n') };
    const obj: gc_object = {
      funcs: [{}],
      shadow_types: [t7],
      callbacks: {
        post_patch: () => {
          shadow_gc.klp_shadow_alloc(holder, t7, 8);
          pr_info('allocated\n');
        },
        post_unpatch: () => pr_info('post_unpatch\n'),
      },
    };
    const patch: klp_patch = { mod: THIS_MODULE, objs: [obj, {}], replace };
    module_init(() => klp_enable_patch(patch));
    MODULE_INFO('livepatch', 'Y');
  });
}

t.test('shadow-gc-2022: the last unregister collects, after post_unpatch', async (t) => {
  const tm = new TestMachine('shadow-gc-2022', [gcLivepatch('gc_a', false)]);
  tm.insmod('gc_a');
  tm.wait(2);
  t.ok(tm.log().includes('gc_a: allocated'));
  tm.write(`${KLP}/gc_a/enabled`, '0\n');
  tm.wait(2);
  t.same(
    tm.log().filter((l) => !l.includes('transition')),
    ['gc_a: post_unpatch', 'gc_a: dtor of 7', "livepatch: 'gc_a': unpatching complete"],
  );
});

t.test('shadow-gc-2022: an atomic replace never drops the replaced registration (as posted)', async (t) => {
  const tm = new TestMachine('shadow-gc-2022', [gcLivepatch('gc_a', false), gcLivepatch('gc_b', true)]);
  tm.insmod('gc_a');
  tm.wait(2);
  tm.insmod('gc_b');
  tm.wait(2);
  tm.log();
  tm.write(`${KLP}/gc_b/enabled`, '0\n');
  tm.wait(2);
  const log = tm.log();
  t.ok(log.includes('gc_b: post_unpatch'));
  t.notOk(log.some((l) => l.includes('dtor of 7')), 'gc_a still holds a registration of id 7');
});

t.test('shadow-gc-2022: only klp_shadow_get checks the registration', async (t) => {
  const probe = defineShadowGcModule('gc_probe', ({ pr_info, shadow_gc, module_init }) => {
    module_init(() => {
      const t9: klp_shadow_type = { id: 9 };
      const v = shadow_gc.klp_shadow_alloc({}, t9, 8);
      pr_info(`alloc ${v ? 'succeeded' : 'failed'}\n`);
      shadow_gc.klp_shadow_register(t9);
      shadow_gc.klp_shadow_register(t9);
      shadow_gc.klp_shadow_unregister(t9);
      shadow_gc.klp_shadow_unregister(t9);
      return 0;
    });
  });
  const tm = new TestMachine('shadow-gc-2022', [probe]);
  tm.insmod('gc_probe');
  t.same(tm.log(), [
    'livepatch: Trying to get shadow variable of non-registered type: 9',
    'livepatch: Trying to get shadow variable of non-registered type: 9',
    'gc_probe: alloc succeeded',
    'livepatch: Trying to register shadow variable type that is already registered: 9',
    'livepatch: Trying to unregister shadow variable type that is not registered: 9',
  ]);
});

t.test('split-2020: per-object modules come and go with their targets, silently', async (t) => {
  const tm = new TestMachine('split-2020');
  const perObj = '/sys/module/test_klp_callbacks_demo__test_klp_callbacks_mod';
  t.equal(tm.exists(perObj), false);
  tm.insmod('test_klp_callbacks_demo');
  tm.wait(2);
  t.notOk(tm.exists(`${KLP}/test_klp_callbacks_demo/test_klp_callbacks_mod`), 'no object directory without its target');
  tm.insmod('test_klp_callbacks_mod');
  t.ok(tm.exists(perObj), 'loaded by klp_module_coming');
  t.equal(tm.read(`${perObj}/refcnt`), '1', 'its own reference keeps it in place');
  t.ok(tm.exists(`${KLP}/test_klp_callbacks_demo/test_klp_callbacks_mod`));
  t.equal(tm.read('/sys/module/test_klp_callbacks_demo/refcnt'), '1', 'the main module is not pinned by it');
  tm.log();
  tm.rmmod('test_klp_callbacks_mod');
  tm.wait(0.1);
  t.notOk(tm.exists(perObj), 'removed after its target went');
  t.notOk(tm.log().some((l) => l.includes('__')), 'no line names the per-object module');
});

t.test('split-2020: a second enable is refused out loud while one is in transition', async (t) => {
  const tm = new TestMachine('split-2020');
  tm.insmod('test_klp_callbacks_demo');
  tm.log();
  t.match(tm.insmod('test_klp_callbacks_demo2'), /Device or resource busy/);
  t.same(tm.log(), ['livepatch: Already enabling livepatch: test_klp_callbacks_demo']);
});

t.test('v1-2025: block_disable refuses disabling, even reversing the enable', async (t) => {
  const tm = new TestMachine('v1-2025');
  tm.insmod('test_klp_state', 'state_block_disable=1');
  tm.log();
  t.equal(tm.write(`${KLP}/test_klp_state/enabled`, '0\n'), 'EINVAL');
  t.same(tm.log(), ["livepatch: The livepatch 'test_klp_state' does not support disable"]);
  tm.wait(2);
  t.equal(tm.write(`${KLP}/test_klp_state/enabled`, '0\n'), 'EINVAL');
});

t.test('mainline: "signaling remaining tasks" comes with the 16th failed attempt only', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_callbacks_busy', 'block_transition=Y');
  tm.insmod('test_klp_callbacks_demo');
  tm.wait(14.5);
  t.notOk(tm.log().includes('livepatch: signaling remaining tasks'), 'attempts #0..#14');
  tm.wait(1);
  t.ok(tm.log().includes('livepatch: signaling remaining tasks'), 'attempt #15');
  tm.wait(20);
  t.notOk(tm.log().includes('livepatch: signaling remaining tasks'), 'signals are sent again without the message');
});

t.test('mainline: a forked task starts in its parent\'s patch state', async (t) => {
  const tm = new TestMachine();
  tm.insmod('test_klp_callbacks_busy', 'block_transition=Y');
  tm.insmod('test_klp_callbacks_demo');
  const k = tm.m.k;
  const parent = k.tasks.spawn('parent');
  parent.patch_state = 0;
  parent.patch_pending = true;
  const child = k.tasks.spawn('child', { parent });
  t.equal(child.patch_state, 0);
  t.equal(child.patch_pending, true);
});

t.test('poc-2023: a replace that drops a state runs the old patch\'s disable, then its release', async (t) => {
  const tm = new TestMachine('poc-2023');
  tm.m.k.dyndbg.control('file kernel/livepatch/* -p');
  tm.insmod('test_klp_speaker_livepatch', 'add_applause=1');
  tm.wait(2);
  tm.log();
  tm.insmod('test_klp_speaker_livepatch2');
  tm.wait(2);
  t.same(tm.log(), [
    "livepatch: enabling patch 'test_klp_speaker_livepatch2'",
    'test_klp_speaker_livepatch: disable_applause_callback: state 1',
    "livepatch: 'test_klp_speaker_livepatch2': starting patching transition",
    'test_klp_speaker_livepatch: release_applause_callback: state 1',
    "livepatch: 'test_klp_speaker_livepatch2': patching complete",
  ]);
});

t.test('v1-2025: a replace that drops a state frees its shadow variables right after post_unpatch', async (t) => {
  const tm = new TestMachine('v1-2025');
  tm.m.k.dyndbg.control('file kernel/livepatch/* -p');
  tm.insmod('test_klp_speaker_livepatch', 'applause=1');
  tm.wait(2);
  tm.log();
  tm.insmod('test_klp_speaker_livepatch2', 'replace=1');
  tm.wait(2);
  t.same(tm.log(), [
    "livepatch: enabling patch 'test_klp_speaker_livepatch2'",
    'test_klp_speaker_livepatch: applause_pre_unpatch_callback: state 10',
    "livepatch: 'test_klp_speaker_livepatch2': starting patching transition",
    'test_klp_speaker_livepatch: applause_post_unpatch_callback: state 10 (nope)',
    'test_klp_speaker_livepatch: applause_shadow_dtor: freeing applause [] (nope)',
    "livepatch: 'test_klp_speaker_livepatch2': patching complete",
  ]);
});

t.test('attach: each machine has its own policy and its own registry', async (t) => {
  const a = new TestMachine('shadow-gc-2022');
  const b = new TestMachine('shadow-gc-2022');
  const pa = a.m.klp.policy as ShadowGcPolicy;
  const pb = b.m.klp.policy as ShadowGcPolicy;
  t.not(pa, pb);
  const type9: klp_shadow_type = { id: 9 };
  pa.klp_shadow_register(type9);
  a.log();
  b.log();
  // machine b never registered id 9: its registry has nothing to drop
  pb.klp_shadow_unregister(type9);
  t.same(b.log(), ["livepatch: Can't find shadow variable type registration: 9"]);
  t.same(a.log(), []);
});

t.test('module API: mainline modules see mainline only; a model adds to its own modules', async (t) => {
  let seen: string[] = [];
  const plain = defineModule('plain_probe', (api) => {
    seen = Object.keys(api);
  });
  const gc = defineShadowGcModule('gc_keys', (api) => {
    seen = Object.keys(api);
  });
  const split = new TestMachine('split-2020', [plain]);
  split.insmod('plain_probe');
  t.ok(seen.includes('klp_enable_patch'));
  t.notOk(seen.includes('klp_add_object'), 'a mainline module cannot call klp_add_object');
  t.notOk(seen.includes('shadow_gc'));
  const shadow = new TestMachine('shadow-gc-2022', [gc]);
  shadow.insmod('gc_keys');
  t.ok(seen.includes('shadow_gc'));
  t.throws(() => new TestMachine('mainline', [gc]).insmod('gc_keys'), /shadow-gc-2022 module loaded under mainline/);
});
