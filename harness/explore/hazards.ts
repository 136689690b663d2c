/**
 * Known hazards: a problem a proposal's posted code has, declared by its model
 * (KnownHazard in harness/livepatch/model.ts). One that names an explorer invariant is what
 * the explorer expects to see broken: it still reports the violation, marked as known, and
 * it does not fail the exit status.
 */
import type { KernelModelDefinition } from '../models.js';
import type { InvariantName } from './invariants.js';

/** what the model says of breaking this invariant, if it declares it */
export function knownHazard(model: KernelModelDefinition, invariant: InvariantName): string | undefined {
  const h = model.hazards?.find((x) => x.invariant === invariant);
  return h ? `${h.id}: ${h.summary}` : undefined;
}
