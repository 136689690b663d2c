/**
 * A point where the real machine would block for ever: a wait nothing will end, a work
 * that never finishes. The simulator gives up after a bound instead of spinning, and says
 * where the machine would have stopped; the run reports it against the step that got there.
 */
export class MachineHang extends Error {
  constructor(
    /** where it blocks, e.g. "test_klp_callbacks_busy: wait_for_completion() never returns" */
    readonly where: string,
  ) {
    super(where);
  }
}
