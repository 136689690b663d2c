// The explorer: each invariant catches a deliberately broken test-only module or policy and
// shrinks the walk to a few steps; every shipped model passes a fixed-seed campaign; the
// reproducers it writes fail `run --invariants` with the invariant's name.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, ROOT } from '../harness/cli.js';
import { Campaign } from '../harness/explore/campaign.js';
import { INVARIANT_NAMES, type InvariantName } from '../harness/explore/invariants.js';
import { runScenario } from '../harness/explore/scenario.js';
import { writeReproducer } from '../harness/explore/reproducer.js';
import { knownHazard } from '../harness/explore/hazards.js';
import { suiteInvariants } from '../harness/explore/suite_invariants.js';
import { runSuite, type TestRun } from '../harness/selftest/runner.js';
import { loadSuite } from '../harness/selftest/suite.js';
import { stepValidator } from '../harness/selftest/validate.js';
import { allModels, findModel, type KernelModelDefinition } from '../harness/models.js';
import { defineModule, type ModuleSource } from '../harness/module_api.js';
import { defineShadowGcModule } from '../harness/livepatch/models/shadow-gc-2022/api.js';
import type { KlpPolicy } from '../harness/livepatch/model.js';
import type { Klp } from '../harness/livepatch/klp.js';
import { klp_unpatch_objects } from '../harness/livepatch/patch.js';
import { KLP_TRANSITION_PATCHED } from '../harness/kernel/sched.js';
import type { klp_func, klp_object, klp_patch } from '../harness/livepatch/livepatch.js';
import type { SeqFile } from '../harness/kernel/seq_file.js';

const mainline = findModel('mainline')!;

/** a test model: mainline's core with a few modules, one of them (or the policy) broken */
function brokenModel(name: string, modules: ModuleSource[], policy: (klp: Klp) => KlpPolicy = (klp) => mainline.klp.attach(klp)): KernelModelDefinition {
  const keep = ['test_klp_livepatch', 'test_klp_callbacks_demo'];
  const map = new Map([...mainline.modules].filter(([n]) => keep.includes(n)));
  for (const m of modules) map.set(m.name, m);
  // one module set at every version: no release's own list in the way
  return { ...mainline, name, klp: { name, attach: policy }, modules: map, releases: undefined };
}

/** the first scenario of a campaign that breaks `invariant`, shrunk */
/** what catchIt asks of a tap test */
interface Checks {
  ok(v: unknown, m: string): void;
  fail(m: string): void;
}

function catchIt(t: Checks, model: KernelModelDefinition, invariant: InvariantName, replay = false): void {
  const campaign = new Campaign({ model, seed: 1, depth: 10, replayEvery: replay ? 1 : 0 });
  for (let i = 0; i < 200; i++) {
    const r = campaign.scenario(i, (inv) => inv === invariant);
    if (!r.violations.some((v) => v.invariant === invariant)) continue;
    const steps = r.shrunk!.steps;
    t.ok(steps.length <= 5, `${invariant}: shrunk to ${steps.length} steps: ${steps.join(' ; ')}`);
    const again = runScenario(model, steps, { replay });
    t.ok(again.violations.some((v) => v.invariant === invariant), `${invariant}: the shrunk steps still break it`);
    return;
  }
  t.fail(`${invariant}: no scenario of 200 broke it`);
}

/** a livepatch like test_klp_livepatch, with something added to its init and exit */
function livepatchWith(name: string, init: (api: Parameters<Parameters<typeof defineModule>[1]>[0]) => void, exit: () => void = () => {}): ModuleSource {
  return defineModule(name, (api) => {
    const { THIS_MODULE, func, seq_printf, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO } = api;
    const show = func(`${name}_cmdline_proc_show`, (m: SeqFile) => {
      seq_printf(m, `${THIS_MODULE.name}: patched\n`);
      return 0;
    });
    const funcs: klp_func[] = [{ old_name: 'cmdline_proc_show', new_func: show }, {}];
    const objs: klp_object[] = [{ funcs }, {}];
    const patch: klp_patch = { mod: THIS_MODULE, objs };
    module_init(() => {
      init(api);
      return klp_enable_patch(patch);
    });
    module_exit(exit);
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  });
}

