/**
 * Where the step shell's own limits show: JavaScript's stack and string size. A step nested
 * hundreds of levels deep, or one that builds a string of hundreds of megabytes, is refused
 * as what it is, in the words of the step, not as an internal error.
 */

/** the step's problem for a RangeError the engine threw; anything else is rethrown */
export function engineLimit(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'nested too deeply for the step shell (its stack ran out)';
  if (e instanceof RangeError && /string length|array length|allocation/i.test(e.message))
    return 'a value grew larger than the step shell can hold';
  throw e;
}

/**
 * The most machine time one step may spend waiting: far above the longest wait of a
 * selftest (loop_until gives up after 60 s), and low enough that simulating it stays cheap
 * when a program hammers the kernel every millisecond meanwhile.
 */
export const STEP_TIME_LIMIT_S = 600;

/** a step that would wait longer than STEP_TIME_LIMIT_S: the run stops there */
export class StepTimeLimit extends Error {}
