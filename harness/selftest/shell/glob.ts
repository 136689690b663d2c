/**
 * Shell patterns: `*`, `?`, `[...]` with a backslash quoting the next character. Used by
 * [[ x == pattern ]], ${x#pattern} and friends, and pathname expansion on VirtualFs.
 *
 * The expander marks quoted characters by escaping them with a backslash, so a quoted
 * `*` in "$dir"/* stays literal while the unquoted one matches.
 */
import type { VirtualFs } from './host.js';

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  word: '\\w',
};

/** POSIX bracket classes ([:alpha:] ...) as JS character-class contents; shared with regex.ts */
export function bracketClass(name: string): string | undefined {
  return CLASSES[name];
}

const escapeRe = (c: string) => (/[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c);

/** does the pattern contain an unquoted *, ? or a complete [...]? */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && bracketEnd(pattern, i) > 0) return true;
  }
  return false;
}

/** index of the `]` closing the bracket expression opened at i, or -1 */
function bracketEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      if (close > 0) j = close + 1;
    } else if (p[j] === ']') return j;
  }
  return -1;
}

/** the pattern as the source of a JS regular expression (unanchored) */
export function globSource(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 < p.length) out += escapeRe(p[++i]);
      else out += '\\\\';
    } else if (c === '*') {
      out += '[^]*';
      while (p[i + 1] === '*') i++;
    } else if (c === '?') out += '[^]';
    else if (c === '[' && bracketEnd(p, i) > 0) {
      const end = bracketEnd(p, i);
      out += bracketSource(p.slice(i + 1, end));
      i = end;
    } else out += escapeRe(c);
  }
  return out;
}

const escapeClassChar = (c: string) => (/[\\\]\[^-]/.test(c) ? `\\${c}` : c);

function bracketSource(body: string): string {
  let out = '[';
  let start = 0;
  if (body[0] === '!' || body[0] === '^') {
    out += '^';
    start = 1;
  }
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (c === '[' && body[i + 1] === ':') {
      const close = body.indexOf(':]', i + 2);
      const cls = close > 0 ? bracketClass(body.slice(i + 2, close)) : undefined;
      if (cls !== undefined) {
        out += cls;
        i = close + 1;
        continue;
      }
    }
    if (c === '\\' && i + 1 < body.length) out += escapeClassChar(body[++i]);
    // a - between two characters is a range; first or last it is itself
    else if (c === '-' && i > start && i < body.length - 1) out += '-';
    else out += escapeClassChar(c);
  }
  return `${out}]`;
}

const cache = new Map<string, RegExp>();

/** the whole string matches the pattern */
export function globMatch(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    if (cache.size > 500) cache.clear();
    re = new RegExp(`^(?:${globSource(pattern)})$`);
    cache.set(pattern, re);
  }
  return re.test(text);
}

/** remove the backslashes that quote characters in a pattern */
export function unescapeGlob(p: string): string {
  return p.replace(/\\([^])/g, '$1');
}

/**
 * Pathname expansion: the sorted paths matching the pattern, walking directories one
 * component at a time. Names starting with `.` need a pattern starting with `.`.
 * Relative patterns are resolved from `/`, the shell's working directory here.
 */
export function expandPathname(pattern: string, fs: VirtualFs): string[] {
  const absolute = pattern.startsWith('/');
  const dirOnly = pattern.endsWith('/');
  const comps = pattern.split('/').filter((c) => c !== '');
  let paths = [absolute ? '/' : ''];
  const join = (base: string, name: string) => (base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`);
  const fsPath = (p: string) => (p === '' ? '/' : p.startsWith('/') ? p : `/${p}`);
  for (const comp of comps) {
    const next: string[] = [];
    if (!hasGlob(comp)) {
      const name = unescapeGlob(comp);
      for (const base of paths) next.push(join(base, name));
    } else {
      const dots = comp.startsWith('.') || comp.startsWith('\\.');
      for (const base of paths) {
        const names = fs.readdir(fsPath(base));
        if (!names) continue;
        for (const name of names) {
          if (name === '.' || name === '..' || (name.startsWith('.') && !dots)) continue;
          if (globMatch(comp, name)) next.push(join(base, name));
        }
      }
    }
    paths = next;
    if (!paths.length) return [];
  }
  // names read from a directory exist; a literal last component still has to be checked
  const checked = !dirOnly && hasGlob(comps[comps.length - 1] ?? '');
  const found = checked
    ? paths
    : paths.filter((p) => {
        const st = fs.stat(fsPath(p));
        return st !== undefined && (!dirOnly || st.type === 'dir');
      });
  return found.map((p) => (dirOnly ? `${p}/` : p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