t.test('each invariant catches a broken module or policy and shrinks it to at most 5 steps', async (t) => {
  // throws from its init: the simulator's own failure
  catchIt(t, brokenModel('broken-throws', [defineModule('test_klp_throws', ({ module_init }) => module_init(() => { throw new Error('a bug in a module mirror'); }))]), 'no-internal-error');

  // leaves a directory under /sys/kernel/livepatch behind when it goes
  catchIt(
    t,
    brokenModel('broken-sysfs', [
      defineModule('test_klp_liar', ({ sysfs_create_kernel_dir, module_init, module_exit }) => {
        module_init(() => (sysfs_create_kernel_dir('livepatch/test_klp_ghost'), 0));
        module_exit(() => {});
      }),
    ]),
    'sysfs-truth',
  );

  // a policy that forgets the post_unpatch of every object once patching completes
  catchIt(
    t,
    brokenModel('broken-callbacks', [], () => ({
      klp_complete_transition_after_post_callbacks: (patch) => {
        for (const obj of patch.obj_list ?? []) if (obj.callbacks) obj.callbacks.post_unpatch_enabled = false;
      },
    })),
    'callbacks-balanced',
  );

  // allocates a shadow variable and never frees it
  catchIt(
    t,
    brokenModel('broken-shadow', [livepatchWith('test_klp_leaky', ({ klp_shadow_alloc, kernel }) => void klp_shadow_alloc(kernel, 0x4242, 8))]),
    'shadow-lifetime',
  );

  // starts a kernel thread that spins on another CPU forever: no transition can complete
  catchIt(
    t,
    brokenModel('broken-transition', [
      defineModule('test_klp_spinner', ({ kernel, module_init, module_exit }) => {
        module_init(() => {
          const task = kernel.tasks.spawn('spinner');
          task.runningOnCpu = 1;
          return 0;
        });
        module_exit(() => {});
      }),
    ]),
    'transition-completes',
  );

  // a policy that takes the patch's functions off their ftrace stacks once patching is
  // complete: the patch is enabled, yet every call runs the original
  catchIt(
    t,
    brokenModel('broken-consistency', [], (klp) => ({
      klp_complete_transition_after_post_callbacks: (patch, target) => {
        if (target === KLP_TRANSITION_PATCHED) klp_unpatch_objects(klp, patch);
      },
    })),
    'consistency-model',
  );

  // takes a reference on itself, so it can never be removed
  catchIt(
    t,
    brokenModel('broken-refcount', [defineModule('test_klp_sticky', ({ THIS_MODULE, module_init }) => module_init(() => (THIS_MODULE.refcnt++, 0)))]),
    'modules-clean',
  );

  // a states policy that forgets to release the states of the patches an atomic replace
  // took over: their state outlives its last patch
  const v1 = findModel('v1-2025')!;
  const forgetful: KernelModelDefinition = {
    ...v1,
    name: 'broken-states',
    modules: new Map([...v1.modules].filter(([n]) => n === 'test_klp_state' || n === 'test_klp_state3')),
    klp: {
      name: 'broken-states',
      attach: (klp) => {
        const inner = v1.klp.attach(klp);
        return new Proxy(inner, {
          get: (target, key) =>
            key === 'klp_complete_transition_after_discard_nops' ? () => {} : (Reflect.get(target, key) as unknown),
        });
      },
    },
  };
  catchIt(t, forgetful, 'state-lifecycle');

  // prints something different on every run
  let runs = 0;
  catchIt(
    t,
    brokenModel('broken-determinism', [defineModule('test_klp_dice', ({ pr_info, module_init }) => module_init(() => (pr_info(`roll ${runs++}\n`), 0)))]),
    'deterministic',
    true,
  );
});

