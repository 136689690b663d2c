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
