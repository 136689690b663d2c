/**
 * Per-state callbacks, block_disable and state-bound shadow variables: the states API as
 * Petr Mladek's proposals rework it (poc-2023, then v1-2025). Both series share the central
 * rule, that a state's callbacks run only when no other patch on klp_patches carries the
 * same id, and differ in names and in a few error and revert paths, which are options here.
 */
import { EINVAL } from '../../../kernel/errno.js';
import { KERN_ERR } from '../../../kernel/printk.js';
import { KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED } from '../../../kernel/sched.js';
import type { Klp } from '../../klp.js';
import { klp_for_each_state, type klp_patch, type klp_state } from '../../livepatch.js';
import type { KlpModel, KlpPolicy } from '../../model.js';
import type { klp_state_callbacks, states_state } from './fields.js';
import { klp_shadow_free_all } from '../../shadow.js';
import { klp_get_state } from '../../state.js';

/** what the series calls each of the four callbacks */
export interface StateCallbackNames {
  pre_patch: 'pre_patch' | 'setup';
  post_patch: 'post_patch' | 'enable';
  pre_unpatch: 'pre_unpatch' | 'disable';
  post_unpatch: 'post_unpatch' | 'release';
}

export interface StateCallbackOptions {
  name: string;
  names: StateCallbackNames;
  /**
   * poc-2023: a failing setup releases the patch's states itself, before "failed to enable
   * patch"; v1-2025 leaves it to the cancel path.
   */
  releaseOnSetupFailure: boolean;
  /** v1-2025: a state whose pre_patch never succeeded keeps its shadow variables */
  freeShadowOnlyIfSucceeded: boolean;
  /**
   * v1-2025: a cancelled or reversed atomic replace re-enables the replaced patches'
   * states (post_patch_replaced); poc-2023 re-enables them only when patching an object fails.
   */
  revertReplacedOnUnpatch: boolean;
}

const cb = (state: states_state): klp_state_callbacks => (state.callbacks ??= {});
const states_of = (patch: klp_patch) => klp_for_each_state(patch) as Generator<states_state>;

/** is_state_in_other_patches(): another patch on klp_patches carries this id */
function is_state_in_other_patches(klp: Klp, patch: klp_patch, state: klp_state): boolean {
  for (const p of klp.klp_patches) {
    if (p === patch) continue;
    for (const s of klp_for_each_state(p)) if (s.id === state.id) return true;
  }
  return false;
}

/** klp_patch_disable_blocked(): any of the patch's own states blocks disabling */
function klp_patch_disable_blocked(patch: klp_patch): boolean {
  for (const state of states_of(patch)) if (state.block_disable) return true;
  return false;
}

/**
 * klp_is_patch_compatible() of the proposals: only an atomic replace is checked, and it
 * may not drop a state that blocks disabling.
 */
function klp_is_patch_compatible(klp: Klp, patch: klp_patch): boolean {
  if (!patch.replace) return true;
  for (const old_patch of klp.klp_patches)
    for (const old_state of states_of(old_patch)) if (!klp_get_state(patch, old_state.id) && old_state.block_disable) return false;
  return true;
}

/** the per-machine state and hooks of one series' states rules */
class StatesPolicy implements KlpPolicy {
  /**
   * klp_states_pre_unpatch_replaced() ran for the transition in progress: v1's static
   * flag, kept per machine.
   */
  private replacedDisabled = false;

  constructor(
    private readonly klp: Klp,
    private readonly opts: StateCallbackOptions,
  ) {}

  private callback<K extends keyof StateCallbackNames>(state: states_state, which: K) {
    return cb(state)[this.opts.names[which]] as klp_state_callbacks[K];
  }

  /** klp_states_pre_patch() / klp_setup_states() */
  private states_pre_patch(patch: klp_patch): number {
    for (const state of states_of(patch)) {
      const fn = this.callback(state, 'pre_patch');
      if (!is_state_in_other_patches(this.klp, patch, state)) {
        const ret = fn ? fn(patch, state) : 0;
        this.klp.observer?.stateCallback('pre_patch', patch, state, ret);
        if (ret) return ret;
      }
      cb(state).pre_patch_succeeded = true;
    }
    return 0;
  }

