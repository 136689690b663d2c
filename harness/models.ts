/**
 * The kernel models a suite can name. Each lives in its own folder,
 * harness/livepatch/models/<model>/: the livepatch policy it attaches to a machine, the test
 * modules built for it, the functions.sh dialect its scripts were written in and the hazards
 * it is known to have. All share one core.
 */
import type { KernelConfig } from './kernel/kernel.js';
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
  /**
   * the model's releases, when its versions part ways: each says which versions it stands
   * for and brings their functions.sh and test modules. A version none of them covers is
   * not modelled. Without releases, every version in `versions` is the model as defined.
   */
  readonly releases?: readonly ModelRelease[];
  /** what the posted code is known to get wrong, modelled as posted */
  readonly hazards: readonly KnownHazard[];
  /** how the kernel is built where that differs from the default (set by modelAt from a release) */
  readonly kernel?: Partial<KernelConfig>;
}

/** one release (or run of releases) of a model: what its kernels ship that the others do not */
export interface ModelRelease {
  /** oldest and newest version this release stands for */
  readonly versions: [[number, number], [number, number]];
  /** the functions.sh its selftests source */
  readonly dialect: FunctionsDialect;
  /** the test modules it ships; any other fails to load, as a missing file does */
  readonly modules: ReadonlyMap<string, ModuleSource>;
  /** how its kernel is built where that differs from the default (KernelConfig) */
  readonly kernel?: Partial<KernelConfig>;
}

type Version = [number, number];
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1];
const within = (v: Version, [lo, hi]: [Version, Version]) => cmp(v, lo) >= 0 && cmp(v, hi) <= 0;
const range = ([lo, hi]: [Version, Version]) => (cmp(lo, hi) === 0 ? lo.join('.') : `${lo.join('.')} to ${hi.join('.')}`);

/** the versions a model stands for, as a user reads them: "6.1, 6.12 to 7.3" */
export function versionsText(model: KernelModelDefinition): string {
  // releases that follow each other (6.13-7.0, 7.1-7.3) read as one run
  const next = ([a, b]: Version, [c, d]: Version) => (a === c && d === b + 1) || (c === a + 1 && d === 0);
  const runs: [Version, Version][] = [];
  for (const r of model.releases ?? [{ versions: model.versions }]) {
    const last = runs[runs.length - 1];
    if (last && next(last[1], r.versions[0])) last[1] = r.versions[1];
    else runs.push([r.versions[0], r.versions[1]]);
  }
  return runs.map(range).join(', ');
}

/** why the model cannot boot as this version (one line), or undefined when it can */
export function versionProblem(model: KernelModelDefinition, version: Version): string | undefined {
  const covered = within(version, model.versions) && (!model.releases || model.releases.some((r) => within(version, r.versions)));
  return covered ? undefined : `kernel ${model.name} covers versions ${versionsText(model)}, not ${version.join('.')}`;
}

/**
 * The model as it stands at one version: that release's functions.sh, test modules and
 * kernel configuration.
 * A model without releases is the same at every version it covers.
 */
export function modelAt(model: KernelModelDefinition, version: Version): KernelModelDefinition {
  const release = model.releases?.find((r) => within(version, r.versions));
  if (!release) {
    if (model.releases) throw new Error(versionProblem(model, version));
    return model;
  }
  if (release.dialect === model.dialect && release.modules === model.modules && release.kernel === model.kernel) return model;
  return { ...model, dialect: release.dialect, modules: release.modules, kernel: release.kernel };
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
