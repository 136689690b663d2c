/**
 * The kernel models a suite can name: the livepatch policy, the test modules built for it
 * and the functions.sh dialect its scripts were written in. All share one core.
 */
import type { KlpModel } from './livepatch/model.js';
import { mainline } from './livepatch/models/mainline.js';
import type { ModuleSource } from './module_api.js';
import { mainlineModules } from '../modules/mainline/index.js';

export interface FunctionsDialect {
  /** how the scripts load modules: `insmod test_modules/X.ko` or `modprobe X` */
  loader: 'insmod' | 'modprobe';
}

export interface KernelModelDefinition {
  readonly name: string;
  readonly description: string;
  readonly klp: KlpModel;
  /** the test modules available to `insmod test_modules/X.ko` / `modprobe X` */
  readonly modules: ReadonlyMap<string, ModuleSource>;
  readonly dialect: FunctionsDialect;
  /** the kernel versions the model stands for, oldest and newest; the newest is the default */
  readonly versions: [[number, number], [number, number]];
}

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
    dialect: { loader: 'insmod' },
    versions: [
      [6, 12],
      [7, 3],
    ],
  },
];

export function findModel(name: string): KernelModelDefinition | undefined {
  return MODELS.find((m) => m.name === name);
}

export function modelNames(): string[] {
  return MODELS.map((m) => m.name);
}
