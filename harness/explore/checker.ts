/**
 * The invariants of invariants.ts, checked on one machine: after every step, then once
 * more after cleaning up what can be cleaned. Used by the explorer for each scenario and by
 * `run --invariants` for any suite.
 *
 * Nothing here changes what the machine does: sysfs is read from the kernel's tree (its
 * show functions have no side effects, and no system call is made), no pending work is run
 * and no time passes, so a suite's log is the same with and without the checks. Only
 * cleanup() acts, after the last log was taken.
 */
import { NSEC_PER_SEC } from '../kernel/clock.js';
import { KLP_TRANSITION_PATCHED } from '../kernel/sched.js';
import type { KFunc } from '../kernel/kallsyms.js';
import type { Node } from '../kernel/vfs.js';
import type { KlpObserver, ObjectCallback } from '../livepatch/klp.js';
import { klp_for_each_func, klp_for_each_object, klp_for_each_state, klp_object_name, type klp_object, type klp_patch, type klp_state } from '../livepatch/livepatch.js';
import { probeModuleInfo } from '../userspace/kmod.js';
import { klp_atomic_replace } from '../livepatch/core.js';
import type { SelftestSession } from '../selftest/session.js';
import type { InvariantName, Violation } from './invariants.js';
import { ShellExit } from '../selftest/shell/host.js';

/** how long a transition that nothing blocks may take: the first retry comes within ~1 s */
const TRANSITION_BOUND_NS = 3 * NSEC_PER_SEC;
/** cleanup waits at most this long for one transition (a blocked one is forced) */
const CLEANUP_WAIT_S = 30;
const SYSFS = '/sys/kernel/livepatch';
const NONE: readonly never[] = [];

/** where a patch and object stand in the callback protocol */
type CallbackState = 'closed' | 'pre_patched' | 'patched' | 'unpatching';

/** the legal moves of callbacks-balanced: from a state, each callback leads to the next */
const MOVES: Record<CallbackState, Partial<Record<ObjectCallback, CallbackState>>> = {
  closed: { pre_patch: 'pre_patched' },
  // a cancelled or reversed patching transition goes straight to post_unpatch
  pre_patched: { post_patch: 'patched', post_unpatch: 'closed' },
  // the module of the object going during a patching transition skips pre_unpatch
  patched: { pre_unpatch: 'unpatching', post_unpatch: 'closed' },
  // a reversed unpatching transition patches again: post_patch a second time is legal
  unpatching: { post_patch: 'patched', post_unpatch: 'closed' },
};

interface Tracked {
  state: CallbackState;
  patch: klp_patch | undefined;
  label: string;
}

export class InvariantChecker implements KlpObserver {
  readonly violations: Violation[] = [];
  private step = -1;
  private readonly callbacks = new Map<klp_object, Tracked>();
  /** the states introduced and not yet released, by id (models with per-state callbacks) */
  private readonly liveStates = new Map<number, { patch: klp_patch; state: klp_state; enabled: boolean }>();
  /** a state callback has been decided: the model has per-state callbacks */
  private sawStateCallback = false;
  /** ids of states whose shadow variables live and die with them (is_shadow) */
  private readonly shadowStates = new Set<number>();
  private readonly bootModules: string[];
  private readonly bootRefcounts: Map<string, number>;
  private readonly livepatchModules = new Map<string, boolean>();
  /** the transition nothing blocks, and since when (virtual ns) */
  private unblocked: { patch: klp_patch; target: number; since: number } | undefined;
  /** one violation per invariant and scenario is enough to make the point */
  private readonly seen = new Set<InvariantName>();

  constructor(readonly session: SelftestSession) {
    session.machine.klp.observer = this;
    // the hooks are named before they are stored (see boot(): V8 kept every machine alive
    // past its minor GCs when an arrow literal went straight into the field)
    const onCall = (fn: KFunc, ran: KFunc) => this.called(fn, ran);
    // a call that runs the original has nothing to check unless a patch promises another version
    const watches = (fn: KFunc) => this.versionFor(fn) !== fn;
    session.machine.k.ftrace.onCall = onCall;
    session.machine.k.ftrace.onCallWatches = watches;
    this.bootModules = session.machine.k.modules.modules.map((m) => m.name);
    this.bootRefcounts = new Map(session.machine.k.modules.modules.map((m) => [m.name, m.refcnt]));
  }

  private report(invariant: InvariantName, message: string): void {
    if (this.seen.has(invariant)) return;
    this.seen.add(invariant);
    this.violations.push({ invariant, step: this.step, message });
  }

