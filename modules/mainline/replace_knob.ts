// How a test module's parameter decides which patches its patch replaces. Mainline's
// modules take `replace` (0/1: an atomic replace or not); a series that reworks replacing
// gives the same modules another parameter (replace-set-2026's `replace_set`). The rest of
// each module is mainline's C, so the modules are written once, with the knob as an argument,
// as state_module.ts does for the state modules' initialisers.
import type { klp_patch } from '../../harness/livepatch/livepatch.js';
import type { Param } from '../../harness/module_api.js';

export interface ReplaceKnob {
  /** the module parameter: an int, 0644, "<name> (default=0)" */
  readonly name: string;
  /** what module_init does with its value before klp_enable_patch() */
  apply(patch: klp_patch, value: number): void;
  /** the values the explorer tries at load time */
  readonly explore: readonly string[];
}

/** mainline: `patch.replace = replace;` */
export const REPLACE: ReplaceKnob = {
  name: 'replace',
  apply: (patch, value) => {
    patch.replace = !!value;
  },
  explore: ['1'],
};

/** declare the knob's parameter, as the C module's module_param() line does */
export function knobParam(knob: ReplaceKnob, module_param_int: (name: string, value: number, perm: number, desc?: string) => Param<number>): Param<number> {
  return module_param_int(knob.name, 0, 0o644, `${knob.name} (default=0)`);
}
