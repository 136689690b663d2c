/**
 * Turns shell source into tokens: operators, redirections and words. Words come out
 * already split into parts (quoted text, $expansions, $(...) bodies), because what a
 * character means depends on the quotes around it and only the lexer still knows them.
 *
 * Bash's lexing is context-sensitive in a few places the parser has to ask for
 * explicitly: the right side of `=~` (readRegexWord), and the bodies of `((...))`
 * and `for ((...))` (readArith).
 */
import type { List, ParamOp, ParamPart, Word, WordPart } from './ast.js';
import { ShellSyntaxError } from './host.js';

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '&>' | '&>>' | '<<<';

/** `X=...`, `X+=...`, `a[i]=...` at the start of a word; only meaningful before the command name */
export interface AssignPrefix {
  name: string;
  index?: Word;
  append: boolean;
  /** the value word; absent when the word was `X=(`, an array assignment to be read by the parser */
  value?: Word;
}

export type Token =
  | {
      type: 'word';
      word: Word;
      /** the text when the word is plain unquoted characters: how reserved words are recognized */
      literal?: string;
      assign?: AssignPrefix;
      pos: number;
    }
  | { type: 'op'; op: string; pos: number }
  /** fd is the explicit number before the operator (`2>`), or undefined */
  | { type: 'redir'; op: RedirOp; fd?: number; pos: number }
  | { type: 'eof'; pos: number };

/** parses the list inside `$(` starting at pos; returns it and the offset just past the `)` */
export type SubParser = (pos: number) => { body: List; end: number };

