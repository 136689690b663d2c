/**
 * The kernel models a suite can name: the livepatch policy, the test modules built for it
 * and the functions.sh dialect its scripts were written in. All share one core.
 */
import type { KnownHazard } from './explore/hazards.js';
import type { KlpModel } from './livepatch/model.js';
import { mainline } from './livepatch/models/mainline.js';
import type { ModuleSource } from './module_api.js';
import type { FunctionsFlavour } from './selftest/functions.js';
import { mainlineModules } from '../modules/mainline/index.js';
import { poc2023Modules } from '../modules/poc-2023/index.js';
import { v12025Modules } from '../modules/v1-2025/index.js';
import { shadowGc2022Modules } from '../modules/shadow-gc-2022/index.js';
import { split2020Modules } from '../modules/split-2020/index.js';
import { split2020 } from './livepatch/models/split-2020.js';
import { shadowGc2022 } from './livepatch/models/shadow-gc-2022.js';
import { poc2023 } from './livepatch/models/poc-2023.js';
import { v12025 } from './livepatch/models/v1-2025.js';

export interface FunctionsDialect {
  /** the functions.sh the model's scripts were written against */
  flavour: FunctionsFlavour;
}

export interface KernelModelDefinition {
  readonly name: string;
  readonly description: string;
  readonly klp: KlpModel;
  /** the test modules available to `insmod test_modules/X.ko` / `modprobe X` */
  readonly modules: ReadonlyMap<string, ModuleSource>;
  readonly dialect: FunctionsDialect;
  /** the test modules are built with the kernel (lib/livepatch) rather than out of tree */
  readonly modulesInTree: boolean;
  /** the kernel versions the model stands for, oldest and newest; the newest is the default */
  readonly versions: [[number, number], [number, number]];
  /** invariants the proposal is known to break, with why (the explorer reports them as known) */
  readonly hazards?: readonly KnownHazard[];
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
    dialect: { flavour: 'mainline' },
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
    dialect: { flavour: 'poc-2023' },
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
    dialect: { flavour: 'v1-2025' },
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
    dialect: { flavour: 'v6.1' },
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
    dialect: { flavour: 'v5.5' },
    hazards: [
      {
        invariant: 'consistency-model',
        reason:
          "a per-object module loaded during a transition brings funcs that klp_init_transition() never marked, so tasks already switched run the other side's code",
      },
    ],
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
