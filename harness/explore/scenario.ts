/**
 * One scenario: a fresh machine of the model, set up as functions.sh sets it up, the steps
 * run one by one with the invariants checked after each, then cleanup and the end checks,
 * and (for `deterministic`) the same steps again on a second machine.
 */
import type { KernelModelDefinition } from '../models.js';
import { SelftestSession } from '../selftest/session.js';
import { ShellExit, ShellHang, ShellSyntaxError } from '../selftest/shell/host.js';
import { MachineHang } from '../kernel/hang.js';
import { InvariantChecker } from './checker.js';
import type { Violation } from './invariants.js';

/**
 * A step that would hang a real machine ends the scenario there, as no finding: the
 * simulator stops waiting where the kernel would wait forever (a module's init in
 * wait_for_completion() for work that cannot run). A real user would have a hung insmod,
 * not a broken promise, so it is neither a violation nor a step worth continuing from.
 */
export function wouldHang(e: unknown): boolean {
  return e instanceof MachineHang || e instanceof ShellHang;
}

export interface ScenarioResult {
  /** the steps that ran (a step that would hang, and what follows, is cut) */
  readonly steps: string[];
  readonly violations: Violation[];
  /** the kernel log of the whole run, steps and cleanup */
  readonly log: string;
  readonly hung: boolean;
}

export interface ScenarioOptions {
  readonly version?: [number, number];
  /** replay on a second machine and compare the logs (the `deterministic` invariant) */
  readonly replay?: boolean;
}

/** a booted, set-up machine with the checker attached, as a scenario and a suite start */
export function scenarioSession(model: KernelModelDefinition, version?: [number, number]): { session: SelftestSession; checker: InvariantChecker } {
  // a model boots its newest version unless told otherwise, as a suite does
  const session = new SelftestSession(model, { version: version ?? model.versions[1] });
  session.setup();
  return { session, checker: new InvariantChecker(session) };
}

/** run one step, reporting to the checker; false if the scenario cannot go on */
export function checkedStep(session: SelftestSession, checker: InvariantChecker, step: string, index: number): 'ok' | 'hung' | 'error' {
  try {
    session.step(step);
  } catch (e) {
    if (wouldHang(e)) return 'hung';
    // a command's own failure (exit, a syntax error) is the user's, not the simulator's; a
    // step past its time bound (StepTimeLimit) is a broken no-internal-error like any other
    if (!(e instanceof ShellExit) && !(e instanceof ShellSyntaxError)) {
      checker.afterStep(index);
      checker.internalError(`${step}: ${e instanceof Error ? e.message : String(e)}`);
      return 'error';
    }
  }
  checker.afterStep(index);
  return 'ok';
}

export function runScenario(model: KernelModelDefinition, steps: readonly string[], opts: ScenarioOptions = {}): ScenarioResult {
  const { session, checker } = scenarioSession(model, opts.version);
  const ran: string[] = [];
  let hung = false;
  let broken = false;
  for (const [i, step] of steps.entries()) {
    const r = checkedStep(session, checker, step, i);
    if (r === 'hung') {
      hung = true;
      break;
    }
    ran.push(step);
    if (r === 'error') {
      broken = true;
      break;
    }
  }
  if (!hung && !broken) {
    try {
      checker.atEnd();
    } catch (e) {
      if (!wouldHang(e)) checker.internalError(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const log = session.machine.k.log.dmesg();
  // a run cut at a step that would hang logged that step's start: the replay has no such cut
  if (opts.replay && !broken && !hung) {
    const again = replayLog(model, ran, opts.version);
    if (again !== log) checker.violations.push({ invariant: 'deterministic', step: -1, message: firstDifference(log, again) });
  }
  return { steps: ran, violations: checker.violations, log, hung };
}

/** the same steps and cleanup on a fresh machine, for its log */
function replayLog(model: KernelModelDefinition, steps: readonly string[], version?: [number, number]): string {
  const { session, checker } = scenarioSession(model, version);
  for (const [i, step] of steps.entries()) checkedStep(session, checker, step, i);
  try {
    checker.atEnd();
  } catch {
    // the first run reported it
  }
  return session.machine.k.log.dmesg();
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++)
    if (la[i] !== lb[i]) return `the replay's log differs at line ${i + 1}: ${JSON.stringify(la[i] ?? '(end)')} then ${JSON.stringify(lb[i] ?? '(end)')}`;
  return 'the replay differs';
}
