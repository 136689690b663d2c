/**
 * Word expansion: parameters, command substitution and arithmetic, then (for command
 * arguments) field splitting on blanks and pathname expansion.
 *
 * Expansion first produces pieces of text that remember whether they were quoted; field
 * splitting and globbing only ever look at unquoted pieces. A `null` piece is a hard field
 * boundary, which is how "${arr[@]}" yields one field per element.
 */
import type { List, ParamPart, Word, WordPart } from './ast.js';
import { BraceLimitError, expandBraces, MAX_BRACE_WORDS } from './brace.js';
import { expandPathname, globMatch, globSource, hasGlob } from './glob.js';
import type { VirtualFs } from './host.js';
import { quoteEre } from './regex.js';
import { stripTrailingNewlines } from './trailing_newlines.js';

/** what expansion needs from the shell */
export interface ExpandHost {
  readonly fs: VirtualFs;
  /** $name: undefined when unset; an array gives its element 0 */
  value(name: string): string | undefined;
  /** ${name[@]}, and "$@" for name '@' or '*': the elements in index order */
  elements(name: string): string[];
  /** ${name[index]} */
  element(name: string, index: bigint): string | undefined;
  /** ${name:=word} */
  assign(name: string, value: string): void;
  /** $(...): the output of the list run in a subshell */
  commandSubst(body: List): string;
  arith(expr: string): bigint;
  /** print `message` as the shell's error and abandon the command line */
  fail(message: string): never;
  /** print `message` as the shell's error and end the script (ShellExit) */
  exit(message: string, status: number): never;
}

type Piece = { text: string; quoted: boolean } | null;

