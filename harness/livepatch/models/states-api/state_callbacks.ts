/**
 * Per-state callbacks, block_disable and state-bound shadow variables: the states API as
 * Petr Mladek's proposals rework it (poc-2023, v1-2025). Both series share the central
 * rule, that a state's callbacks run only when no other patch on klp_patches carries the
 * same id, and differ in names and in a few error and revert paths, which are options here.
 */
import { EINVAL } from '../../../kernel/errno.js';
import { KERN_ERR } from '../../../kernel/printk.js';
import { KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED } from '../../../kernel/sched.js';
import type { Klp } from '../../klp.js';
import { klp_for_each_state, type klp_patch, type klp_state, type klp_state_callbacks } from '../../livepatch.js';
import type { KlpModel } from '../../model.js';
import { klp_shadow_free_all } from '../../shadow.js';
import { klp_get_state } from '../../state.js';

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
  for (const state of klp_for_each_state(patch)) if (state.block_disable) return true;
  return false;
}

/**
 * klp_is_patch_compatible() of the proposals: only an atomic replace is checked, and it
 * may not drop a state that blocks disabling.
 */
function klp_is_patch_compatible(klp: Klp, patch: klp_patch): boolean {
  if (!patch.replace) return true;
  for (const old_patch of klp.klp_patches)
    for (const old_state of klp_for_each_state(old_patch)) if (!klp_get_state(patch, old_state.id) && old_state.block_disable) return false;
  return true;
}

export function stateCallbacksModel(opts: StateCallbackOptions): KlpModel {
  const { names } = opts;
  const cb = (state: klp_state): klp_state_callbacks => (state.callbacks ??= {});
  /**
   * klp_states_pre_unpatch_replaced() ran for the transition in progress: v1's static
   * flag, kept per simulated kernel.
   */
  const replacedDisabled = new WeakMap<Klp, boolean>();

  /** klp_states_pre_patch() / klp_setup_states() */
  function states_pre_patch(klp: Klp, patch: klp_patch): number {
    for (const state of klp_for_each_state(patch)) {
      const fn = cb(state)[names.pre_patch];
      if (!is_state_in_other_patches(klp, patch, state) && fn) {
        const ret = fn(patch, state);
        if (ret) return ret;
      }
      cb(state).pre_patch_succeeded = true;
    }
    return 0;
  }

  /** klp_states_post_patch() / klp_enable_states() */
  function states_post_patch(klp: Klp, patch: klp_patch): void {
    for (const state of klp_for_each_state(patch)) {
      if (is_state_in_other_patches(klp, patch, state)) continue;
      cb(state)[names.post_patch]?.(patch, state);
    }
  }

  /** klp_states_pre_unpatch() / klp_disable_states() */
  function states_pre_unpatch(klp: Klp, patch: klp_patch): void {
    for (const state of klp_for_each_state(patch)) {
      if (is_state_in_other_patches(klp, patch, state)) continue;
      cb(state)[names.pre_unpatch]?.(patch, state);
    }
  }

  /** klp_states_post_unpatch() / klp_release_states(): the callback, then the state's shadow variables */
  function states_post_unpatch(klp: Klp, patch: klp_patch): void {
    for (const state of klp_for_each_state(patch)) {
      if (is_state_in_other_patches(klp, patch, state)) continue;
      const c = cb(state);
      if (opts.freeShadowOnlyIfSucceeded && !c.pre_patch_succeeded) continue;
      if (c.pre_patch_succeeded) c[names.post_unpatch]?.(patch, state);
      if (state.is_shadow) klp_shadow_free_all(klp, state.id, c.shadow_dtor);
      c.pre_patch_succeeded = false;
    }
  }

  const others = (klp: Klp, patch: klp_patch) => klp.klp_patches.filter((p) => p !== patch);

  return {
    name: opts.name,
    klp_is_patch_compatible,

    enabled_store_check(klp, patch) {
      if (patch.enabled && klp_patch_disable_blocked(patch)) {
        klp.k.printk(KERN_ERR, `livepatch: The livepatch '${patch.mod.name}' does not support disable\n`);
        return -EINVAL;
      }
      return 0;
    },

    enable_states(klp, patch) {
      const ret = states_pre_patch(klp, patch);
      if (ret) {
        if (opts.releaseOnSetupFailure) states_post_unpatch(klp, patch);
        return ret;
      }
      if (patch.replace) {
        // klp_states_pre_unpatch_replaced() / klp_disable_obsolete_states()
        if (replacedDisabled.get(klp)) klp.k.WARN('', 'kernel/livepatch/state.c', 'klp_states_pre_unpatch_replaced');
        for (const old of others(klp, patch)) states_pre_unpatch(klp, old);
        replacedDisabled.set(klp, true);
      }
      return 0;
    },

    enable_states_failed(klp, patch) {
      if (opts.revertReplacedOnUnpatch) return;
      // poc-2023's err_states: give the replaced patches their states back, release ours
      if (patch.replace) for (const old of others(klp, patch)) states_post_patch(klp, old);
      replacedDisabled.set(klp, false);
      states_post_unpatch(klp, patch);
    },

    disable_states(klp, patch) {
      states_pre_unpatch(klp, patch);
    },

    complete_replaced_states(klp, patch) {
      // klp_states_post_unpatch_replaced() / klp_release_obsolete_states()
      for (const old of others(klp, patch)) states_post_unpatch(klp, old);
      replacedDisabled.set(klp, false);
    },

    complete_states(klp, patch, target) {
      if (target === KLP_TRANSITION_PATCHED) {
        states_post_patch(klp, patch);
      } else if (target === KLP_TRANSITION_UNPATCHED) {
        // klp_states_post_patch_replaced(): undo pre_unpatch_replaced of a reverted replace
        if (opts.revertReplacedOnUnpatch && patch.replace && replacedDisabled.get(klp)) {
          for (const old of others(klp, patch)) states_post_patch(klp, old);
        }
        replacedDisabled.set(klp, false);
        states_post_unpatch(klp, patch);
      }
    },
  };
}