  /** a violation found outside this machine (the replay of `deterministic`) */
  markViolated(invariant: InvariantName): void {
    this.seen.add(invariant);
  }

  violated(invariant: InvariantName): boolean {
    return this.seen.has(invariant);
  }

  // KlpObserver: callbacks-balanced, as the calls happen

  objectCallback(kind: ObjectCallback, obj: klp_object, ret: number): void {
    // a nop object of an atomic replace has no callbacks; klp_discard_nops() drops it
    // between its pre_patch and any post_patch, by design
    if (obj.dynamic) return;
    const t = this.callbacks.get(obj) ?? { state: 'closed' as CallbackState, patch: obj.patch, label: `${obj.patch?.mod.name ?? '?'}/${klp_object_name(obj)}` };
    const next = MOVES[t.state][kind];
    if (!next) {
      this.report('callbacks-balanced', `${t.label}: ${kind} after ${describe(t.state)}`);
      return;
    }
    t.state = kind === 'pre_patch' && ret ? 'closed' : next;
    this.callbacks.set(obj, t);
  }

  // KlpObserver: state-lifecycle, as the states proposals' callbacks are decided

  stateCallback(kind: ObjectCallback, patch: klp_patch, state: klp_state, ret: number): void {
    this.sawStateCallback = true;
    const id = state.id;
    if ((state as { is_shadow?: boolean }).is_shadow) this.shadowStates.add(id);
    const live = this.liveStates.get(id);
    const who = `state ${id} of '${patch.mod.name}'`;
    if (kind === 'pre_patch') {
      if (live) this.report('state-lifecycle', `${who}: introduced again while '${live.patch.mod.name}' still holds it`);
      if (!ret) this.liveStates.set(id, { patch, state, enabled: false });
      return;
    }
    if (!live) {
      this.report('state-lifecycle', `${who}: ${kind} without its introducing callback`);
      return;
    }
    if (kind === 'post_patch') live.enabled = true;
    if (kind === 'post_unpatch') {
      // the releasing patch's flag, as it is now: a replacement that carries the state
      // decides for it, and a module may clear the flag at run time
      const blocks = (state as { block_disable?: boolean }).block_disable;
      if (blocks && live.enabled) this.report('state-lifecycle', `${who}: blocks disable, yet it was released after it had been enabled`);
      this.liveStates.delete(id);
    }
  }

  /** a live state must belong to a patch still there; an enabled patch's states are live */
  private checkStates(): void {
    const klp = this.session.machine.klp;
    const holders = (id: number) => klp.klp_patches.filter((p) => [...klp_for_each_state(p)].some((s) => s.id === id));
    for (const [id, live] of this.liveStates)
      if (!holders(id).length && live.patch !== klp.klp_transition_patch) this.report('state-lifecycle', `state ${id}: its last patch is gone, it was never released`);
    if (this.sawStateCallback)
      for (const p of klp.klp_patches) {
        if (!p.enabled || p === klp.klp_transition_patch) continue;
        for (const s of klp_for_each_state(p))
          if (!this.liveStates.has(s.id)) this.report('state-lifecycle', `state ${s.id} of '${p.mod.name}': the patch is enabled, the state was never introduced`);
      }
    // klp_is_state_compatible(): a newer patch keeps or raises a state's version
    const seen = new Map<number, { version: number; patch: string }>();
    for (const p of klp.klp_patches)
      for (const s of klp_for_each_state(p)) {
        if (s.version === undefined) continue;
        const before = seen.get(s.id);
        if (before && s.version < before.version)
          this.report('state-lifecycle', `state ${s.id}: '${p.mod.name}' has version ${s.version}, older '${before.patch}' has ${before.version}`);
        seen.set(s.id, { version: s.version, patch: p.mod.name });
      }
  }

  // consistency-model, at every call of any function (Ftrace.onCall)

  private called(old_func: KFunc, ran: KFunc): void {
    const want = this.versionFor(old_func);
    if (want !== ran)
      this.report('consistency-model', `${this.session.machine.k.current.comm}:${this.session.machine.k.current.pid} ran ${ran.name} for ${old_func.name}, its patch state allows ${want.name}`);
  }

