/**
 * A campaign: many scenarios of one model, each checked against every invariant.
 *
 * Random walks are fast-check model-based runs: the commands are the model's actions, a
 * command's check() asks the live machine whether it applies, and fast-check's commands
 * shrinker cuts a failing walk down while the same invariant still breaks. Scenario i is
 * generated from its own seed, derived from the campaign's seed and i, so any subset of
 * scenarios (a shard, a worker's share) is generated exactly as in the whole run.
 *
 * Exhaustive mode enumerates action sequences breadth first, so the first failure of an
 * invariant is already one of the shortest; sequences that reach a machine state already
 * seen are not extended.
 */
import fc from 'fast-check';
import { modelAt, type KernelModelDefinition } from '../models.js';
import { ActionSet, deriveActions } from './actions.js';
import type { InvariantName, Violation } from './invariants.js';
import { checkedStep, runScenario, scenarioSession } from './scenario.js';
import type { SelftestSession } from '../selftest/session.js';
import type { InvariantChecker } from './checker.js';

export interface CampaignOptions {
  readonly model: KernelModelDefinition;
  readonly seed: number;
  /** at most this many steps per scenario */
  readonly depth: number;
  readonly version?: [number, number];
  /**
   * replay scenario i on a second machine, for `deterministic`, when i % replayEvery == 0
   * (1: every scenario, at twice the cost; 0: none)
   */
  readonly replayEvery: number;
}

/** what one scenario found */
export interface ScenarioReport {
  readonly index: number;
  readonly steps: number;
  readonly violations: Violation[];
  readonly hung: boolean;
  /** the shrunk steps of the first violation, when asked for */
  readonly shrunk?: { invariant: InvariantName; steps: string[] };
}

/** scenario i's seed: a 32-bit mix of the campaign seed and i, the same on every machine */
export function scenarioSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) | 0;
}

interface Walk {
  session: SelftestSession;
  checker: InvariantChecker;
  steps: string[];
  stopped: boolean;
  hung: boolean;
}

/**
 * One step of a walk: a choice among the actions that apply when it runs. Drawing the
 * choice rather than the action means no drawn step is wasted on an action that does not
 * apply (most do not, at any moment), and a shrunk walk still replays to real steps.
 */
class ChoiceCommand implements fc.Command<Walk, Walk> {
  private chosen = '';
  constructor(
    readonly choice: number,
    private readonly actions: ActionSet,
  ) {}
  check(w: Readonly<Walk>): boolean {
    return !w.stopped;
  }
  run(w: Walk): void {
    const applicable = this.actions.applicable(w.session);
    const action = applicable[this.choice % applicable.length];
    this.chosen = action.step;
    const r = checkedStep(w.session, w.checker, action.step, w.steps.length);
    if (r === 'hung') {
      w.stopped = w.hung = true;
      return;
    }
    w.steps.push(action.step);
    if (r === 'error') w.stopped = true;
  }
  toString(): string {
    return this.chosen || `choice ${this.choice}`;
  }
}

export class Campaign {
  readonly actions: ActionSet;
  private readonly commands: fc.Arbitrary<Iterable<fc.Command<Walk, Walk>>>;

  constructor(readonly opts: CampaignOptions) {
    // the release the walks boot: its dialect and its own test modules make the actions
    const version = opts.version ?? opts.model.versions[1];
    this.actions = new ActionSet(deriveActions(modelAt(opts.model, version), version));
    const actions = this.actions;
    this.commands = fc.commands([fc.nat({ max: 1 << 16 }).map((n) => new ChoiceCommand(n, actions))], { maxCommands: opts.depth, size: 'max' });
  }

