/**
 * grep as GNU grep 3 behaves: basic regular expressions by default (-E extended, -F fixed
 * strings), -q stopping at the first selected line, exit 0 when a line was selected, 1 when
 * none, 2 on an error. Output is gathered and written once.
 */
import type { CommandIO, ShellHost } from './host.js';
import { getopt, lines, readInput, UsageError } from './getopt.js';
import { posixToJs, RegexError } from './regex.js';

export function grep(argv: string[], io: CommandIO, host: ShellHost): number {
  const o = getopt('grep', argv.slice(1), 'qvcFwxEGinslLhHo', 'em', {
    quiet: 'q', silent: 'q', 'invert-match': 'v', count: 'c', 'fixed-strings': 'F', 'word-regexp': 'w', 'line-regexp': 'x',
    'extended-regexp': 'E', 'basic-regexp': 'G', 'ignore-case': 'i', 'line-number': 'n', 'no-messages': 's',
    'files-with-matches': 'l', 'files-without-match': 'L', 'no-filename': 'h', 'with-filename': 'H', 'only-matching': 'o',
    regexp: 'e', 'max-count': 'm',
  });
  const f = o.flags;
  const patterns = o.values.get('e') ?? (o.operands.length ? [o.operands.shift()!] : undefined);
  if (!patterns) throw new UsageError('Usage: grep [OPTION]... PATTERNS [FILE]...');
  const sources: string[] = [];
  for (const p of patterns.flatMap((x) => x.split('\n'))) {
    if (f.has('F')) sources.push(p.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
    else {
      try {
        sources.push(posixToJs(p, f.has('E')));
      } catch (e) {
        if (!(e instanceof RegexError)) throw e;
        io.err(`grep: ${e.message}\n`);
        return 2;
      }
    }
  }
  let src = sources.map((s) => `(?:${s})`).join('|');
  if (f.has('x')) src = `^(?:${src})$`;
  else if (f.has('w')) src = `(?<!\\w)(?:${src})(?!\\w)`;
  let re: RegExp;
  let all: RegExp;
  try {
    re = new RegExp(src, f.has('i') ? 'i' : '');
    all = new RegExp(src, f.has('i') ? 'gi' : 'g');
  } catch {
    io.err('grep: Invalid regular expression\n');
    return 2;
  }
  const max = o.values.has('m') ? Number(o.values.get('m')!.at(-1)) : Infinity;
  const files = o.operands.length ? o.operands : ['-'];
  const named = f.has('H') || (files.length > 1 && !f.has('h'));
  let out = '';
  let selected = false;
  let error = false;
  for (const file of files) {
    const text = readInput('grep', file, io, host, f.has('s'));
    if (text === undefined) {
      error = true;
      continue;
    }
    const name = file === '-' ? '(standard input)' : file;
    const prefix = named ? `${name}:` : '';
    let count = 0;
    const ls = lines(text);
    for (let i = 0; i < ls.length && count < max; i++) {
      if (re.test(ls[i]) === f.has('v')) continue;
      count++;
      selected = true;
      // like GNU grep, -q stops at the first selected line
      if (f.has('q')) return 0;
      if (f.has('c') || f.has('l') || f.has('L')) continue;
      const num = f.has('n') ? `${i + 1}:` : '';
      if (f.has('o') && !f.has('v')) {
        for (const m of ls[i].matchAll(all)) if (m[0]) out += `${prefix}${num}${m[0]}\n`;
      } else out += `${prefix}${num}${ls[i]}\n`;
    }
    if (f.has('c')) out += `${prefix}${count}\n`;
    if (f.has('l') && count) out += `${name}\n`;
    if (f.has('L') && !count) out += `${name}\n`;
  }
  if (out) io.out(out);
  if (error) return 2;
  return selected ? 0 : 1;
}
