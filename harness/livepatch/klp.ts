/**
 * The livepatch core's global state. In the kernel these are file-scope globals of
 * core.c and transition.c protected by klp_mutex; here one Klp instance belongs to one
 * simulated kernel, and the core's functions take it as their first argument.
 */
import type { Kernel } from '../kernel/kernel.js';
import { KLP_TRANSITION_IDLE } from '../kernel/sched.js';
import { DelayedWork } from '../kernel/workqueue.js';
import type { klp_object, klp_patch, klp_state } from './livepatch.js';
import type { KlpModel, KlpPolicy } from './model.js';
import type { klp_ops } from './patch.js';
import type { ShadowTable } from './shadow.js';

export type ObjectCallback = 'pre_patch' | 'post_patch' | 'pre_unpatch' | 'post_unpatch';

/** What an observer hears of the core: the calls an ftrace of the livepatch core would show. */
export interface KlpObserver {
  /** a per-object callback point was reached for a loaded object (ret: pre_patch's result) */
  objectCallback(kind: ObjectCallback, obj: klp_object, ret: number): void;
  /**
   * a model with per-state callbacks decided to run one for this state (whether or not the
   * state has that callback), named as the per-object callbacks are; ret: pre_patch's result
   */
  stateCallback(kind: ObjectCallback, patch: klp_patch, state: klp_state, ret: number): void;
  /** an atomic replace completed and took over old_patch, whose callbacks are not called */
  patchReplaced(old_patch: klp_patch): void;
}

export class Klp {
  /** active patches (enabled or in transition), oldest first */
  readonly klp_patches: klp_patch[] = [];
  klp_transition_patch: klp_patch | null = null;
  klp_target_state = KLP_TRANSITION_IDLE;
  /** failed try-complete attempts in the current direction */
  klp_signals_cnt = 0;
  /** one per patched function address */
  readonly klp_ops: klp_ops[] = [];
  readonly klp_transition_work: DelayedWork;
  /** does the architecture have reliable stack traces (x86_64 with ORC: yes) */
  have_reliable_stack = true;
  shadow!: ShadowTable;
  /** the kernel model's rules for this machine, with the state they keep */
  readonly policy: KlpPolicy;
  /** an observer outside the core (the explorer's invariants); null on a plain machine */
  observer: KlpObserver | null = null;

  constructor(
    readonly k: Kernel,
    model: KlpModel,
    transitionWork: (klp: Klp) => void,
  ) {
    this.klp_transition_work = new DelayedWork('klp_transition_work_fn', () => transitionWork(this));
    this.policy = model.attach(this);
  }
}
