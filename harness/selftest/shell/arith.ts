/**
 * Shell arithmetic ($((...)), ((...)), [[ a -eq b ]], array subscripts): 64-bit signed
 * integers with C operators and precedence, evaluated while parsing as bash does. Names
 * are variables; a variable holding an expression is evaluated in turn. Operands not
 * taken (right of a decided && or ||, the other arm of ?:) are parsed without side effects.
 */

export class ArithError extends Error {}

/** what arithmetic needs from the shell: reading and assigning (possibly indexed) variables */
export interface ArithVars {
  get(name: string, index?: bigint): string | undefined;
  set(name: string, value: string, index?: bigint): void;
}

const wrap = (v: bigint) => BigInt.asIntN(64, v);

// longest first, so `<<=` wins over `<<` and `<`
const OPERATORS = [
  '<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=',
  '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '^', '|', '?', ':', '(', ')', '[', ']', ',',
];
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);
/** binary operators by precedence level, loosest first (below ?: and above unary) */
const LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
const MAX_DEPTH = 64;

type Tok = { kind: 'num'; text: string } | { kind: 'name'; text: string } | { kind: 'op'; text: string } | { kind: 'end'; text: string };

export function evalArith(expr: string, vars: ArithVars, depth = 0): bigint {
  if (depth > MAX_DEPTH) throw new ArithError(`${expr}: expression recursion level exceeded`);
  return new Evaluator(expr, vars, depth).run();
}