t.test('shadow-gc-2022: a shadow variable of no registered type is caught while its livepatch is still loaded', async (t) => {
  const gc = findModel('shadow-gc-2022')!;
  // allocates with a type it never registers (the posted alloc allows it), frees on exit
  const type = { id: 0x4242 };
  const untyped = defineShadowGcModule('test_klp_untyped', ({ THIS_MODULE, func, seq_printf, klp_enable_patch, shadow_gc, kernel, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
    const show = func('untyped_cmdline_proc_show', (m: SeqFile) => (seq_printf(m, `${THIS_MODULE.name}: patched\n`), 0));
    const patch: klp_patch = { mod: THIS_MODULE, objs: [{ funcs: [{ old_name: 'cmdline_proc_show', new_func: show }, {}] }, {}] };
    module_init(() => {
      const ret = klp_enable_patch(patch);
      if (!ret) shadow_gc.klp_shadow_alloc(kernel, type, 8, null);
      return ret;
    });
    module_exit(() => shadow_gc.klp_shadow_free(kernel, type));
    MODULE_LICENSE('GPL');
    MODULE_INFO('livepatch', 'Y');
  });
  const model: KernelModelDefinition = { ...gc, name: 'broken-shadow-gc', modules: new Map([['test_klp_untyped', untyped]]), releases: undefined };
  const r = runScenario(model, ['load_lp test_klp_untyped']);
  const v = r.violations.find((x) => x.invariant === 'shadow-lifetime');
  t.ok(v, 'caught at the load, with the livepatch that frees it on exit still loaded');
  t.match(v?.message ?? '', /1 shadow variable\(s\) \(id 0x4242\) of no registered type: nothing will collect them/);
  catchIt(t, model, 'shadow-lifetime');
});

t.test('a fixed-seed campaign over each shipped model breaks no invariant (known hazards aside)', async (t) => {
  for (const model of allModels()) {
    const campaign = new Campaign({ model, seed: 1, depth: 10, replayEvery: 1 });
    const found: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = campaign.scenario(i, () => false);
      for (const v of r.violations) if (!knownHazard(model, v)) found.push(`scenario ${i}: ${v.invariant}: ${v.message}`);
    }
    t.same(found, [], `${model.name}: no unknown violation in 60 scenarios`);
  }
});

t.test('explore through the CLI: a JSON report, bad input refused in one line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klp-explore-'));
  const out = join(dir, 'out');
  const a = sink();
  t.equal(await main(['explore', '--model', 'mainline', '--runs', '20', '--depth', '6', '--json', '--out', out], a.io), 0, 'mainline: no violation');
  const report = JSON.parse(a.out);
  t.equal(report.scenarios, 20);
  t.equal(report.invariants.length, INVARIANT_NAMES.length);
  t.same(report.reproducers, []);
  for (const [args, message] of [
    [['--model', 'nope'], /^klp-selftest: explore: no model 'nope'/],
    [['--model', 'mainline', '--shard', '4/3'], /--shard takes I\/N/],
    [['--model', 'mainline', '--allow', 'bogus'], /no invariant 'bogus'/],
    [['--model', 'mainline', '--runs', '0'], /--runs takes a whole number/],
    [['--runs', '3'], /--model M is required/],
  ] as const) {
    const b = sink();
    t.equal(await main(['explore', ...args], b.io), 2, args.join(' '));
    t.match(b.err, message);
    t.equal(b.err.split('\n').length, 2, 'one line');
  }
});

t.test('v1-2025: a reversed disable of a replace patch releases the states of a patch loaded after it (a known hazard)', async (t) => {
  const model = findModel('v1-2025')!;
  const dir = '/sys/kernel/livepatch/test_klp_state3';
  const steps = ['insmod test_modules/test_klp_state3.ko', 'sleep 1', 'insmod test_modules/test_klp_speaker_livepatch.ko applause=1', 'sleep 1', `echo 0 > ${dir}/enabled`, `echo 1 > ${dir}/enabled`];
  const r = runScenario(model, steps);
  const v = r.violations.find((x) => x.invariant === 'state-lifecycle');
  t.match(v?.message, /pre_unpatch without its introducing callback/);
  t.match(knownHazard(model, v!), /^reversed-replace-releases-later-patches-states:/);
  // without the reversal the states are released once, when their own patch goes
  t.same(runScenario(model, steps.slice(0, 5)).violations, [], 'no violation without the echo 1');
});

t.test('a campaign is the same on every run, with --jobs 2, and as the union of its shards', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klp-explore-'));
  // split-2020 at seed 7 breaks consistency-model (a known hazard) in its first 60 walks,
  // so the comparison covers a violation and its reproducer, not only empty lists
  const run = async (...extra: string[]) => {
    const s = sink();
    await main(['explore', '--model', 'split-2020', '--seed', '7', '--runs', '60', '--json', '--out', join(dir, 'out'), ...extra], s.io);
    return JSON.parse(s.out) as { scenarios: number; steps: number; hung: number; violations: { scenario: number }[]; invariants: { name: string; checked: number; violated: number }[] };
  };
  const once = await run();
  t.ok(once.violations.length > 0, 'the campaign finds something to compare');
  t.same(await run(), once, 'a second run gives the same report');
  t.same(await run('--jobs', '2'), once, '--jobs 2 gives the same report');
  const shards = [await run('--shard', '1/3'), await run('--shard', '2/3'), await run('--shard', '3/3')];
  t.equal(shards.reduce((n, r) => n + r.scenarios, 0), once.scenarios, 'the shards share out the scenarios');
  t.equal(shards.reduce((n, r) => n + r.steps, 0), once.steps, 'and their steps');
  t.equal(shards.reduce((n, r) => n + r.hung, 0), once.hung, 'and the hung ones');
  const union = shards.flatMap((r) => r.violations).sort((a, b) => a.scenario - b.scenario);
  t.same(union, once.violations, 'the union of their violations is the whole run\'s');
  for (const row of once.invariants) {
    const rows = shards.map((r) => r.invariants.find((x) => x.name === row.name)!);
    t.equal(rows.reduce((n, x) => n + x.checked, 0), row.checked, `${row.name}: checked as often`);
    t.equal(rows.reduce((n, x) => n + x.violated, 0), row.violated, `${row.name}: violated as often`);
  }
});