const METACHARS = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const SPECIAL_PARAMS = new Set(['?', '!', '$', '#', '@', '*', '-']);
const ASSIGN_START = /[A-Za-z_][A-Za-z0-9_]*(\[|\+?=)/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OPERATORS = ['&&', '||', ';;', '|&', ';', '&', '|', '(', ')', '\n'];

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export class Lexer {
  pos: number;

  constructor(
    readonly src: string,
    pos: number,
    private readonly subParse: SubParser,
  ) {
    this.pos = pos;
  }

  error(message: string, pos = this.pos): never {
    throw new ShellSyntaxError(message, pos);
  }

  /** blanks, `\`-newline continuations and comments; newlines are tokens and stay */
  skipBlanks(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  /** the character right after the last token, for `((` after `(` */
  peekChar(): string | undefined {
    return this.src[this.pos];
  }

  next(): Token {
    this.skipBlanks();
    const s = this.src;
    const pos = this.pos;
    if (pos >= s.length) return { type: 'eof', pos };
    const redir = this.redirection();
    if (redir) return redir;
    for (const op of OPERATORS) {
      if (s.startsWith(op, pos)) {
        if (op === ';;' || op === '|&') this.error(`syntax error near unexpected token \`${op}'`);
        this.pos += op.length;
        return { type: 'op', op, pos };
      }
    }
    return this.word();
  }

  /** `>`, `2>>`, `&>`, `<<<` ...; a number directly before `<` or `>` names the descriptor */
  private redirection(): Token | undefined {
    const s = this.src;
    const pos = this.pos;
    let i = pos;
    while (isDigit(s[i])) i++;
    const fd = i > pos ? Number(s.slice(pos, i)) : undefined;
    const c = s[i];
    if (c !== '<' && c !== '>' && !(fd === undefined && c === '&' && s[i + 1] === '>')) return undefined;
    let op: RedirOp;
    if (s.startsWith('&>>', i)) op = '&>>';
    else if (s.startsWith('&>', i)) op = '&>';
    else if (s.startsWith('>>', i)) op = '>>';
    else if (s.startsWith('>&', i)) op = '>&';
    else if (s.startsWith('>|', i)) {
      this.pos = i + 2;
      return { type: 'redir', op: '>', fd, pos };
    } else if (s.startsWith('<<<', i)) op = '<<<';
    else if (s.startsWith('<<', i)) this.error('here-documents (<<) are not supported', i);
    else if (s.startsWith('<(', i) || s.startsWith('>(', i)) this.error('process substitution (<(...)) is not supported', i);
    else if (s.startsWith('<&', i)) op = '<&';
    else if (c === '>') op = '>';
    else op = '<';
    this.pos = i + op.length;
    return { type: 'redir', op, fd, pos };
  }

  private word(): Token {
    const pos = this.pos;
    const assign = this.assignPrefix();
    if (assign && assign.value === undefined) {
      // X=( ... ): the parser reads the elements as ordinary tokens up to `)`
      return { type: 'word', word: { parts: [{ kind: 'lit', text: `${assign.name}=`, quoted: false }], pos }, assign, pos };
    }
    // the whole word too, for when an assignment turns out to be an argument (`echo a=b`)
    let parts: WordPart[];
    if (assign && !assign.index) {
      parts = [{ kind: 'lit', text: `${assign.name}${assign.append ? '+=' : '='}`, quoted: false }, ...assign.value!.parts];
    } else {
      this.pos = pos;
      parts = this.readUnquoted((c) => METACHARS.has(c));
    }
    if (this.pos === pos) this.error(`syntax error near unexpected token \`${this.src[pos]}'`);
    const word = { parts, pos };
    let literal: string | undefined;
    if (parts.every((p) => p.kind === 'lit' && !p.quoted)) literal = parts.map((p) => (p.kind === 'lit' ? p.text : '')).join('');
    return { type: 'word', word, literal, assign, pos };
  }

  /** recognizes name=, name+=, name[sub]= at the current position without consuming on failure */
  private assignPrefix(): AssignPrefix | undefined {
    const s = this.src;
    const start = this.pos;
    ASSIGN_START.lastIndex = start;
    const m = ASSIGN_START.exec(s);
    if (!m) return undefined;
    const name = s.slice(start, start + m[0].length - m[1].length);
    this.pos = start + name.length;
    let index: Word | undefined;
    if (m[1] === '[') {
      // only a lookahead: `echo x[` or a glob like a[bc] is a plain word, not an error
      try {
        this.pos++;
        index = this.readArith([']']).word;
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        this.pos = start;
        return undefined;
      }
    }
    let append = false;
    if (s[this.pos] === '+' && s[this.pos + 1] === '=') {
      append = true;
      this.pos += 2;
    } else if (s[this.pos] === '=') this.pos++;
    else {
      this.pos = start;
      return undefined;
    }
    if (s[this.pos] === '(' && !index) {
      this.pos++;
      return { name, append };
    }
    const vpos = this.pos;
    const value = { parts: this.readUnquoted((c) => METACHARS.has(c)), pos: vpos };
    return { name, index, append, value };
  }

  /**
   * Word parts outside double quotes, up to a character `stop` accepts. Backslash-escaped
   * characters become quoted literals so they are never split or globbed.
   */
  readUnquoted(stop: (c: string) => boolean): WordPart[] {
    const s = this.src;
    const parts: WordPart[] = [];
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ kind: 'lit', text: lit, quoted: false });
      lit = '';
    };
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (stop(c)) break;
      if (c === "'") {
        flush();
        parts.push(this.singleQuoted());
      } else if (c === '"') {
        flush();
        parts.push(this.doubleQuoted());
      } else if (c === '\\') {
        const n = s[this.pos + 1];
        this.pos += 2;
        if (n === undefined) {
          lit += '\\';
        } else if (n !== '\n') {
          flush();
          parts.push({ kind: 'lit', text: n, quoted: true });
        }
      } else if (c === '$' && s[this.pos + 1] === "'") {
        flush();
        parts.push(this.ansiQuoted());
      } else if (c === '$') {
        const p = this.dollar();
        if (p) {
          flush();
          parts.push(p);
        } else {
          lit += '$';
          this.pos++;
        }
      } else if (c === '`') {
        this.error('backquote command substitution is not supported; use $(...)');
      } else {
        lit += c;
        this.pos++;
      }
    }
    flush();
    return parts;
  }

  private singleQuoted(): WordPart {
    const start = this.pos;
    const end = this.src.indexOf("'", start + 1);
    if (end < 0) this.error('unterminated quote: missing closing \'', start);
    this.pos = end + 1;
    return { kind: 'lit', text: this.src.slice(start + 1, end), quoted: true };
  }

  /** $'...': C-style escapes, as bash's ANSI-C quoting */
  private ansiQuoted(): WordPart {
    const s = this.src;
    const start = this.pos;
    this.pos += 2;
    let text = '';
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    while (s[this.pos] !== "'") {
      if (this.pos >= s.length) this.error("unterminated quote: missing closing '", start);
      const c = s[this.pos++];
      if (c !== '\\') {
        text += c;
        continue;
      }
      const n = s[this.pos++];
      if (simple[n]) text += simple[n];
      else if (n === 'x') {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(this.pos, this.pos + 2));
        if (m) {
          text += String.fromCharCode(parseInt(m[0], 16));
          this.pos += m[0].length;
        } else text += '\\x';
      } else if (n >= '0' && n <= '7') {
        const m = /^[0-7]{1,3}/.exec(s.slice(this.pos - 1, this.pos + 2))!;
        text += String.fromCharCode(parseInt(m[0], 8));
        this.pos += m[0].length - 1;
      } else text += n;
    }
    this.pos++;
    return { kind: 'lit', text, quoted: true };
  }

  private doubleQuoted(): WordPart {
    const s = this.src;
    const start = this.pos++;
    const parts: WordPart[] = [];
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
      lit = '';
    };
    for (;;) {
      if (this.pos >= s.length) this.error('unterminated quote: missing closing "', start);
      const c = s[this.pos];
      if (c === '"') break;
      if (c === '\\') {
        const n = s[this.pos + 1];
        // inside double quotes a backslash only escapes these; elsewhere it stays
        if (n === '$' || n === '`' || n === '"' || n === '\\') lit += n;
        else if (n !== '\n') lit += `\\${n ?? ''}`;
        this.pos += 2;
      } else if (c === '$') {
        const p = this.dollar();
        if (p) {
          flush();
          parts.push(p);
        } else {
          lit += '$';
          this.pos++;
        }
      } else if (c === '`') {
        this.error('backquote command substitution is not supported; use $(...)');
      } else {
        lit += c;
        this.pos++;
      }
    }
    this.pos++;
    flush();
    return { kind: 'dq', parts };
  }

  /** at a `$`: an expansion, or undefined when the `$` is just a character */
  private dollar(): WordPart | undefined {
    const s = this.src;
    const start = this.pos;
    const n = s[start + 1];
    if (n === '(' && s[start + 2] === '(') {
      this.pos = start + 3;
      return { kind: 'arith', expr: this.readArith(['))']).word };
    }
    if (n === '(') {
      const { body, end } = this.subParse(start + 2);
      this.pos = end;
      return { kind: 'cmdsub', body };
    }
    if (n === '{') {
      this.pos = start + 2;
      return this.braceParam(start);
    }
    NAME.lastIndex = start + 1;
    const m = NAME.exec(s);
    if (m) {
      this.pos = start + 1 + m[0].length;
      return { kind: 'param', name: m[0] };
    }
    if (n !== undefined && (isDigit(n) || SPECIAL_PARAMS.has(n))) {
      this.pos = start + 2;
      return { kind: 'param', name: n };
    }
    return undefined;
  }

  /** after `${`: the name, an optional subscript, and an optional operator, up to `}` */
  private braceParam(start: number): ParamPart {
    const s = this.src;
    let length = false;
    if (s[this.pos] === '#' && s[this.pos + 1] !== '}') {
      length = true;
      this.pos++;
    }
    let name: string;
    NAME.lastIndex = this.pos;
    const m = NAME.exec(s);
    if (m) name = m[0];
    else if (isDigit(s[this.pos])) name = /^\d+/.exec(s.slice(this.pos))![0];
    else if (SPECIAL_PARAMS.has(s[this.pos])) name = s[this.pos];
    else this.error('bad substitution', start);
    this.pos += name.length;
    const part: ParamPart = { kind: 'param', name };
    if (s[this.pos] === '[') {
      if ((s[this.pos + 1] === '@' || s[this.pos + 1] === '*') && s[this.pos + 2] === ']') {
        part.index = s[this.pos + 1] as '@' | '*';
        this.pos += 3;
      } else {
        this.pos++;
        part.index = this.readArith([']']).word;
      }
    }
    if (length) {
      if (s[this.pos] !== '}') this.error('bad substitution', start);
      this.pos++;
      part.op = { type: 'length' };
      return part;
    }
    part.op = this.paramOp(start);
    if (s[this.pos] !== '}') this.error('bad substitution: missing }', start);
    this.pos++;
    return part;
  }

  private paramOp(start: number): ParamOp | undefined {
    const s = this.src;
    const c = s[this.pos];
    const operand = () => {
      const pos = this.pos;
      return { parts: this.readUnquoted((ch) => ch === '}'), pos };
    };
    if (c === '}') return undefined;
    if (c === ':' && '-=+?'.includes(s[this.pos + 1])) {
      const op = s.slice(this.pos, this.pos + 2);
      this.pos += 2;
      return { type: 'default', op, word: operand() };
    }
    if (c === ':') {
      this.pos++;
      const offset = this.readArith([':', '}'], false);
      if (offset.end === ':') {
        this.pos++;
        return { type: 'substr', offset: offset.word, length: this.readArith(['}'], false).word };
      }
      return { type: 'substr', offset: offset.word };
    }
    if ('-=+?'.includes(c)) {
      this.pos++;
      return { type: 'default', op: c, word: operand() };
    }
    if (c === '#' || c === '%') {
      const op = s[this.pos + 1] === c ? c + c : c;
      this.pos += op.length;
      return { type: 'trim', op, word: operand() };
    }
    if (c === '/') {
      this.pos++;
      let mode: '' | '/' | '#' | '%' = '';
      if ('/#%'.includes(s[this.pos])) mode = s[this.pos++] as '/' | '#' | '%';
      const ppos = this.pos;
      const pattern = { parts: this.readUnquoted((ch) => ch === '/' || ch === '}'), pos: ppos };
      let replacement: Word = { parts: [], pos: this.pos };
      if (s[this.pos] === '/') {
        this.pos++;
        replacement = operand();
      }
      return { type: 'replace', mode, pattern, replacement };
    }
    this.error('bad substitution', start);
  }

  /**
   * An arithmetic expression up to one of `ends` at bracket depth 0: treated like a
   * double-quoted string (only $ expansions are special). Consumes the terminator when
   * `consume` is set; returns which terminator ended it.
   */
  readArith(ends: string[], consume = true): { word: Word; end: string } {
    const s = this.src;
    const start = this.pos;
    const parts: WordPart[] = [];
    let lit = '';
    let depth = 0;
    for (;;) {
      if (this.pos >= s.length) this.error(`unexpected end of input: missing '${ends[ends.length - 1]}'`, start);
      const c = s[this.pos];
      if (depth === 0) {
        const end = ends.find((e) => s.startsWith(e, this.pos));
        if (end !== undefined) {
          if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
          if (consume) this.pos += end.length;
          return { word: { parts, pos: start }, end };
        }
      }
      if (c === '$') {
        const p = this.dollar();
        if (p) {
          if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
          lit = '';
          parts.push(p);
          continue;
        }
      }
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      if (depth < 0) this.error(`syntax error near unexpected token \`${c}'`);
      lit += c;
      this.pos++;
    }
  }

  /**
   * The operand of `=~`: bash reads it as one word in which ( ) and | are ordinary
   * characters, and blanks are allowed inside parentheses.
   */
  readRegexWord(): Word {
    this.skipBlanks();
    const pos = this.pos;
    let depth = 0;
    const parts = this.readUnquoted((c) => {
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) return true;
        depth--;
      } else if (depth === 0) return c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '<' || c === '>';
      return false;
    });
    if (!parts.length) this.error('unexpected argument to conditional binary operator: missing regular expression');
    return { parts, pos };
  }
}