/** an integer as bash reads one: decimal, 0x hex, 0 octal, base#digits */
export function parseInteger(text: string): bigint | undefined {
  const t = text.trim();
  const m = /^([+-]?)(?:(0[xX][0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*)|([0-9]+)#([0-9a-zA-Z@_]+))$/.exec(t);
  if (!m) return undefined;
  let v: bigint;
  if (m[2]) v = BigInt(m[2]);
  else if (m[3]) v = m[3].length > 1 ? BigInt(`0o${m[3].slice(1)}`) : 0n;
  else if (m[4]) v = BigInt(m[4]);
  else {
    const base = Number(m[5]);
    if (base < 2 || base > 64) return undefined;
    v = 0n;
    for (const ch of m[6]) {
      const d = digitValue(ch, base);
      if (d === undefined || d >= base) return undefined;
      v = v * BigInt(base) + BigInt(d);
    }
  }
  return wrap(m[1] === '-' ? -v : v);
}

function digitValue(ch: string, base: number): number | undefined {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  if (ch >= 'a' && ch <= 'z') return ch.charCodeAt(0) - 97 + 10;
  if (ch >= 'A' && ch <= 'Z') return ch.charCodeAt(0) - 65 + (base <= 36 ? 10 : 36);
  if (ch === '@') return 62;
  if (ch === '_') return 63;
  return undefined;
}

class Evaluator {
  private pos = 0;
  private tok: Tok = { kind: 'end', text: '' };
  /** where the current and the previous token start, for "error token is" */
  private tokStart = 0;
  private prevStart = 0;
  /** > 0 while parsing an operand whose value is not used */
  private noeval = 0;

  constructor(
    private readonly src: string,
    private readonly vars: ArithVars,
    private readonly depth: number,
  ) {}

  run(): bigint {
    this.advance();
    if (this.tok.kind === 'end') return 0n;
    const v = this.comma();
    if (this.cur().kind !== 'end') this.fail('syntax error in expression');
    return v;
  }

  private fail(what: string): never {
    const rest = this.src.slice(this.cur().kind === 'end' ? this.prevStart : this.tokStart);
    throw new ArithError(`${this.src.trimStart()}: ${what} (error token is "${rest}")`);
  }

  private advance(): void {
    const s = this.src;
    while (this.pos < s.length && /\s/.test(s[this.pos])) this.pos++;
    this.prevStart = this.tokStart;
    this.tokStart = this.pos;
    if (this.pos >= s.length) {
      this.tok = { kind: 'end', text: '' };
      return;
    }
    const m = /^(?:[0-9][0-9a-zA-Z@_#]*|[A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(this.pos, this.pos + 80));
    if (m) {
      this.pos += m[0].length;
      this.tok = { kind: /^[0-9]/.test(m[0]) ? 'num' : 'name', text: m[0] };
      return;
    }
    const op = OPERATORS.find((o) => s.startsWith(o, this.pos));
    if (!op) {
      this.pos++;
      this.tok = { kind: 'op', text: s[this.pos - 1] };
      this.fail('syntax error: invalid arithmetic operator');
    }
    this.pos += op.length;
    this.tok = { kind: 'op', text: op };
  }

  /** the current token; a call, so TypeScript does not keep a narrowing across advance() */
  private cur(): Tok {
    return this.tok;
  }

  private is(op: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === op;
  }

  private expect(op: string): void {
    if (!this.is(op)) this.fail(`syntax error: \`${op}' expected`);
    this.advance();
  }

  private comma(): bigint {
    let v = this.assignment();
    while (this.is(',')) {
      this.advance();
      v = this.assignment();
    }
    return v;
  }

  /** name [subscript] op= expr, or a conditional expression */
  private assignment(): bigint {
    if (this.tok.kind === 'name') {
      const save = { pos: this.pos, tok: this.tok };
      const name = this.tok.text;
      this.advance();
      const index = this.subscript();
      const t = this.cur();
      if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) {
        const op = t.text;
        this.advance();
        const rhs = this.assignment();
        const v = op === '=' ? rhs : this.binary(op.slice(0, -1), this.variable(name, index), rhs);
        this.store(name, index, v);
        return v;
      }
      this.pos = save.pos;
      this.tok = save.tok;
    }
    return this.conditional();
  }

  private conditional(): bigint {
    const cond = this.level(0);
    if (!this.is('?')) return cond;
    this.advance();
    if (!cond) this.noeval++;
    const a = this.comma();
    if (!cond) this.noeval--;
    this.expect(':');
    if (cond) this.noeval++;
    const b = this.conditional();
    if (cond) this.noeval--;
    return cond ? a : b;
  }

  private level(n: number): bigint {
    if (n === LEVELS.length) return this.power();
    let v = this.level(n + 1);
    for (;;) {
      const op = this.tok.kind === 'op' && LEVELS[n].includes(this.tok.text) ? this.tok.text : undefined;
      if (!op) return v;
      this.advance();
      // && and || do not evaluate a right side that cannot change the result
      const skip = (op === '&&' && !v) || (op === '||' && !!v);
      if (skip) this.noeval++;
      const rhs = this.level(n + 1);
      if (skip) this.noeval--;
      v = this.binary(op, v, rhs);
    }
  }

  private power(): bigint {
    const base = this.unary();
    if (!this.is('**')) return base;
    this.advance();
    const exp = this.power();
    if (exp < 0n) {
      if (this.noeval) return 0n;
      this.fail('exponent less than 0');
    }
    return wrap(base ** exp);
  }

  private binary(op: string, a: bigint, b: bigint): bigint {
    const bool = (x: boolean) => (x ? 1n : 0n);
    switch (op) {
      case '||': return bool(!!a || !!b);
      case '&&': return bool(!!a && !!b);
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '==': return bool(a === b);
      case '!=': return bool(a !== b);
      case '<': return bool(a < b);
      case '<=': return bool(a <= b);
      case '>': return bool(a > b);
      case '>=': return bool(a >= b);
      case '<<': return wrap(a << (b & 63n));
      case '>>': return a >> (b & 63n);
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) {
          if (this.noeval) return 0n;
          this.fail('division by 0');
        }
        return op === '/' ? wrap(a / b) : a % b;
    }
    throw new ArithError(`unknown operator ${op}`);
  }

  private unary(): bigint {
    if (this.tok.kind === 'op') {
      const op = this.tok.text;
      if (op === '++' || op === '--') {
        this.advance();
        const t = this.cur();
        if (t.kind !== 'name') this.fail('syntax error: operand expected');
        const name = t.text;
        this.advance();
        const index = this.subscript();
        const v = wrap(this.variable(name, index) + (op === '++' ? 1n : -1n));
        this.store(name, index, v);
        return v;
      }
      if (op === '!' || op === '~' || op === '-' || op === '+') {
        this.advance();
        const v = this.unary();
        return op === '!' ? (v ? 0n : 1n) : op === '~' ? ~v : op === '-' ? wrap(-v) : v;
      }
    }
    return this.postfix();
  }

  private postfix(): bigint {
    const t = this.tok;
    if (t.kind === 'num') {
      this.advance();
      const v = parseInteger(t.text);
      if (v === undefined) this.fail('value too great for base');
      return v;
    }
    if (t.kind === 'name') {
      this.advance();
      const index = this.subscript();
      const v = this.variable(t.text, index);
      if (this.is('++') || this.is('--')) {
        this.store(t.text, index, wrap(v + (this.is('++') ? 1n : -1n)));
        this.advance();
      }
      return v;
    }
    if (this.is('(')) {
      this.advance();
      const v = this.comma();
      this.expect(')');
      return v;
    }
    this.fail('syntax error: operand expected');
  }

  private subscript(): bigint | undefined {
    if (!this.is('[')) return undefined;
    this.advance();
    const v = this.comma();
    this.expect(']');
    return v;
  }

  /** a variable's value: empty or unset is 0, anything else is itself an expression */
  private variable(name: string, index?: bigint): bigint {
    const raw = this.vars.get(name, index);
    if (raw === undefined || raw.trim() === '') return 0n;
    const direct = parseInteger(raw);
    if (direct !== undefined) return direct;
    return evalArith(raw, this.vars, this.depth + 1);
  }

  private store(name: string, index: bigint | undefined, v: bigint): void {
    if (!this.noeval) this.vars.set(name, String(v), index);
  }
}
