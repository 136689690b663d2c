/**
 * Mainline by release. Two released kernels are where a scenario can be checked on a real
 * machine without building one: Debian bookworm's 6.1 (6.1.192) and bookworm-backports'
 * 6.12 (6.12.95). Each ships its own tools/testing/selftests/livepatch: its functions.sh and
 * the test modules that release has. A module a release does not ship is not there to
 * load (insmod and modprobe fail as for a missing file).
 *
 * A release also says how its kernel is built where that shapes what a test sees: the
 * scheduler hook a transition enables (harness/kernel/sched_klp.ts) is the reason a
 * transition that nothing blocks completes inside the command that started it on 6.12, and
 * only at the retry a second later on 6.1 and from 6.16 on. What the kernel's own code does
 * differently by version stays where the kernel decides it, by k.versionAtLeast() at the
 * function that changed: the patch's `replace` sysfs attribute (6.11), `stack_order`
 * (6.13), kernel.ftrace_enabled refusing 0 (7.3).
 */
import type { ModelRelease } from '../../../models.js';
import type { ModuleSource } from '../../../module_api.js';
import { FUNCTIONS_SH_V6_1, FUNCTIONS_SH_V6_12 } from './dialect.js';
import { mainlineModules, moduleSet } from './modules.js';

/** lib/livepatch in 6.1: the modules since 5.x, before test_klp_syscall */
const MODULES_6_1 = [
  'test_klp_atomic_replace',
  'test_klp_callbacks_busy',
  'test_klp_callbacks_demo',
  'test_klp_callbacks_demo2',
  'test_klp_callbacks_mod',
  'test_klp_livepatch',
  'test_klp_shadow_vars',
  'test_klp_state',
  'test_klp_state2',
  'test_klp_state3',
];

/** test_modules/ in 6.12: 6.1's and test_klp_syscall (test-syscall.sh) */
const MODULES_6_12 = [...MODULES_6_1, 'test_klp_syscall'];

/** after 6.12: test_klp_kprobe (test-kprobe.sh) */
const MODULES_6_13 = [...MODULES_6_12, 'test_klp_kprobe'];

/** 7.1: the module-function tests' target and patch */
const MODULES_7_1 = [...MODULES_6_13, 'test_klp_mod_target', 'test_klp_mod_patch'];

function shipped(names: readonly string[]): Map<string, ModuleSource> {
  const missing = names.filter((n) => !mainlineModules.some((m) => m.name === n));
  if (missing.length) throw new Error(`mainline releases name modules that do not exist: ${missing.join(', ')}`);
  return moduleSet(mainlineModules.filter((m) => names.includes(m.name)));
}

/** 6.4 to 6.15 with PREEMPT_DYNAMIC (Debian's x86 build): klp_cond_resched_enable() rewrites every cond_resched() */
const COND_RESCHED_STATIC_CALL = { klpSchedHook: 'cond_resched_static_call' } as const;
/** 6.16 on: a static key in __schedule() */
const SCHEDULE_STATIC_KEY = { klpSchedHook: 'schedule_static_key' } as const;

/** the newest: what `kernel: mainline` without a version boots */
export const MAINLINE_7_1: ModelRelease = {
  versions: [
    [7, 1],
    [7, 3],
  ],
  dialect: FUNCTIONS_SH_V6_12,
  modules: shipped(MODULES_7_1),
  kernel: SCHEDULE_STATIC_KEY,
};

export const MAINLINE_RELEASES: readonly ModelRelease[] = [
  {
    versions: [
      [6, 1],
      [6, 1],
    ],
    dialect: FUNCTIONS_SH_V6_1,
    modules: shipped(MODULES_6_1),
    kernel: { klpSchedHook: 'none' },
  },
  {
    versions: [
      [6, 12],
      [6, 12],
    ],
    dialect: FUNCTIONS_SH_V6_12,
    modules: shipped(MODULES_6_12),
    kernel: COND_RESCHED_STATIC_CALL,
  },
  {
    versions: [
      [6, 13],
      [6, 15],
    ],
    dialect: FUNCTIONS_SH_V6_12,
    modules: shipped(MODULES_6_13),
    kernel: COND_RESCHED_STATIC_CALL,
  },
  {
    versions: [
      [6, 16],
      [7, 0],
    ],
    dialect: FUNCTIONS_SH_V6_12,
    modules: shipped(MODULES_6_13),
    kernel: SCHEDULE_STATIC_KEY,
  },
  MAINLINE_7_1,
];
