/**
 * POSIX regular expressions (GNU flavour) translated to JS RegExp source, for grep and
 * [[ =~ ]]. In a basic RE (grep's default) \( \) \| \{ \} \+ \? are the operators and the
 * bare characters are literals; in an extended RE it is the other way round. Bracket
 * expressions follow POSIX: a backslash inside [...] is an ordinary character.
 */
import { bracketClass } from './glob.js';

/** a pattern grep or regcomp would reject; the message is GNU's */
export class RegexError extends Error {}

const JS_SPECIAL = /[\\^$.*+?()[\]{}|/]/;
const lit = (c: string) => (JS_SPECIAL.test(c) ? `\\${c}` : c);
const INTERVAL = /^(\d*)(,(\d*))?$/;

export function posixToJs(p: string, extended: boolean): string {
  let out = '';
  let depth = 0;
  /** where `*` is literal and `^` an anchor: the start, after ( or | */
  let atStart = true;
  let i = 0;
  const interval = (body: string) => {
    const m = INTERVAL.exec(body);
    if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
    return `{${m[1] || '0'}${m[2] ?? ''}}`;
  };
  while (i < p.length) {
    const c = p[i];
    let start = false;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throw new RegexError('Trailing backslash');
      i += 2;
      if (!extended && n === '(') {
        out += '(';
        depth++;
        start = true;
      } else if (!extended && n === ')') {
        if (!depth) throw new RegexError('Unmatched ) or \\)');
        out += ')';
        depth--;
      } else if (!extended && n === '|') {
        out += '|';
        start = true;
      } else if (!extended && n === '{') {
        const close = p.indexOf('\\}', i);
        const q = close < 0 ? undefined : interval(p.slice(i, close));
        if (!q) throw new RegexError('Unmatched \\{');
        out += atStart ? lit('{') : q;
        i = close + 2;
      } else if (!extended && (n === '+' || n === '?')) out += atStart ? lit(n) : n;
      else if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else if ('bBwWsS'.includes(n)) out += `\\${n}`;
      else if (n >= '1' && n <= '9') out += `\\${n}`;
      else out += lit(n);
    } else if (c === '[') {
      const { source, end } = bracket(p, i);
      out += source;
      i = end;
    } else {
      i++;
      if (c === '*') out += atStart ? '\\*' : '*';
      else if (c === '^') {
        if (extended || atStart) {
          out += '^';
          start = true;
        } else out += '\\^';
      } else if (c === '$') {
        const anchor = extended || i === p.length || p.startsWith('\\)', i) || p.startsWith('\\|', i);
        out += anchor ? '$' : '\\$';
      } else if (extended && c === '(') {
        out += '(';
        depth++;
        start = true;
      } else if (extended && c === ')') {
        if (depth) {
          out += ')';
          depth--;
        } else out += '\\)';
      } else if (extended && c === '|') {
        out += '|';
        start = true;
      } else if (extended && (c === '+' || c === '?')) out += atStart ? lit(c) : c;
      else if (extended && c === '{') {
        const close = p.indexOf('}', i);
        const q = close < 0 || atStart ? undefined : interval(p.slice(i, close));
        if (q) {
          out += q;
          i = close + 1;
        } else out += '\\{';
      } else out += c === '.' ? '.' : lit(c);
    }
    atStart = start;
  }
  if (depth) throw new RegexError('Unmatched ( or \\(');
  return out;
}

/** a POSIX bracket expression starting at p[i] as a JS class; end is the index after `]` */
function bracket(p: string, i: number): { source: string; end: number } {
  let j = i + 1;
  let out = '[';
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  const first = j;
  for (; j < p.length; j++) {
    const c = p[j];
    if (c === ']' && j > first) return { source: `${out}]`, end: j + 1 };
    if (c === '[' && (p[j + 1] === ':' || p[j + 1] === '.' || p[j + 1] === '=')) {
      const kind = p[j + 1];
      const close = p.indexOf(`${kind}]`, j + 2);
      if (close < 0) break;
      const name = p.slice(j + 2, close);
      if (kind === ':') {
        const cls = bracketClass(name);
        if (cls === undefined) throw new RegexError('Invalid character class name');
        out += cls;
      } else out += name.replace(/[\\\]\[^-]/g, '\\$&');
      j = close + 1;
      continue;
    }
    if (c === '-' && j > first && p[j + 1] !== ']') out += '-';
    else out += /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
  }
  throw new RegexError('Unmatched [, [^, [:, [., or [=');
}

/** quote every character that is special in an extended RE (for quoted parts of =~) */
export function quoteEre(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
