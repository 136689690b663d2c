/**
 * The promises the explorer checks: each a name, the promise in one sentence, and when it
 * is checked. They are properties of the livepatch core any model must keep (or declare,
 * as a known hazard of its proposal, that it breaks); the checks read the machine from
 * outside — sysfs through the file system, the core's lists, the tasks' stacks — and the
 * per-object callbacks through klp.observer.
 */
export const INVARIANTS = {
  'no-internal-error': 'no step throws an error of the simulator itself, and none runs past its virtual-time or loop bound',
  'sysfs-truth':
    'enabled, transition, replace, stack_order and each object\'s patched in /sys/kernel/livepatch say what the core holds, and its directories are those of the patches on klp_patches (or of patches still being freed)',
  'callbacks-balanced':
    'per patch and object, callbacks come in a legal order: pre_patch first; post_patch, pre_unpatch and post_unpatch only after a successful pre_patch; post_unpatch once, before the patch is gone',
  'state-lifecycle':
    "a state's introducing callback (pre_patch/setup) runs once, when the first patch with its id arrives, its removing one (post_unpatch/release) when the last goes; a state that blocks disable is never released once enabled; newer patches never lower a state's version",
  'shadow-lifetime':
    'when no livepatch remains (no patch on klp_patches, no livepatch module loaded), no shadow variable does; in the states proposals, a state-bound one goes with the last patch carrying its state; in shadow-gc-2022, one exists only while a type of its id is registered (the last unregister collects it); none is left at the end',
  'transition-completes':
    'once no task sleeps in a function of the transition, the transition completes within 3 s of virtual time',
  'modules-clean':
    'after cleanup the module list is the boot one (bar modules of forced patches, which can never go) and /sys/kernel/livepatch is empty',
  'consistency-model':
    'a task runs, of each patched function, the version of the newest patch it sees: every enabled patch, and the patch in transition only once the task has switched to the patched state',
  deterministic: 'running the same steps on a fresh machine gives the same kernel log, byte for byte',
} as const;

export type InvariantName = keyof typeof INVARIANTS;

export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];

export function isInvariantName(name: string): name is InvariantName {
  return Object.hasOwn(INVARIANTS, name);
}

export interface Violation {
  readonly invariant: InvariantName;
  /** the step (0-based) after which it was seen; -1 during cleanup and the end checks */
  readonly step: number;
  readonly message: string;
}
