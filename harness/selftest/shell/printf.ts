/**
 * echo and printf, the builtins that format output: backslash escapes (echo -e, printf's
 * format and %b), printf's conversions with flags, width and precision, and the format
 * reused while arguments remain. Each call writes its whole output at once: one write(2).
 */
import { parseInteger } from './arith.js';
import type { CommandIO } from './host.js';
import type { Shell } from './interpreter.js';

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** the widest field printf pads to: a megabyte, far beyond any step's need */
const MAX_FIELD = 1 << 20;

/**
 * Backslash escapes as echo -e and printf %b expand them (octal is \0NNN there); printf's
 * format string also takes \NNN and \" . `stop` is set by \c: no more output at all.
 */
export function expandEscapes(s: string, inFormat: boolean): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      text += c;
      continue;
    }
    const n = s[++i];
    if (SIMPLE_ESCAPES[n] !== undefined) text += SIMPLE_ESCAPES[n];
    else if (n === 'c' && !inFormat) return { text, stop: true };
    else if (n === '"' && inFormat) text += '"';
    else if (n === 'x' || n === 'u' || n === 'U') {
      const max = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(s.slice(i + 1));
      if (!m) text += `\\${n}`;
      else {
        text += String.fromCodePoint(parseInt(m[0], 16));
        i += m[0].length;
      }
    } else if (n >= '0' && n <= '7') {
      // echo -e / %b: \0 then up to three digits; a format string: up to three digits
      const from = !inFormat && n === '0' ? i + 1 : i;
      const m = /^[0-7]{0,3}/.exec(s.slice(from, from + 3))!;
      if (!inFormat && n !== '0') text += `\\${n}`;
      else {
        text += String.fromCharCode(parseInt(m[0] || '0', 8) & 255);
        i = from + m[0].length - 1;
      }
    } else text += `\\${n}`;
  }
  return { text, stop: false };
}

export function echo(_sh: Shell, argv: string[], io: CommandIO): number {
  let i = 1;
  let escapes = false;
  let newline = true;
  // only words made entirely of n, e, E are options, as in bash
  for (; i < argv.length && /^-[neE]+$/.test(argv[i]); i++) {
    for (const f of argv[i].slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const r = expandEscapes(text, false);
    text = r.text;
    if (r.stop) newline = false;
  }
  io.out(newline ? `${text}\n` : text);
  return 0;
}

/** printf FORMAT [ARGS]: the format is reused while arguments remain */
export function printf(sh: Shell, argv: string[], io: CommandIO): number {
  let args = argv.slice(1);
  let target: string | undefined;
  if (args[0] === '-v') {
    target = args[1];
    args = args.slice(2);
  }
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    io.err(`${sh.prefix()}printf: usage: printf [-v var] format [arguments]\n`);
    return 2;
  }
  const format = args[0];
  const rest = args.slice(1);
  let status = 0;
  let out = '';
  let next = 0;
  const arg = () => (next < rest.length ? rest[next++] : undefined);
  const number = (a: string | undefined): bigint => {
    if (a === undefined || a === '') return 0n;
    if (/^['"]/.test(a)) return BigInt(a.codePointAt(1) ?? 0);
    const v = parseInteger(a);
    if (v !== undefined) return v;
    io.err(`${sh.prefix()}printf: ${a}: invalid number\n`);
    status = 1;
    const lead = /^\s*[+-]?\d+/.exec(a);
    return lead ? BigInt(lead[0].trim()) : 0n;
  };
  const spec = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/y;
  let stop = false;
  do {
    const used = next;
    for (let i = 0; i < format.length && !stop; ) {
      const c = format[i];
      if (c === '\\') {
        const m = /^\\(?:[0-7]{1,3}|x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|.)?/s.exec(format.slice(i))!;
        out += expandEscapes(m[0], true).text;
        i += m[0].length;
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      spec.lastIndex = i;
      const m = spec.exec(format);
      if (!m) {
        io.err(`${sh.prefix()}printf: \`${format.slice(i + 1, i + 2)}': invalid format character\n`);
        return 1;
      }
      i = spec.lastIndex;
      const [, flags, w, p, conv] = m;
      if (conv === '%') {
        out += '%';
        continue;
      }
      const width = w === '*' ? Number(number(arg())) : w ? Number(w) : 0;
      const precision = p === undefined ? undefined : p === '*' ? Number(number(arg())) : Number(p || 0);
      if (Math.abs(width) > MAX_FIELD || Math.abs(precision ?? 0) > MAX_FIELD) {
        // bash would print hundreds of megabytes; no step needs that
        io.err(`${sh.prefix()}printf: ${m[0]}: field width or precision over the step shell's limit (${MAX_FIELD})\n`);
        return 1;
      }
      let s: string;
      switch (conv) {
        case 's':
          s = arg() ?? '';
          if (precision !== undefined) s = s.slice(0, precision);
          break;
        case 'b': {
          const r = expandEscapes(arg() ?? '', false);
          s = r.text;
          stop = r.stop;
          break;
        }
        case 'c':
          s = (arg() ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
          const v = number(arg());
          const radix = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
          const neg = v < 0n && radix === 10;
          let digits = (radix === 10 ? (neg ? -v : v) : BigInt.asUintN(64, v)).toString(radix);
          if (conv === 'X') digits = digits.toUpperCase();
          if (precision !== undefined) digits = digits.padStart(precision, '0');
          if (flags.includes('#') && v !== 0n && radix !== 10) digits = (radix === 16 ? (conv === 'X' ? '0X' : '0x') : '0') + digits;
          const sign = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
          s = pad(sign, digits, width, flags, precision === undefined);
          out += s;
          continue;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
          const a = arg();
          const v = a === undefined || a === '' ? 0 : Number(a);
          if (Number.isNaN(v)) {
            io.err(`${sh.prefix()}printf: ${a}: invalid number\n`);
            status = 1;
          }
          const prec = precision ?? 6;
          const n = Math.abs(Number.isNaN(v) ? 0 : v);
          let digits = conv === 'f' || conv === 'F' ? n.toFixed(prec) : conv === 'e' || conv === 'E' ? n.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2') : String(Number(n.toPrecision(prec || 1)));
          if (conv === 'E' || conv === 'G') digits = digits.toUpperCase();
          const sign = v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
          out += pad(sign, digits, width, flags, true);
          continue;
        }
        default:
          io.err(`${sh.prefix()}printf: \`${conv}': invalid format character\n`);
          return 1;
      }
      out += flags.includes('-') ? s.padEnd(width) : s.padStart(width);
    }
    if (next === used) break;
  } while (next < rest.length && !stop);
  if (target !== undefined) sh.setVar(target, out);
  else if (out) io.out(out);
  return status;
}

/** a number padded to `width`: left-justified with -, zero-filled with 0 */
function pad(sign: string, digits: string, width: number, flags: string, zeroOk: boolean): string {
  if (flags.includes('-')) return (sign + digits).padEnd(width);
  if (flags.includes('0') && zeroOk) return sign + digits.padStart(width - sign.length, '0');
  return (sign + digits).padStart(width);
}
