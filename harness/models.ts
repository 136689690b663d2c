/**
 * The kernel models a suite can name. Each lives in its own folder,
 * harness/livepatch/models/<model>/: the livepatch policy it attaches to a machine, the test
 * modules built for it, the functions.sh dialect its scripts were written in and the hazards
 * it is known to have. All share one core.
 */
import type { KlpModel, KnownHazard } from './livepatch/model.js';
import { mainline } from './livepatch/models/mainline/index.js';
import { poc2023 } from './livepatch/models/poc-2023/index.js';
import { replaceSet2026 } from './livepatch/models/replace-set-2026/index.js';
import { shadowGc2022 } from './livepatch/models/shadow-gc-2022/index.js';
import { split2020 } from './livepatch/models/split-2020/index.js';
import { v12025 } from './livepatch/models/v1-2025/index.js';
import type { ModuleSource } from './module_api.js';
import type { FunctionsDialect } from './selftest/dialect.js';

export interface KernelModelDefinition {
  readonly name: string;
  readonly description: string;
  /** the livepatch side: attach(klp) gives one machine its policy */
  readonly klp: KlpModel;
  /** the test modules available to `insmod test_modules/X.ko` / `modprobe X` */
  readonly modules: ReadonlyMap<string, ModuleSource>;
  /** the functions.sh the model's scripts were written against */
  readonly dialect: FunctionsDialect;
  /** the test modules are built with the kernel (lib/livepatch) rather than out of tree */
  readonly modulesInTree: boolean;
  /** the kernel versions the model stands for, oldest and newest; the newest is the default */
  readonly versions: [[number, number], [number, number]];
  /** what the posted code is known to get wrong, modelled as posted */
  readonly hazards: readonly KnownHazard[];
}

const MODELS: KernelModelDefinition[] = [mainline, poc2023, v12025, shadowGc2022, split2020, replaceSet2026];

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