  /**
   * What the consistency model promises, worked out from the patches rather than from the
   * ftrace handler's func_stack: the newest patch the task sees that patches the function
   * (a nop: the original), else the original.
   */
  private versionFor(old_func: KFunc): KFunc {
    const { klp, k } = this.session.machine;
    const state = k.current.patch_state;
    for (let i = klp.klp_patches.length - 1; i >= 0; i--) {
      const patch = klp.klp_patches[i];
      const visible = patch === klp.klp_transition_patch ? state === KLP_TRANSITION_PATCHED : !!patch.enabled;
      if (!visible) continue;
      // not the core's patched flags: what the patch promises, whatever the ops stack says;
      // the lists are read in place (this runs at every call of every function)
      for (const obj of patch.obj_list ?? NONE) {
        for (const func of obj.func_list ?? NONE) {
          if (func.old_func !== old_func) continue;
          return func.nop || !func.new_func ? old_func : func.new_func;
        }
      }
    }
    return old_func;
  }

  // the per-step checks

  /** an exception the step shell did not expect: the simulator's own failure */
  internalError(message: string): void {
    this.report('no-internal-error', message);
  }

  afterStep(index: number): void {
    this.step = index;
    this.checkSysfs();
    this.checkCallbacksClosed();
    this.checkStates();
    this.checkShadows(false);
    this.checkTransition();
  }

  /**
   * A sysfs file as a read would show it, from the kernel's tree (Vfs.readNode) rather than a
   * system call of the shell: that would run pending work and pass the shell's task through
   * exit_to_user_mode(), which a check must not do. Undefined for what cannot be read.
   */
  private shown(node: Node | undefined): string | undefined {
    const r = this.session.machine.k.vfs.readNode(node);
    return typeof r === 'string' ? r.trim() : undefined;
  }

  private checkSysfs(): void {
    const { klp, k } = this.session.machine;
    // each directory is looked up once, and its files by name (no path built per file)
    const entry = (dir: Node | undefined, name: string) => (dir?.kind === 'dir' ? dir.children.get(name) : undefined);
    klp.klp_patches.forEach((patch, i) => {
      const dir = `${SYSFS}/${patch.mod.name}`;
      const node = k.vfs.lookup(dir);
      const attr = (file: string, want: string, always: boolean) => {
        const f = entry(node, file);
        // replace and stack_order appeared in later releases than enabled and transition
        if (!always && !f) return;
        const got = this.shown(f);
        if (got !== want) this.report('sysfs-truth', `${dir}/${file} reads ${got ?? '(missing)'}, the core holds ${want}`);
      };
      attr('enabled', patch.enabled ? '1' : '0', true);
      attr('transition', patch === klp.klp_transition_patch ? '1' : '0', true);
      attr('replace', klp_atomic_replace(klp, patch) ? '1' : '0', false);
      attr('stack_order', String(i + 1), false);
      for (const obj of patch.obj_list ?? NONE) {
        // <object>/patched appeared in 6.1
        const f = obj.kobj_path ? entry(k.vfs.lookup(obj.kobj_path), 'patched') : undefined;
        if (!f) continue;
        const got = this.shown(f);
        const want = obj.patched ? '1' : '0';
        if (got !== want) this.report('sysfs-truth', `${obj.kobj_path}/patched reads ${got ?? '(missing)'}, the core holds ${want}`);
      }
    });
    // a directory whose patch left klp_patches lives on until the free work runs; the
    // module cannot go before that, so it is still loaded
    for (const name of k.vfs.readdir(SYSFS) ?? []) {
      if (klp.klp_patches.some((p) => p.mod.name === name)) continue;
      if (!k.modules.find(name)) this.report('sysfs-truth', `${SYSFS}/${name} exists, but no patch or module of that name does`);
    }
  }

  /**
   * A patch that left klp_patches must have closed every object it opened, unless an
   * atomic replace took it over: the replaced patch's callbacks are not called, by design
   * (Documentation/livepatch/cumulative-patches.rst), its successor's are.
   */
  private checkCallbacksClosed(): void {
    const klp = this.session.machine.klp;
    for (const [obj, t] of this.callbacks) {
      const patch = t.patch;
      if (t.state === 'closed' || (patch && this.replacedBy(patch))) {
        this.callbacks.delete(obj);
        continue;
      }
      if (patch && !klp.klp_patches.includes(patch) && patch !== klp.klp_transition_patch)
        this.report('callbacks-balanced', `${t.label}: the patch is gone, its post_unpatch never ran (after ${describe(t.state)})`);
    }
  }

  /** patches an atomic replace took over (klp_unpatch_replaced_patches()) */
  private readonly replaced = new WeakSet<klp_patch>();

