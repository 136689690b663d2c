// docs/adding-a-model.md, followed: its example model, sticky-2026, built here exactly as
// the guide writes it (folder by folder, with the paths adjusted to test/), booted, and run
// through a test in its own functions.sh dialect. If the guide's API drifts, this breaks.
import t from 'tap';
import type { Machine } from '../harness/boot.js';
import { EPERM } from '../harness/kernel/errno.js';
import { KERN_ERR } from '../harness/kernel/printk.js';
import type { SeqFile } from '../harness/kernel/seq_file.js';
import type { Klp } from '../harness/livepatch/klp.js';
import type { klp_patch } from '../harness/livepatch/livepatch.js';
import type { KlpModel, KlpPolicy } from '../harness/livepatch/model.js';
import { FUNCTIONS_SH_V6_12 } from '../harness/livepatch/models/mainline/dialect.js';
import { moduleSet, UNTOUCHED_MAINLINE_MODULES } from '../harness/livepatch/models/mainline/modules.js';
import type { KernelModelDefinition } from '../harness/models.js';
import { defineModuleWith, type ModuleApi, type ModuleSource } from '../harness/module_api.js';
import type { FunctionsDialect } from '../harness/selftest/dialect.js';
import { SelftestSession } from '../harness/selftest/session.js';

// 2. fields.ts
interface sticky_patch extends klp_patch {
  /** the patch may not be disabled once enabled */
  sticky?: boolean;
}

// 3. policy.ts
class StickyPolicy implements KlpPolicy {
  /** klp_sticky_refusals: a static counter in the series' core.c */
  refusals = 0;

  constructor(private readonly klp: Klp) {}

  /** enabled_store(): a sticky patch stays enabled */
  enabled_store_check(patch: sticky_patch): number {
    if (!patch.enabled || !patch.sticky) return 0;
    this.refusals++;
    this.klp.k.printk(KERN_ERR, `livepatch: '${patch.mod.name}' is sticky\n`);
    return -EPERM;
  }
}

const sticky2026Klp: KlpModel = { name: 'sticky-2026', attach: (klp) => new StickyPolicy(klp) };

// 4. api.ts
interface StickyModuleApi {
  klp_sticky_refusals(): number;
}

function stickyModuleApi(machine: Machine): StickyModuleApi {
  const policy = machine.klp.policy;
  if (!(policy instanceof StickyPolicy)) throw new Error(`a sticky-2026 module loaded under ${machine.model.name}`);
  return { klp_sticky_refusals: () => policy.refusals };
}

function defineStickyModule(name: string, body: (api: ModuleApi & StickyModuleApi) => void): ModuleSource {
  return defineModuleWith(stickyModuleApi, name, body);
}

// 5. modules/sticky-2026/test_klp_sticky.ts
const test_klp_sticky = defineStickyModule('test_klp_sticky', ({ THIS_MODULE, func, seq_printf, pr_info, klp_sticky_refusals, klp_enable_patch, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
  const show = func('livepatch_cmdline_proc_show', (m: SeqFile) => (seq_printf(m, 'sticky\n'), 0));
  const patch: sticky_patch = { mod: THIS_MODULE, objs: [{ funcs: [{ old_name: 'cmdline_proc_show', new_func: show }, {}] }, {}], sticky: true };
  module_init(() => klp_enable_patch(patch));
  module_exit(() => pr_info(`refused ${klp_sticky_refusals()} times\n`));
  MODULE_LICENSE('GPL');
  MODULE_INFO('livepatch', 'Y');
});
const sticky2026Modules = [test_klp_sticky];

// 6. dialect.ts
const dialect: FunctionsDialect = {
  ...FUNCTIONS_SH_V6_12,
  name: 'sticky-2026',
  helpers: ({ need, disable_lp_nowait }) => ({
    // try_disable_lp MODULE: the write, without waiting for the patch to go
    try_disable_lp: ([mod], io) => {
      need([mod], 1, 'try_disable_lp MODULE', io);
      disable_lp_nowait(mod, io);
      return 0;
    },
  }),
};

// 7. index.ts
const sticky2026: KernelModelDefinition = {
  name: 'sticky-2026',
  description: '[PATCH 0/1] livepatch: sticky patches (2026-01-01)',
  klp: sticky2026Klp,
  modules: moduleSet(UNTOUCHED_MAINLINE_MODULES, sticky2026Modules),
  dialect,
  modulesInTree: false,
  versions: [
    [7, 3],
    [7, 3],
  ],
  hazards: [{ id: 'sticky-forever', summary: 'A sticky patch can never be disabled; only an atomic replace removes it.', where: 'StickyPolicy.enabled_store_check' }],
};

t.test('the guide\'s example model boots and runs a test in its own dialect', async (t) => {
  const session = new SelftestSession(sticky2026);
  session.setup();
  session.startTest('a sticky patch stays');
  for (const step of ['load_lp test_klp_sticky', 'try_disable_lp test_klp_sticky', 'try_disable_lp test_klp_sticky']) session.step(step);
  t.equal((session.machine.klp.policy as StickyPolicy).refusals, 2);
  t.equal(session.stderr.match(/Operation not permitted/g)?.length, 2, 'each write fails with EPERM');
  const log = session.result()!.split('\n');
  t.same(log, [
    '% insmod test_modules/test_klp_sticky.ko',
    "livepatch: enabling patch 'test_klp_sticky'",
    "livepatch: 'test_klp_sticky': initializing patching transition",
    "livepatch: 'test_klp_sticky': starting patching transition",
    "livepatch: 'test_klp_sticky': completing patching transition",
    "livepatch: 'test_klp_sticky': patching complete",
    '% echo 0 > /sys/kernel/livepatch/test_klp_sticky/enabled',
    "livepatch: 'test_klp_sticky' is sticky",
    '% echo 0 > /sys/kernel/livepatch/test_klp_sticky/enabled',
    "livepatch: 'test_klp_sticky' is sticky",
  ]);
});

t.test('a second machine of the model starts with its own policy state', async (t) => {
  const a = new SelftestSession(sticky2026);
  const b = new SelftestSession(sticky2026);
  a.setup();
  a.step('load_lp test_klp_sticky');
  a.step('try_disable_lp test_klp_sticky');
  t.equal((a.machine.klp.policy as StickyPolicy).refusals, 1);
  t.equal((b.machine.klp.policy as StickyPolicy).refusals, 0);
});

t.test('the series API reaches only its own modules and its own machines', async (t) => {
  // the same modules on a machine whose policy is mainline's (empty)
  const mainlineModel: KernelModelDefinition = { ...sticky2026, name: 'sticky-less', klp: { name: 'mainline', attach: () => ({}) } };
  const session = new SelftestSession(mainlineModel);
  session.setup();
  t.throws(() => session.step('load_lp test_klp_sticky'), /a sticky-2026 module loaded under sticky-less/);
});