t.test('every shipped suite of every model keeps the invariants (no false violation on the upstream scenarios)', async (t) => {
  for (const model of allModels()) {
    const a = sink();
    t.equal(await main(['run', '--invariants', join(ROOT, 'suites', model.name)], a.io), 0, `${model.name}: run --invariants passes`);
    t.notMatch(a.out, /invariant \S+ broken/, `${model.name}: nothing broken`);
  }
});

t.test("explore's own reproducers fail run --invariants with their invariant's name", async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'klp-explore-repro-'));
  const a = sink();
  // poc-2023's known hazard shows within the first 200 walks of seed 1
  t.equal(await main(['explore', '--model', 'poc-2023', '--runs', '200', '--replay-every', '0', '--json', '--out', out], a.io), 0, 'known hazards only: exit 0');
  const report = JSON.parse(a.out) as { reproducers: { invariant: string; file: string }[] };
  t.ok(report.reproducers.length > 0, 'reproducers were written');
  for (const r of report.reproducers) {
    const b = sink();
    t.equal(await main(['run', '--invariants', r.file], b.io), 1, `${r.invariant}: run --invariants fails`);
    t.match(b.out, new RegExp(`invariant ${r.invariant} broken`), `${r.invariant}: named in the output`);
  }
});

t.test('a reproducer is a suite: run with the invariants, it fails naming the invariant and the step', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klp-repro-'));
  const model = brokenModel('mainline', [defineModule('test_klp_sticky', ({ THIS_MODULE, module_init }) => module_init(() => (THIS_MODULE.refcnt++, 0)))]);
  const campaign = new Campaign({ model, seed: 3, depth: 8, replayEvery: 0 });
  let file: string | undefined;
  for (let i = 0; i < 100 && !file; i++) {
    const r = campaign.scenario(i, (inv) => inv === 'modules-clean');
    const v = r.violations.find((x) => x.invariant === 'modules-clean');
    if (!v) continue;
    file = writeReproducer(dir, { model: 'mainline', invariant: 'modules-clean', seed: 3, scenario: i, original: r.steps, steps: r.shrunk!.steps, violation: v });
  }
  t.ok(file, 'a reproducer was written');
  const text = readFileSync(file!, 'utf8');
  t.match(text, /^# klp-selftest explore: invariant modules-clean broken$/m);
  t.match(text, /^# model mainline, seed 3, scenario \d+: \d+ steps, shrunk to \d+$/m);
  // the suite loads as any suite does; it runs on the broken model it came from
  const suite = { ...loadSuite(file!, stepValidator), model };
  const inv = suiteInvariants(suite);
  const runs: TestRun[] = [];
  runSuite(suite, { observer: inv.observer, onTest: (r) => runs.push(r) });
  inv.finish();
  t.equal(runs.length, 1);
  const lines = inv.brokenBy(runs[0].test);
  t.equal(lines.length, 1);
  t.match(lines[0], /^invariant modules-clean broken at the end of the suite, after cleanup: after cleanup, still loaded: test_klp_sticky$/);

  // and a clean suite without golden files passes `run --invariants` on its invariants alone
  const clean = join(dir, 'clean.yaml');
  writeFileSync(clean, 'kernel: mainline\ntests:\n  - title: load and go\n    steps:\n      - insmod test_modules/test_klp_livepatch.ko\n      - sleep 2\n');
  const c = sink();
  t.equal(await main(['run', '--invariants', clean], c.io), 0);
  t.match(c.out, /no golden file: checked by the invariants alone/);
});

function sink() {
  const s = { out: '', err: '', io: undefined as unknown as Parameters<typeof main>[1] };
  s.io = { out: (x: string) => (s.out += x), err: (x: string) => (s.err += x), isTTY: false, env: {} };
  return s;
}
