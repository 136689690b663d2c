/**
 * Recording what a test did to the machine, sampled from outside: after each step, before
 * virtual time moves on, and at each printk record. The livepatch core is only read, never
 * hooked: a sample is what /sys and the task list would show at that instant.
 */
import type { LogRecord } from '../kernel/printk.js';
import { KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED, type Task } from '../kernel/sched.js';
import type { KFunc } from '../kernel/kallsyms.js';
import { klp_atomic_replace, klp_replaces_old_patch } from '../livepatch/core.js';
import { klp_for_each_object, klp_for_each_state, type klp_patch } from '../livepatch/livepatch.js';
import { MAINLINE_FILTER, type LogFilter } from '../selftest/check_result.js';
import type { SuiteObserver, TestRun } from '../selftest/runner.js';
import type { SelftestSession } from '../selftest/session.js';
import type { SuiteTest } from '../selftest/suite.js';

/** unpatched / patched; pending: in the transition, not switched yet; sleeping: pending, with a function of the transition on its stack */
export type TaskState = 'unpatched' | 'patched' | 'pending' | 'sleeping';
export type PatchState = 'enabled' | 'patching' | 'unpatching' | 'disabled';

export interface TaskSample {
  key: string;
  state: TaskState;
  /** for `sleeping`: the function of the transition it sleeps in (the one klp_check_stack refuses) */
  fn?: string;
}

export interface PatchSample {
  name: string;
  state: PatchState;
  /** the kernel's patch->forced, or, during the transition, a task switched by force */
  forced: boolean;
}

export interface Sample {
  t: number;
  tasks: TaskSample[];
  patches: PatchSample[];
  /** state id -> how many patches carry it */
  states: Array<[number, number]>;
  /** shadow variable id -> how many variables exist */
  shadows: Array<[number, number]>;
}

export interface Tick {
  t: number;
  text: string;
  /** the sample the machine was in when the line was printed (an index into samples) */
  at: number;
}

/** a patch that left the list while another, cumulative one completed */
export interface Replacement {
  t: number;
  /** the first sample without the replaced patch */
  at: number;
  patch: string;
  by: string;
}

export interface TestTimeline {
  suite: string;
  model: string;
  index: number;
  title: string;
  samples: Sample[];
  ticks: Tick[];
  replacements: Replacement[];
}

function taskKey(t: Task): string {
  return `${t.comm} (${t.pid})`;
}

/**
 * the code a task must not be in to switch (what klp_check_stack looks for): the old
 * functions when patching, the new ones when unpatching
 */
function blockingFuncs(patch: klp_patch, target: number): Map<KFunc, string> {
  const funcs = new Map<KFunc, string>();
  for (const obj of klp_for_each_object(patch))
    for (const f of obj.func_list ?? []) {
      const code = target === KLP_TRANSITION_PATCHED ? f.old_func : f.new_func;
      if (code) funcs.set(code, code.name);
    }
  return funcs;
}

function sampleOf(session: SelftestSession): Omit<Sample, 't'> {
  const { k, klp } = session.machine;
  const tp = klp.klp_transition_patch;
  const funcs = tp ? blockingFuncs(tp, klp.klp_target_state) : new Map<KFunc, string>();
  // a task outside a transition (patch_state IDLE) runs the newest code on the func stacks
  const applied = klp.klp_patches.some((p) => [...klp_for_each_object(p)].some((o) => o.patched));
  const idle: TaskState = applied ? 'patched' : 'unpatched';
  // not on the transition's patch: the task still runs what the other patches applied
  const others = klp.klp_patches.some((p) => p !== tp && [...klp_for_each_object(p)].some((o) => o.patched));
  const without: TaskState = others ? 'patched' : 'unpatched';
  let forcedTasks = 0;
  const tasks: TaskSample[] = k.tasks.all().filter((t) => !t.exited).map((t) => {
    const fn = tp ? t.stack.find((f) => funcs.has(f)) : undefined;
    if (tp && t.patch_pending) return fn ? { key: taskKey(t), state: 'sleeping', fn: funcs.get(fn) } : { key: taskKey(t), state: 'pending' };
    // switched while still in a function the stack check refuses: only a force does that
    if (fn && t.patch_state === klp.klp_target_state) forcedTasks++;
    if (t.patch_state === KLP_TRANSITION_PATCHED) return { key: taskKey(t), state: 'patched' };
    if (t.patch_state === KLP_TRANSITION_UNPATCHED) return { key: taskKey(t), state: without };
    return { key: taskKey(t), state: idle };
  });
  const patches: PatchSample[] = klp.klp_patches.map((p) => ({
    name: p.mod.name,
    state: p === tp ? (klp.klp_target_state === KLP_TRANSITION_PATCHED ? 'patching' : 'unpatching') : p.enabled ? 'enabled' : 'disabled',
    forced: !!p.forced || (p === tp && forcedTasks > 0),
  }));
  const count = (ids: number[]) => {
    const m = new Map<number, number>();
    for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
    return [...m].sort((a, b) => a[0] - b[0]);
  };
  const states = count(klp.klp_patches.flatMap((p) => [...klp_for_each_state(p)].map((s) => s.id)));
  const shadows = count(klp.shadow.vars.map((v) => v.id));
  return { tasks, patches, states, shadows };
}

