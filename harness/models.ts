/**
 * The kernel models a suite can name: the livepatch policy, the test modules built for it
 * and the functions.sh dialect its scripts were written in. All share one core.
 */
import type { KlpModel } from './livepatch/model.js';
import { FUNCTIONS_SH_V5_5, FUNCTIONS_SH_V6_1, FUNCTIONS_SH_V6_12 } from './livepatch/models/mainline/dialect.js';
import { mainline } from './livepatch/models/mainline/policy.js';
import { dialect as poc2023Dialect } from './livepatch/models/poc-2023/dialect.js';
import { dialect as v12025Dialect } from './livepatch/models/v1-2025/dialect.js';
import type { ModuleSource } from './module_api.js';
import type { FunctionsDialect } from './selftest/dialect.js';
import { mainlineModules } from '../modules/mainline/index.js';
import { poc2023Modules } from '../modules/poc-2023/index.js';
import { v12025Modules } from '../modules/v1-2025/index.js';
import { shadowGc2022Modules } from '../modules/shadow-gc-2022/index.js';
import { split2020Modules } from '../modules/split-2020/index.js';
import { split2020 } from './livepatch/models/split-2020/policy.js';
import { shadowGc2022 } from './livepatch/models/shadow-gc-2022/policy.js';
import { poc2023 } from './livepatch/models/poc-2023/policy.js';
import { v12025 } from './livepatch/models/v1-2025/policy.js';

export interface KernelModelDefinition {
  readonly name: string;
  readonly description: string;
  readonly klp: KlpModel;
  /** the test modules available to `insmod test_modules/X.ko` / `modprobe X` */
  readonly modules: ReadonlyMap<string, ModuleSource>;
  /** the functions.sh the model's scripts were written against */
  readonly dialect: FunctionsDialect;
  /** the test modules are built with the kernel (lib/livepatch) rather than out of tree */
  readonly modulesInTree: boolean;
  /** the kernel versions the model stands for, oldest and newest; the newest is the default */
  readonly versions: [[number, number], [number, number]];
}

/** the mainline modules by name, for the proposals that keep some of them */
function mainlineOnly(...names: string[]): ModuleSource[] {
  return mainlineModules.filter((m) => names.includes(m.name));
}

/** mainline modules that predate the proposals and that the series did not touch */
const UNTOUCHED = ['test_klp_livepatch', 'test_klp_atomic_replace', 'test_klp_shadow_vars', 'test_klp_syscall'];

function moduleMap(...sets: ModuleSource[][]): Map<string, ModuleSource> {
  // later sets override earlier ones: a proposal's version of a module wins over mainline's
  const map = new Map<string, ModuleSource>();
  for (const set of sets) for (const m of set) map.set(m.name, m);
  return map;
}

const MODELS: KernelModelDefinition[] = [
  {
    name: 'mainline',
    description: 'Linux 6.12-7.3 livepatch core and selftests',
    klp: mainline,
    modules: moduleMap(mainlineModules),
    dialect: FUNCTIONS_SH_V6_12,
    modulesInTree: false,
    versions: [
      [6, 12],
      [7, 3],
    ],
  },
  {
    name: 'poc-2023',
    description: '[POC 0/7] livepatch: Make livepatch states, callbacks, and shadow variables work together (2023-11-10)',
    klp: poc2023,
    // the callbacks test modules are gone (POC 5/7); the speaker modules replace them
    modules: moduleMap(mainlineOnly(...UNTOUCHED), poc2023Modules),
    dialect: poc2023Dialect,
    modulesInTree: true,
    versions: [
      [6, 7],
      [6, 7],
    ],
  },
  {
    name: 'v1-2025',
    description: '[PATCH v1 00/19] livepatch: Better integrate callbacks and shadow variables with the states API (2025-01-15)',
    klp: v12025,
    // the callbacks test modules are gone (16/19); the speaker modules replace them
    modules: moduleMap(mainlineOnly(...UNTOUCHED), v12025Modules),
    dialect: v12025Dialect,
    modulesInTree: false,
    versions: [
      [6, 13],
      [6, 13],
    ],
  },
  {
    name: 'shadow-gc-2022',
    description: '[PATCH v2 0/4] livepatch: Add garbage collection for shadow variables (2022-10-26)',
    klp: shadowGc2022,
    modules: moduleMap(mainlineOnly(...UNTOUCHED), shadowGc2022Modules),
    dialect: FUNCTIONS_SH_V6_1,
    modulesInTree: true,
    versions: [
      [6, 1],
      [6, 1],
    ],
  },
  {
    name: 'split-2020',
    description: '[POC 00/23] livepatch: Split livepatch module per-object (2020-01-17, v5.5-rc6)',
    klp: split2020,
    modules: moduleMap(split2020Modules),
    dialect: FUNCTIONS_SH_V5_5,
    modulesInTree: true,
    versions: [
      [5, 5],
      [5, 5],
    ],
  },
];

export function findModel(name: string): KernelModelDefinition | undefined {
  return MODELS.find((m) => m.name === name);
}

export function modelNames(): string[] {
  return MODELS.map((m) => m.name);
}

/** every registered model, in registration order (compare's columns) */
export function allModels(): readonly KernelModelDefinition[] {
  return MODELS;
}