  patchReplaced(old_patch: klp_patch): void {
    this.replaced.add(old_patch);
  }

  private replacedBy(patch: klp_patch): boolean {
    return this.replaced.has(patch);
  }

  private isLivepatchModule(name: string): boolean {
    let lp = this.livepatchModules.get(name);
    if (lp === undefined) {
      const src = this.session.machine.model.modules.get(name);
      lp = !!src && probeModuleInfo(this.session.machine, src).get('livepatch') === 'Y';
      this.livepatchModules.set(name, lp);
    }
    return lp;
  }

  private checkShadows(atEnd: boolean): void {
    const { klp, k } = this.session.machine;
    const vars = klp.shadow.vars;
    if (!vars.length) return;
    // shadow-gc-2022: a type's registration owns its variables, and its last unregister collects them
    const registered = klp.policy.klp_shadow_type_registered?.bind(klp.policy);
    const untyped = registered ? vars.filter((v) => !registered(v.id)) : [];
    if (untyped.length) {
      const ids = [...new Set(untyped.map((v) => `0x${v.id.toString(16)}`))].join(', ');
      this.report('shadow-lifetime', `${untyped.length} shadow variable(s) (id ${ids}) of no registered type: nothing will collect them`);
      return;
    }
    const owners = klp.klp_patches.length + k.modules.modules.filter((m) => this.isLivepatchModule(m.name)).length;
    if (!atEnd && owners) {
      // the states proposals: a state-bound variable lives while a patch carries its state
      const orphans = vars.filter((v) => this.shadowStates.has(v.id) && !klp.klp_patches.some((p) => [...klp_for_each_state(p)].some((st) => st.id === v.id)));
      if (orphans.length)
        this.report('shadow-lifetime', `${orphans.length} shadow variable(s) (id ${[...new Set(orphans.map((v) => `0x${v.id.toString(16)}`))].join(', ')}) outlive their state: no patch carries it`);
      return;
    }
    const ids = [...new Set(vars.map((v) => `0x${v.id.toString(16)}`))].join(', ');
    this.report('shadow-lifetime', `${vars.length} shadow variable(s) (id ${ids}) outlive every livepatch${atEnd ? ' at the end' : ''}`);
  }

  /** is some task sleeping in (or running) a function the transition replaces or adds? */
  private transitionBlocked(patch: klp_patch): boolean {
    // every version of every function the transition touches: the original, this patch's,
    // and an older patch's (what klp_check_stack_func() looks for when a function is
    // patched twice) — a superset, so that a blocked transition is never blamed
    const olds = new Set<KFunc>();
    for (const obj of klp_for_each_object(patch)) for (const func of klp_for_each_func(obj)) if (func.old_func) olds.add(func.old_func);
    const code = new Set<KFunc>(olds);
    for (const p of this.session.machine.klp.klp_patches)
      for (const obj of klp_for_each_object(p))
        for (const func of klp_for_each_func(obj)) if (func.old_func && olds.has(func.old_func) && func.new_func) code.add(func.new_func);
    for (const obj of klp_for_each_object(patch)) for (const func of klp_for_each_func(obj)) if (func.new_func) code.add(func.new_func);
    const k = this.session.machine.k;
    return [...k.tasks.normalTasks(), ...k.tasks.idleTasks()].some((t) => t.unreliableStack || t.stack.some((f) => code.has(f)));
  }

  private checkTransition(): void {
    const { klp, k } = this.session.machine;
    const patch = klp.klp_transition_patch;
    if (!patch || this.transitionBlocked(patch)) {
      this.unblocked = undefined;
      return;
    }
    const now = k.clock.now();
    const u = this.unblocked;
    if (!u || u.patch !== patch || u.target !== klp.klp_target_state) {
      this.unblocked = { patch, target: klp.klp_target_state, since: now };
      return;
    }
    if (now - u.since > TRANSITION_BOUND_NS)
      this.report('transition-completes', `'${patch.mod.name}': nothing blocks its transition, still in progress after ${((now - u.since) / NSEC_PER_SEC).toFixed(1)} s`);
  }

  // cleanup and the end checks

  /** run a cleanup step; its failure is no finding (a module may refuse to go) */
  private run(step: string): void {
    try {
      this.session.step(step);
    } catch (e) {
      if (!(e instanceof ShellExit)) throw e;
    }
    // a replaced patch is recognised while its successor is still there
    this.checkCallbacksClosed();
  }

