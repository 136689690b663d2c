/**
 * [[ ... ]]: string, pattern, regex, arithmetic and file tests on words that are expanded
 * but neither split nor globbed. `==` and `!=` match the right side as a pattern (its
 * quoted parts literally); `=~` matches an extended regular expression and fills
 * BASH_REMATCH; -eq and friends evaluate both sides as arithmetic.
 */
import { ArithError, evalArith, type ArithVars } from './arith.js';
import type { CondExpr, Word } from './ast.js';
import type { Expander } from './expand.js';
import { globMatch } from './glob.js';
import type { VirtualFs } from './host.js';
import { posixToJs, RegexError } from './regex.js';
import { fileTest } from './testcmd.js';

export interface CondContext {
  expander: Expander;
  arith: ArithVars;
  fs: VirtualFs;
  /** is the variable set (-v) */
  isSet(name: string): boolean;
  setArray(name: string, items: string[]): void;
  /** print one of the shell's own error messages */
  error(message: string): void;
}

/** ends the evaluation with this status (2 for a bad regex, 1 after an arithmetic error) */
class CondFailure {
  constructor(readonly status: number) {}
}

/** the status of [[ e ]] */
export function condStatus(e: CondExpr, ctx: CondContext): number {
  try {
    return evaluate(e, ctx) ? 0 : 1;
  } catch (err) {
    if (err instanceof CondFailure) return err.status;
    throw err;
  }
}

function evaluate(e: CondExpr, ctx: CondContext): boolean {
  const str = (w: Word) => ctx.expander.string(w);
  switch (e.kind) {
    case 'and':
      return evaluate(e.left, ctx) && evaluate(e.right, ctx);
    case 'or':
      return evaluate(e.left, ctx) || evaluate(e.right, ctx);
    case 'not':
      return !evaluate(e.expr, ctx);
    case 'word':
      return str(e.word) !== '';
    case 'unary': {
      const arg = str(e.arg);
      if (e.op === '-z') return arg === '';
      if (e.op === '-n') return arg !== '';
      if (e.op === '-v') return ctx.isSet(arg);
      return fileTest(e.op, arg, ctx.fs) ?? false;
    }
    case 'binary':
      return binary(e.op, str(e.left), e.right, ctx);
  }
}

function binary(op: string, left: string, rightWord: Word, ctx: CondContext): boolean {
  switch (op) {
    case '==':
      return globMatch(ctx.expander.pattern(rightWord), left);
    case '!=':
      return !globMatch(ctx.expander.pattern(rightWord), left);
    case '=~': {
      let re: RegExp;
      try {
        re = new RegExp(posixToJs(ctx.expander.regex(rightWord), true));
      } catch (err) {
        // bash returns 2 for a regex that does not compile, silently
        if (err instanceof RegexError || err instanceof SyntaxError) throw new CondFailure(2);
        throw err;
      }
      const m = re.exec(left);
      ctx.setArray('BASH_REMATCH', m ? [...m].map((x) => x ?? '') : []);
      return m !== null;
    }
    case '<':
      return left < ctx.expander.string(rightWord);
    case '>':
      return left > ctx.expander.string(rightWord);
    case '-nt':
    case '-ot':
    case '-ef':
      return false;
  }
  const right = ctx.expander.string(rightWord);
  let a: bigint;
  let b: bigint;
  try {
    a = evalArith(left, ctx.arith);
    b = evalArith(right, ctx.arith);
  } catch (err) {
    if (!(err instanceof ArithError)) throw err;
    ctx.error(`[[: ${err.message}`);
    throw new CondFailure(1);
  }
  switch (op) {
    case '-eq':
      return a === b;
    case '-ne':
      return a !== b;
    case '-lt':
      return a < b;
    case '-le':
      return a <= b;
    case '-gt':
      return a > b;
    default:
      return a >= b;
  }
}
