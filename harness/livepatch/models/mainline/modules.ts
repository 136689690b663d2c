/**
 * Mainline's test modules, and the sets the proposals build from them: a series keeps the
 * modules it did not touch and brings its own versions of the others.
 */
import { mainlineModules } from '../../../../modules/mainline/index.js';
import type { ModuleSource } from '../../../module_api.js';

/** mainline modules that predate the proposals and that the series did not touch */
export const UNTOUCHED_MAINLINE_MODULES = mainlineModules.filter((m) =>
  ['test_klp_livepatch', 'test_klp_atomic_replace', 'test_klp_shadow_vars', 'test_klp_syscall'].includes(m.name),
);

/** the modules by name; later sets override earlier ones (a proposal's version wins over mainline's) */
export function moduleSet(...sets: ModuleSource[][]): Map<string, ModuleSource> {
  const map = new Map<string, ModuleSource>();
  for (const set of sets) for (const m of set) map.set(m.name, m);
  return map;
}

export { mainlineModules };