  /** let time pass as a `sleep` would, without a step of the shell (cleanup is not a test) */
  private wait(seconds: number): void {
    this.session.sleep(seconds);
    this.checkCallbacksClosed();
  }

  private waitForTransition(): void {
    const klp = this.session.machine.klp;
    for (let s = 0; klp.klp_transition_patch && s < CLEANUP_WAIT_S; s++) this.wait(1);
    if (klp.klp_transition_patch) {
      this.run(`echo 1 > ${SYSFS}/${klp.klp_transition_patch.mod.name}/force`);
      this.wait(1);
    }
  }

  /**
   * Undo what a scenario left: stop forked tasks, write each module's resting parameter
   * values back (the first value of its `write` hints), disable every patch newest first,
   * and unload every module that was not there at boot.
   */
  cleanup(): void {
    this.step = -1;
    const m = this.session.machine;
    for (const t of m.k.tasks.normalTasks().filter((t) => t.comm === 'test_klp-call_')) this.run(`kill ${t.pid}`);
    for (const mod of [...m.k.modules.modules]) {
      for (const [param, values] of Object.entries(m.model.modules.get(mod.name)?.explore?.write ?? {})) {
        const path = `/sys/module/${mod.name}/parameters/${param}`;
        if (m.k.vfs.lookup(path)) this.run(`echo ${values[0]} > ${path}`);
      }
    }
    this.waitForTransition();
    for (let round = 0; round < 4 && m.klp.klp_patches.some((p) => p.enabled); round++) {
      for (const patch of [...m.klp.klp_patches].reverse()) {
        if (!patch.enabled) continue;
        this.run(`echo 0 > ${SYSFS}/${patch.mod.name}/enabled`);
        this.waitForTransition();
      }
    }
    for (let round = 0; round < 4; round++) {
      const extra = m.k.modules.modules.filter((mod) => !this.bootModules.includes(mod.name));
      if (!extra.length) break;
      for (const mod of extra) this.run(`rmmod ${mod.name}`);
      // the free work of a removed patch, and a split-2020 object's module removal
      this.wait(1);
    }
  }

  /**
   * a livepatch module whose patch was removed under force: klp_free_patch_finish() keeps
   * its reference, so it can never be unloaded — by design, not a leak
   */
  private removedUnderForce(name: string): boolean {
    const m = this.session.machine;
    const mod = m.k.modules.find(name);
    return !!mod && mod.refcnt > 0 && this.isLivepatchModule(name) && !m.klp.klp_patches.some((p) => p.mod === mod);
  }

  /** cleanup, then what must hold once everything that can go is gone */
  atEnd(): void {
    this.cleanup();
    this.step = -1;
    const m = this.session.machine;
    this.checkSysfs();
    this.checkCallbacksClosed();
    this.checkStates();
    // a patch the policy refuses to disable (a state that blocks it) stays, by design, with
    // its module, the modules it needs and its shadow variables
    const pinned = m.klp.klp_patches.filter((p) => p.enabled && p !== m.klp.klp_transition_patch);
    if (!pinned.length) this.checkShadows(true);
    if (m.klp.klp_transition_patch && !this.transitionBlocked(m.klp.klp_transition_patch))
      this.report('transition-completes', `'${m.klp.klp_transition_patch.mod.name}': still in transition after cleanup`);
    const kept = new Set(pinned.map((p) => p.mod.name));
    const left = m.k.modules.modules.filter((mod) => !this.bootModules.includes(mod.name) && !kept.has(mod.name) && !this.removedUnderForce(mod.name));
    if (left.length) this.report('modules-clean', `after cleanup, still loaded: ${left.map((x) => x.name).join(', ')}`);
    for (const [name, refcnt] of this.bootRefcounts) {
      const now = m.k.modules.find(name)?.refcnt;
      if (now !== refcnt) this.report('modules-clean', `after cleanup, ${name} has refcount ${now ?? '(gone)'}, at boot ${refcnt}`);
    }
    const dirs = (m.k.vfs.readdir(SYSFS) ?? []).filter((d) => !kept.has(d));
    if (dirs.length) this.report('modules-clean', `after cleanup, ${SYSFS} holds ${dirs.join(', ')}`);
  }
}

function describe(state: CallbackState): string {
  switch (state) {
    case 'closed':
      return 'no successful pre_patch';
    case 'pre_patched':
      return 'pre_patch';
    case 'patched':
      return 'post_patch';
    case 'unpatching':
      return 'pre_unpatch';
  }
}