  /** klp_states_post_patch() / klp_enable_states() */
  private states_post_patch(patch: klp_patch): void {
    for (const state of states_of(patch)) {
      if (is_state_in_other_patches(this.klp, patch, state)) continue;
      this.callback(state, 'post_patch')?.(patch, state);
      this.klp.observer?.stateCallback('post_patch', patch, state, 0);
    }
  }

  /** klp_states_pre_unpatch() / klp_disable_states() */
  private states_pre_unpatch(patch: klp_patch): void {
    for (const state of states_of(patch)) {
      if (is_state_in_other_patches(this.klp, patch, state)) continue;
      this.callback(state, 'pre_unpatch')?.(patch, state);
      this.klp.observer?.stateCallback('pre_unpatch', patch, state, 0);
    }
  }

  /** klp_states_post_unpatch() / klp_release_states(): the callback, then the state's shadow variables */
  private states_post_unpatch(patch: klp_patch): void {
    for (const state of states_of(patch)) {
      if (is_state_in_other_patches(this.klp, patch, state)) continue;
      const c = cb(state);
      if (this.opts.freeShadowOnlyIfSucceeded && !c.pre_patch_succeeded) continue;
      if (c.pre_patch_succeeded) {
        this.callback(state, 'post_unpatch')?.(patch, state);
        this.klp.observer?.stateCallback('post_unpatch', patch, state, 0);
      }
      if (state.is_shadow) klp_shadow_free_all(this.klp, state.id, c.shadow_dtor);
      c.pre_patch_succeeded = false;
    }
  }

  private others(patch: klp_patch): klp_patch[] {
    return this.klp.klp_patches.filter((p) => p !== patch);
  }

  klp_is_patch_compatible(patch: klp_patch): boolean {
    return klp_is_patch_compatible(this.klp, patch);
  }

  enabled_store_check(patch: klp_patch): number {
    if (patch.enabled && klp_patch_disable_blocked(patch)) {
      this.klp.k.printk(KERN_ERR, `livepatch: The livepatch '${patch.mod.name}' does not support disable\n`);
      return -EINVAL;
    }
    return 0;
  }

  __klp_enable_patch_after_init_transition(patch: klp_patch): number {
    const ret = this.states_pre_patch(patch);
    if (ret) {
      if (this.opts.releaseOnSetupFailure) this.states_post_unpatch(patch);
      return ret;
    }
    if (patch.replace) {
      // klp_states_pre_unpatch_replaced() / klp_disable_obsolete_states()
      if (this.replacedDisabled) this.klp.k.WARN('', 'kernel/livepatch/state.c', 'klp_states_pre_unpatch_replaced');
      for (const old of this.others(patch)) this.states_pre_unpatch(old);
      this.replacedDisabled = true;
    }
    return 0;
  }

  __klp_enable_patch_patch_failed(patch: klp_patch): void {
    if (this.opts.revertReplacedOnUnpatch) return;
    // the POC's err_states: give the replaced patches their states back, release ours
    if (patch.replace) for (const old of this.others(patch)) this.states_post_patch(old);
    this.replacedDisabled = false;
    this.states_post_unpatch(patch);
  }

  __klp_disable_patch_after_init_transition(patch: klp_patch): void {
    this.states_pre_unpatch(patch);
  }

  klp_complete_transition_after_discard_nops(patch: klp_patch): void {
    // klp_states_post_unpatch_replaced() / klp_release_obsolete_states()
    for (const old of this.others(patch)) this.states_post_unpatch(old);
    this.replacedDisabled = false;
  }

  klp_complete_transition_after_post_callbacks(patch: klp_patch, target: number): void {
    if (target === KLP_TRANSITION_PATCHED) {
      this.states_post_patch(patch);
    } else if (target === KLP_TRANSITION_UNPATCHED) {
      // klp_states_post_patch_replaced(): undo pre_unpatch_replaced of a reverted replace
      if (this.opts.revertReplacedOnUnpatch && patch.replace && this.replacedDisabled) {
        for (const old of this.others(patch)) this.states_post_patch(old);
      }
      this.replacedDisabled = false;
      this.states_post_unpatch(patch);
    }
  }
}

export function stateCallbacksModel(opts: StateCallbackOptions): KlpModel {
  return { name: opts.name, attach: (klp) => new StatesPolicy(klp, opts) };
}
