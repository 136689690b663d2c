/**
 * Dynamic debug: which pr_debug() callsites print.
 *
 * Callsites are declared where the kernel code that owns them lives (the livepatch
 * transition code declares its four pr_debug sites, ...). Writes to
 * /sys/kernel/debug/dynamic_debug/control are matched against them with the kernel's
 * query keywords, so `file kernel/livepatch/* +p` followed by
 * `func klp_try_switch_task -p` leaves exactly the selftests' set enabled.
 */
import { EINVAL } from './errno.js';

export interface DebugSite {
  module: string;
  /** source file relative to the kernel tree, e.g. kernel/livepatch/transition.c */
  file: string;
  func: string;
  line: number;
  format: string;
}

interface Query {
  module?: string;
  file?: string;
  func?: string;
  format?: string;
  line?: [number, number];
}

/**
 * The kernel's glob, as lib/parser.c's match_wildcard() walks it: only * and ? are special,
 * and a mismatch after a star retries from one character further on. Every dynamic debug
 * query matches it against every call site, so it allocates nothing.
 */
export function match_wildcard(pattern: string, text: string): boolean {
  let s = 0;
  let p = 0;
  let str = 0;
  let pat = 0;
  let star = false;
  while (s < text.length) {
    const c = pattern[p];
    if (c === '?') {
      s++;
      p++;
    } else if (c === '*') {
      star = true;
      str = s;
      if (++p === pattern.length) return true;
      pat = p;
    } else if (c === text[s]) {
      s++;
      p++;
    } else {
      if (!star) return false;
      s = ++str;
      p = pat;
    }
  }
  if (pattern[p] === '*') p++;
  return p === pattern.length;
}

export class DynamicDebug {
  private readonly sites: DebugSite[] = [];
  private readonly enabled = new Set<DebugSite>();

  register(site: DebugSite): DebugSite {
    this.sites.push(site);
    return site;
  }

  isEnabled(site: DebugSite): boolean {
    return this.enabled.has(site);
  }

  /** one write to the control file; may hold several queries separated by ';' or newlines */
  control(text: string): number {
    for (const q of text.split(/[;\n]/)) {
      const words = q.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) continue;
      const err = this.applyQuery(words);
      if (err) return err;
    }
    return 0;
  }

  private applyQuery(words: string[]): number {
    const flags = words.pop()!;
    const fm = /^([+\-=])([pflmt_]*)$/.exec(flags);
    if (!fm || words.length % 2 !== 0) return -EINVAL;
    const q: Query = {};
    for (let i = 0; i < words.length; i += 2) {
      const [key, val] = [words[i], words[i + 1]];
      if (key === 'module' || key === 'file' || key === 'func' || key === 'format') q[key] = val;
      else if (key === 'line') {
        const [a, b] = val.split('-');
        q.line = [Number(a || 0), Number(b ?? a) || Number.MAX_SAFE_INTEGER];
      } else return -EINVAL;
    }
    const op = fm[1];
    const p = fm[2].includes('p');
    for (const s of this.sites) {
      if (q.module && !match_wildcard(q.module, s.module)) continue;
      if (q.file && !match_wildcard(q.file, s.file) && !match_wildcard(q.file, s.file.split('/').pop()!)) continue;
      if (q.func && !match_wildcard(q.func, s.func)) continue;
      if (q.format && !s.format.includes(q.format)) continue;
      if (q.line && (s.line < q.line[0] || s.line > q.line[1])) continue;
      if (op === '+' ? p : op === '=' ? p : false) this.enabled.add(s);
      else if (op === '-' ? p : op === '=') this.enabled.delete(s);
    }
    return 0;
  }

  /** the control file as `cat` shows it */
  show(): string {
    const lines = ['# filename:lineno [module]function flags format'];
    for (const s of this.sites) {
      const fmt = s.format.replace(/\n/g, '\\n');
      lines.push(`${s.file}:${s.line} [${s.module}]${s.func} =${this.enabled.has(s) ? 'p' : '_'} "${fmt}"`);
    }
    return lines.join('\n') + '\n';
  }
}