  private walk(cmds: Iterable<fc.Command<Walk, Walk>>): Walk {
    const { session, checker } = scenarioSession(this.opts.model, this.opts.version);
    const w: Walk = { session, checker, steps: [], stopped: false, hung: false };
    fc.modelRun(() => ({ model: w, real: w }), cmds);
    if (!w.stopped) {
      try {
        checker.atEnd();
      } catch (e) {
        checker.internalError(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return w;
  }

  /** is scenario i replayed for `deterministic`? */
  replays(index: number): boolean {
    return this.opts.replayEvery > 0 && index % this.opts.replayEvery === 0;
  }

  /**
   * Scenario i: generated from its seed, run, and when `shrink` is set and an invariant
   * breaks, shrunk to the fewest steps that still break that invariant.
   */
  scenario(index: number, shrink: (inv: InvariantName) => boolean): ScenarioReport {
    const replay = this.replays(index);
    let first: { steps: string[]; violations: Violation[]; hung: boolean } | undefined;
    let target: InvariantName | undefined;
    let smallest: string[] | undefined;
    const property = fc.property(this.commands, (cmds) => {
      const w = this.walk(cmds);
      if (replay && !w.checker.violated('no-internal-error')) {
        const replayed = runScenario(this.opts.model, w.steps, { version: this.opts.version, replay: true });
        for (const v of replayed.violations) if (v.invariant === 'deterministic') w.checker.violations.push(v);
        if (replayed.violations.some((v) => v.invariant === 'deterministic')) w.checker.markViolated('deterministic');
      }
      if (!first) {
        first = { steps: w.steps, violations: w.checker.violations, hung: w.hung };
        const v = w.checker.violations.find((x) => shrink(x.invariant));
        if (!v) return true;
        target = v.invariant;
        smallest = w.steps;
        return false;
      }
      if (!w.checker.violated(target!)) return true;
      if (w.steps.length <= smallest!.length) smallest = w.steps;
      return false;
    });
    fc.check(property, { seed: scenarioSeed(this.opts.seed, index), numRuns: 1 });
    const result = first!;
    const violations = [...result.violations];
    return {
      index,
      steps: result.steps.length,
      violations,
      hung: result.hung,
      ...(target && smallest ? { shrunk: { invariant: target, steps: this.dropSteps(smallest, target, replay) } } : {}),
    };
  }

  /**
   * The last pass of shrinking, on the steps as written: fast-check shrinks the walk's
   * choices, and removing one choice re-maps the ones after it, so a step that is not needed
   * can survive. Each step is dropped in turn while the invariant still breaks (at most
   * depth² short runs).
   */
  private dropSteps(steps: string[], invariant: InvariantName, replay: boolean): string[] {
    let best = steps;
    for (let i = best.length - 1; i >= 0; i--) {
      const candidate = [...best.slice(0, i), ...best.slice(i + 1)];
      const r = runScenario(this.opts.model, candidate, { version: this.opts.version, replay });
      if (!r.hung && r.steps.length === candidate.length && r.violations.some((v) => v.invariant === invariant)) best = candidate;
    }
    return best;
  }

  /**
   * Every sequence of applicable actions up to `depth`, breadth first; a sequence whose
   * machine state was reached before is not extended. Calls `found` for each violating
   * sequence (already of minimal length for its invariant at that depth).
   */
  *exhaustive(limit: number): Generator<ScenarioReport> {
    const seen = new Set<string>();
    let frontier: string[][] = [[]];
    let index = 0;
    for (let depth = 1; depth <= this.opts.depth && frontier.length; depth++) {
      const next: string[][] = [];
      for (const prefix of frontier) {
        const { session, checker } = scenarioSession(this.opts.model, this.opts.version);
        let dead = false;
        for (const [i, step] of prefix.entries()) if (checkedStep(session, checker, step, i) !== 'ok') dead = true;
        if (dead) continue;
        const applicable = this.actions.applicable(session);
        for (const a of applicable) {
          if (index >= limit) return;
          const steps = [...prefix, a.step];
          const r = runScenario(this.opts.model, steps, { version: this.opts.version, replay: this.replays(index) });
          const key = r.hung ? '' : fingerprint(this.opts.model, steps, this.opts.version);
          yield { index: index++, steps: r.steps.length, violations: r.violations, hung: r.hung, ...(r.violations[0] ? { shrunk: { invariant: r.violations[0].invariant, steps: r.steps } } : {}) };
          if (r.hung || r.violations.length || !key || seen.has(key)) continue;
          seen.add(key);
          next.push(steps);
        }
      }
      frontier = next;
    }
  }
}

/** what a machine state is, for pruning: modules, patches and their sysfs, transition, tasks */
function fingerprint(model: KernelModelDefinition, steps: readonly string[], version?: [number, number]): string {
  const { session, checker } = scenarioSession(model, version);
  for (const [i, step] of steps.entries()) checkedStep(session, checker, step, i);
  const { k, klp } = session.machine;
  const parts = [
    k.modules.modules.map((m) => `${m.name}:${m.refcnt}:${m.params.map((p) => String(p.value)).join(',')}`).join(' '),
    klp.klp_patches.map((p) => `${p.mod.name}:${p.enabled ? 1 : 0}`).join(' '),
    klp.klp_transition_patch ? `${klp.klp_transition_patch.mod.name}>${klp.klp_target_state}` : '-',
    k.tasks.normalTasks().map((t) => `${t.comm}:${t.patch_state}:${t.stack.map((f) => f.name).join('/')}`).join(' '),
    String(klp.shadow.vars.length),
  ];
  return parts.join('|');
}