function kept(text: string, filter: LogFilter): boolean {
  return filter.keep.some((k) => text.includes(k)) && !filter.drop.test(text);
}

/** a SuiteObserver that keeps one timeline per test that ran */
export class TimelineRecorder implements SuiteObserver {
  readonly timelines: TestTimeline[] = [];
  private session?: SelftestSession;
  private current?: TestTimeline;
  private started = false;
  private filter: LogFilter = MAINLINE_FILTER;
  /** the patches on klp_patches at the last kept sample, by name: a replaced one is gone from the list by the next */
  private listed = new Map<string, klp_patch>();

  constructor(private readonly suiteName: string) {}

  booted(session: SelftestSession): void {
    this.session = session;
    const k = session.machine.k;
    this.filter = session.machine.model.dialect.logFilter;
    k.clock.beforeAdvance = (ns) => this.sample(ns);
    k.log.onRecord = (r) => this.record(r);
  }

  testStarted(test: SuiteTest): void {
    this.current = { suite: this.suiteName, model: this.session!.machine.model.name, index: test.index, title: test.title, samples: [], ticks: [], replacements: [] };
    // the log starts after start_test's own lines: the "===== TEST" record (or, in v5.5, the first step)
    this.started = false;
    this.sample();
  }

  stepDone(): void {
    this.started = true;
    this.sample();
  }

  testEnded(run: TestRun): void {
    this.sample();
    if (this.current && run.status !== 'skipped' && run.status !== 'not-run') this.timelines.push(this.current);
    this.current = undefined;
  }

  private record(r: LogRecord): void {
    if (!this.current) return;
    if (!this.started) {
      if (r.text.startsWith('===== TEST: ')) this.started = true;
      return;
    }
    this.sample(r.tsNs);
    if (kept(r.text, this.filter)) this.current.ticks.push({ t: r.tsNs, text: r.text, at: this.current.samples.length - 1 });
  }

  private sample(t = this.session!.machine.k.clock.now()): void {
    const tl = this.current;
    if (!tl) return;
    const s = { t, ...sampleOf(this.session!) };
    const prev = tl.samples[tl.samples.length - 1];
    if (prev) {
      const same = JSON.stringify({ ...prev, t: 0 }) === JSON.stringify({ ...s, t: 0 });
      if (same) return;
    }
    // samples at one instant are all kept: a patch that fails to enable lives only between two printk calls
    tl.samples.push(s);
    if (prev) this.noteReplacements(prev, s, tl.samples.length - 1);
    this.listed = new Map(this.session!.machine.klp.klp_patches.map((p) => [p.mod.name, p]));
  }

  /**
   * a patch that left the list was replaced when a patch enabled after it that replaces it
   * (an atomic replace, of its set where the model has sets) is still there; otherwise it
   * was disabled
   */
  private noteReplacements(prev: Sample, s: Sample, at: number): void {
    const klp = this.session!.machine.klp;
    prev.patches.forEach((p, i) => {
      if (s.patches.some((q) => q.name === p.name)) return;
      const later = (name: string) => {
        const j = prev.patches.findIndex((q) => q.name === name);
        return j < 0 || j > i;
      };
      const old = this.listed.get(p.name);
      const by = klp.klp_patches.find(
        (r) => klp_atomic_replace(klp, r) && r.mod.name !== p.name && later(r.mod.name) && (!old || klp_replaces_old_patch(klp, r, old)),
      );
      if (by) this.current!.replacements.push({ t: s.t, at, patch: p.name, by: by.mod.name });
    });
  }
}
