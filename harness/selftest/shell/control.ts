/**
 * Non-local control flow inside the interpreter. These are thrown, not returned, because
 * `return`, `break` and a failed expansion unwind through any depth of nested commands.
 * None of them leaves Shell.run: each is caught where bash would stop it.
 */

/** `return N` inside a function */
export class ReturnSignal {
  constructor(readonly status: number) {}
}

/** `break N` / `continue N`: levels counts the enclosing loops still to unwind */
export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

/**
 * An error that abandons the rest of the command line, as a failed expansion does in a
 * non-interactive bash ("bad substitution", arithmetic errors). Its message has already
 * been printed where the failing command's stderr pointed.
 */
export class FatalError extends Error {}
