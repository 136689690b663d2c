/**
 * lib/kstrtox.c: the kernel's strict string-to-number conversions. Sysfs stores and module
 * parameters accept exactly what these accept, so `echo 10 > enabled` means true and
 * `echo " 1"` is -EINVAL.
 */
import { EINVAL, ERANGE } from './errno.js';

/** kstrtobool(): looks at the first one or two characters only */
export function kstrtobool(s: string): boolean | number {
  switch (s[0]) {
    case 'y': case 'Y': case 't': case 'T': case '1':
      return true;
    case 'n': case 'N': case 'f': case 'F': case '0':
      return false;
    case 'o': case 'O':
      switch (s[1]) {
        case 'n': case 'N':
          return true;
        case 'f': case 'F':
          return false;
      }
      break;
  }
  return -EINVAL;
}

/** _kstrtoull(): base 0 detects 0x and 0 prefixes; one trailing newline is allowed */
function kstrtoull(s: string, base: number): bigint | number {
  let i = 0;
  if (base === 0) {
    if (s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && /[0-9a-fA-F]/.test(s[2] ?? '')) {
      base = 16;
      i = 2;
    } else if (s[0] === '0') base = 8;
    else base = 10;
  } else if (base === 16 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X')) i = 2;
  let value = 0n;
  const start = i;
  for (; i < s.length; i++) {
    const d = parseInt(s[i], 36);
    if (Number.isNaN(d) || d >= base) break;
    value = value * BigInt(base) + BigInt(d);
    if (value > 0xffffffffffffffffn) return -ERANGE;
  }
  if (i === start) return -EINVAL;
  if (s[i] === '\n') i++;
  if (i !== s.length) return -EINVAL;
  return value;
}

function kstrtoll(s: string, base: number): bigint | number {
  if (s[0] === '-') {
    const v = kstrtoull(s.slice(1), base);
    if (typeof v === 'number') return v;
    if (v > 0x8000000000000000n) return -ERANGE;
    return -v;
  }
  const v = kstrtoull(s[0] === '+' ? s.slice(1) : s, base);
  if (typeof v === 'number') return v;
  if (v > 0x7fffffffffffffffn) return -ERANGE;
  return v;
}

export interface IntResult {
  ok: boolean;
  value: number;
  err: number;
}

/** kstrtoint(): {ok, value} or {ok:false, err} */
export function kstrtoint(s: string, base = 0): IntResult {
  const v = kstrtoll(s, base);
  if (typeof v === 'number') return { ok: false, value: 0, err: v };
  if (v < -0x80000000n || v > 0x7fffffffn) return { ok: false, value: 0, err: -ERANGE };
  return { ok: true, value: Number(v), err: 0 };
}
