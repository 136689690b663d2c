/**
 * Known hazards: a problem a proposal's posted code has, declared by its model
 * (KnownHazard in harness/livepatch/model.ts). One that names an explorer invariant (and,
 * where the model has several under one invariant, the message its violations carry) is
 * what the explorer expects to see broken: it still reports the violation, marked as known,
 * and it does not fail the exit status. A violation no hazard matches is a new finding.
 */
import type { KernelModelDefinition } from '../models.js';
import type { KnownHazard } from '../livepatch/model.js';
import type { InvariantName, Violation } from './invariants.js';

function matches(h: KnownHazard, v: Pick<Violation, 'invariant' | 'message'>): boolean {
  return h.invariant === v.invariant && (h.message === undefined || new RegExp(h.message).test(v.message));
}

/** what the model says of this violation, if it declares it: "id: summary" */
export function knownHazard(model: KernelModelDefinition, v: Pick<Violation, 'invariant' | 'message'>): string | undefined {
  const h = model.hazards?.find((x) => matches(x, v));
  return h ? `${h.id}: ${h.summary}` : undefined;
}

/** does the model declare any hazard under this invariant (the table's "known hazard" mark) */
export function hasHazard(model: KernelModelDefinition, invariant: InvariantName): boolean {
  return !!model.hazards?.some((h) => h.invariant === invariant);
}