/** the default IFS: space, tab, newline */
const isIfs = (c: number) => c === 32 || c === 9 || c === 10;
/** what makes an unquoted field a glob pattern */
const GLOB_CHARS = /[*?[]/;

const escapeGlob = (s: string) => s.replace(/[\\*?[\]]/g, '\\$&');

/** what makes an unquoted literal need field splitting or globbing; and brace expansion */
const UNPLAIN = /[\s*?[]/;
const UNPLAIN_OR_BRACES = /[\s*?[{]/;

/** a word of one literal part that `special` finds nothing in (or quoted): its text as it stands */
function plainText(w: Word, special: RegExp): string | undefined {
  const only = w.parts.length === 1 ? w.parts[0] : undefined;
  return only?.kind === 'lit' && (only.quoted || !special.test(only.text)) ? only.text : undefined;
}

export class Expander {
  /** set while expanding double-quoted parts when a "${a[@]}" was seen, even an empty one */
  private sawAt = false;

  constructor(private readonly h: ExpandHost) {}

  // The loops of the expansion run for every word of every command: they index their arrays
  // rather than use for...of, whose iterator objects the interpreter V8 runs a short command
  // in (harness/jit.ts) allocates on every turn.

  /** command arguments: every word brace-expanded, split into fields and globbed */
  words(words: Word[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      // the common case, a plain word (and no braces), needs none of the machinery
      const plain = plainText(word, UNPLAIN_OR_BRACES);
      if (plain !== undefined) {
        out.push(plain);
        continue;
      }
      const braced = this.braces(word);
      for (let j = 0; j < braced.length; j++) {
        const w = braced[j];
        const text = plainText(w, UNPLAIN);
        if (text !== undefined) out.push(text);
        else this.fields(w, out);
      }
    }
    return out;
  }

  /** brace expansion of a word's unquoted literal text, before any other expansion */
  private braces(w: Word): Word[] {
    if (!w.parts.some((p) => p.kind === 'lit' && !p.quoted && p.text.includes('{'))) return [w];
    let words: WordPart[][] = [[]];
    try {
      for (const p of w.parts) {
        const alternatives = p.kind === 'lit' && !p.quoted ? expandBraces(p.text) : [undefined];
        if (words.length * alternatives.length > MAX_BRACE_WORDS) throw new BraceLimitError(`brace expansion: more than ${MAX_BRACE_WORDS} words`);
        words = words.flatMap((parts) => alternatives.map((text) => [...parts, text === undefined ? p : { ...p, text }]));
      }
    } catch (e) {
      if (e instanceof BraceLimitError) this.h.fail(e.message);
      throw e;
    }
    return words.map((parts) => ({ ...w, parts }));
  }

  /** assignment values, [[ ]] operands, redirection targets: one string, no splitting */
  string(word: Word): string {
    let s = '';
    const pieces = this.pieces(word.parts);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      s += p === null ? ' ' : p.text;
    }
    return s;
  }

  /** a glob pattern in which quoted characters are escaped */
  pattern(word: Word): string {
    let s = '';
    const pieces = this.pieces(word.parts);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      s += p === null ? ' ' : p.quoted ? escapeGlob(p.text) : p.text;
    }
    return s;
  }

  /** an extended regular expression in which quoted characters are literal */
  regex(word: Word): string {
    let s = '';
    const pieces = this.pieces(word.parts);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      s += p === null ? ' ' : p.quoted ? quoteEre(p.text) : p.text;
    }
    return s;
  }

  private fields(word: Word, out: string[]): void {
    let text = '';
    let pattern = '';
    let glob = false;
    let started = false;
    const push = () => {
      const matches = glob && hasGlob(pattern) ? expandPathname(pattern, this.h.fs) : [];
      if (matches.length) out.push(...matches);
      else out.push(text);
      text = pattern = '';
      glob = started = false;
    };
    const pieces = this.pieces(word.parts);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (p === null) {
        push();
        started = true;
      } else if (p.quoted) {
        started = true;
        text += p.text;
        pattern += escapeGlob(p.text);
      } else {
        // split at IFS characters, taking the text between them whole
        const t = p.text;
        for (let j = 0; j < t.length; ) {
          if (isIfs(t.charCodeAt(j))) {
            if (started) push();
            j++;
            continue;
          }
          let end = j + 1;
          while (end < t.length && !isIfs(t.charCodeAt(end))) end++;
          const run = t.slice(j, end);
          started = true;
          text += run;
          pattern += run;
          if (GLOB_CHARS.test(run)) glob = true;
          j = end;
        }
      }
    }
    if (started) push();
  }

  private pieces(parts: WordPart[], inDq = false, out: Piece[] = []): Piece[] {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      switch (part.kind) {
        case 'lit':
          out.push({ text: part.text, quoted: part.quoted || inDq });
          break;
        case 'dq': {
          const before = out.length;
          const saw = this.sawAt;
          this.sawAt = false;
          this.pieces(part.parts, true, out);
          // "" is an empty field; "${empty[@]}" is no field at all
          if (out.length === before && !this.sawAt) out.push({ text: '', quoted: true });
          this.sawAt = saw;
          break;
        }
        case 'param':
          this.param(part, inDq, out);
          break;
        case 'cmdsub':
          out.push({ text: stripTrailingNewlines(this.h.commandSubst(part.body)), quoted: inDq });
          break;
        case 'arith':
          out.push({ text: String(this.h.arith(this.string(part.expr))), quoted: inDq });
          break;
      }
    }
    return out;
  }

  private param(p: ParamPart, inDq: boolean, out: Piece[]): void {
    const multi = p.index === '@' || p.index === '*' || ((p.name === '@' || p.name === '*') && p.index === undefined);
    const star = p.index === '*' || (p.name === '*' && p.index === undefined);
    let value: string | string[] | undefined = multi ? this.h.elements(p.name) : this.scalar(p);
    const op = p.op;
    if (op?.type === 'length') {
      value = String(Array.isArray(value) ? value.length : (value ?? '').length);
    } else if (op?.type === 'substr') {
      value = this.substr(p, value, op.offset, op.length);
    } else if (op?.type === 'default') {
      const unset = Array.isArray(value) ? value.length === 0 : value === undefined;
      const empty = unset || (Array.isArray(value) ? value.join('') === '' : value === '');
      const missing = op.op.startsWith(':') ? empty : unset;
      switch (op.op.replace(':', '')) {
        case '-':
          if (missing) return void this.pieces(op.word.parts, inDq, out);
          break;
        case '+':
          if (!missing) return void this.pieces(op.word.parts, inDq, out);
          value = '';
          break;
        case '=':
          if (missing) {
            value = this.string(op.word);
            this.h.assign(p.name, value);
          }
          break;
        case '?':
          // a non-interactive bash exits here (with status 127, as bash 5.2 does)
          if (missing) this.h.exit(`${p.name}: ${this.string(op.word) || 'parameter null or not set'}`, 127);
          break;
      }
    } else if (op?.type === 'trim') {
      const pat = this.pattern(op.word);
      value = Array.isArray(value) ? value.map((v) => trim(v, pat, op.op)) : trim(value ?? '', pat, op.op);
    } else if (op?.type === 'replace') {
      const pat = this.pattern(op.pattern);
      const rep = this.string(op.replacement);
      value = Array.isArray(value) ? value.map((v) => replace(v, pat, rep, op.mode)) : replace(value ?? '', pat, rep, op.mode);
    }
    if (!Array.isArray(value)) {
      out.push({ text: value ?? '', quoted: inDq });
    } else if (inDq && !star) {
      this.sawAt = true;
      value.forEach((v, i) => {
        if (i) out.push(null);
        out.push({ text: v, quoted: true });
      });
    } else if (value.length) {
      out.push({ text: value.join(' '), quoted: inDq });
    }
  }

  private scalar(p: ParamPart): string | undefined {
    if (p.index === undefined || p.index === '@' || p.index === '*') return this.h.value(p.name);
    return this.h.element(p.name, this.h.arith(this.string(p.index)));
  }

  /** ${x:offset:length}: characters of a string, or elements of an array / "$@" */
  private substr(p: ParamPart, value: string | string[] | undefined, offsetWord: Word, lengthWord?: Word): string | string[] {
    // "${@:n}" counts $0 as element 0
    const list = Array.isArray(value) ? (p.name === '@' || p.name === '*' ? [this.h.value('0') ?? '', ...value] : value) : undefined;
    const whole = list ?? value ?? '';
    const n = whole.length;
    let offset = Number(this.h.arith(this.string(offsetWord)));
    if (offset < 0) offset += n;
    if (offset < 0 || offset > n) return list ? [] : '';
    let end = n;
    if (lengthWord) {
      const len = Number(this.h.arith(this.string(lengthWord)));
      end = len < 0 ? n + len : offset + len;
      if (end < offset) {
        if (len < 0) this.h.fail(`${len}: substring expression < 0`);
        end = offset;
      }
    }
    return whole.slice(offset, end);
  }
}

/** ${v#pat} ${v##pat} ${v%pat} ${v%%pat}: shortest or longest prefix or suffix match removed */
function trim(v: string, pat: string, op: string): string {
  const n = v.length;
  if (op === '#') for (let i = 0; i <= n; i++) if (globMatch(pat, v.slice(0, i))) return v.slice(i);
  if (op === '##') for (let i = n; i >= 0; i--) if (globMatch(pat, v.slice(0, i))) return v.slice(i);
  if (op === '%') for (let i = n; i >= 0; i--) if (globMatch(pat, v.slice(i))) return v.slice(0, i);
  if (op === '%%') for (let i = 0; i <= n; i++) if (globMatch(pat, v.slice(i))) return v.slice(0, i);
  return v;
}

/** ${v/pat/rep}, ${v//pat/rep}, ${v/#pat/rep}, ${v/%pat/rep} */
function replace(v: string, pat: string, rep: string, mode: '' | '/' | '#' | '%'): string {
  if (pat === '') return v;
  const src = globSource(pat);
  const re = new RegExp(mode === '#' ? `^(?:${src})` : mode === '%' ? `(?:${src})$` : src, mode === '/' ? 'g' : '');
  return v.replace(re, (m) => (m === '' ? m : rep));
}
