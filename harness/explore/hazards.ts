/**
 * Known hazards: an invariant a proposal breaks on purpose, or knowingly, declared by its
 * model with a one-line reason. The explorer still reports such a violation, marked as
 * known, and it does not fail the exit status.
 */
import type { KernelModelDefinition } from '../models.js';
import type { InvariantName } from './invariants.js';

export interface KnownHazard {
  readonly invariant: InvariantName;
  readonly reason: string;
}

/** the reason a model gives for breaking this invariant, if it declares it */
export function knownHazard(model: KernelModelDefinition, invariant: InvariantName): string | undefined {
  return model.hazards?.find((h) => h.invariant === invariant)?.reason;
}
