/**
 * Module parameters (kernel/params.c): typed values set from the insmod command line and,
 * when the permission allows, through /sys/module/<mod>/parameters/<name>.
 */
import { EINVAL } from './errno.js';
import { kstrtobool, kstrtoint } from './kstrtox.js';

export interface KernelParamOps<T> {
  /** parse a value; a negative errno on failure */
  set(val: string | undefined, current: T): { value: T } | number;
  /** the sysfs representation, newline included */
  get(value: T): string;
}

export class KernelParam<T = unknown> {
  constructor(
    readonly name: string,
    public value: T,
    readonly perm: number,
    readonly ops: KernelParamOps<T>,
    readonly description?: string,
    /** for arrays: where the element count goes (module_param_array's nump) */
    readonly onCount?: (n: number) => void,
  ) {}

  /** param ops ->set(): updates the value on success, returns 0 or a negative errno */
  set(val: string | undefined): number {
    const r = this.ops.set(val, this.value);
    if (typeof r === 'number') return r;
    this.value = r.value;
    return 0;
  }

  get(): string {
    return this.ops.get(this.value);
  }
}

export const param_ops_int: KernelParamOps<number> = {
  set(val) {
    if (val === undefined) return -EINVAL;
    const r = kstrtoint(val, 0);
    return r.ok ? { value: r.value } : r.err;
  },
  get: (v) => `${v}\n`,
};

export const param_ops_bool: KernelParamOps<boolean> = {
  // "No equals means set": `insmod m.ko flag` is flag=1
  set(val) {
    const r = kstrtobool(val ?? '1');
    return typeof r === 'number' ? r : { value: r };
  },
  get: (v) => `${v ? 'Y' : 'N'}\n`,
};

/** param_set_charp() prints why it refuses a long string (through the caller's log) */
/** module_param_array(name, int, &count, perm): "1,2,3" up to `max` elements */
export function param_array_int(max: number, log: (msg: string) => void, name: string): KernelParamOps<number[]> {
  return {
    set(val) {
      if (val === undefined) return -EINVAL;
      const parts = val.split(',');
      if (parts.length > max) {
        log(`${name}: can only take ${max} arguments\n`);
        return -EINVAL;
      }
      const out: number[] = [];
      for (const p of parts) {
        const r = kstrtoint(p, 0);
        if (!r.ok) return r.err;
        out.push(r.value);
      }
      return { value: out };
    },
    get: (v) => `${v.join(',')}\n`,
  };
}

/**
 * next_arg() (lib/cmdline.c): one "param[=val]" off the front of the argument string. A
 * leading quote groups the word; quotes inside toggle grouping; a value's own leading
 * quote and the word's trailing quote are dropped; the first '=' after the start splits.
 */
export function next_arg(args: string): { param: string; val: string | undefined; rest: string } {
  let start = 0;
  let in_quote = false;
  let quoted = false;
  if (args[0] === '"') {
    start = 1;
    in_quote = true;
    quoted = true;
  }
  const a = args.slice(start);
  let i = 0;
  let equals = 0;
  for (; i < a.length; i++) {
    if (/\s/.test(a[i]) && !in_quote) break;
    if (equals === 0 && a[i] === '=') equals = i;
    if (a[i] === '"') in_quote = !in_quote;
  }
  let word = a.slice(0, i);
  const rest = a.slice(i + 1 <= a.length ? i + 1 : i).replace(/^\s+/, '');
  let param: string;
  let val: string | undefined;
  // the word's closing quote goes (for a quoted value or a quoted word alike)
  const closing = (quoted || (equals && word[equals + 1] === '"')) && i > 0 && word.endsWith('"');
  if (!equals) {
    if (closing) word = word.slice(0, -1);
    param = word;
  } else {
    param = word.slice(0, equals);
    val = word.slice(equals + 1);
    if (val.startsWith('"')) val = val.slice(1);
    if (closing && val.endsWith('"')) val = val.slice(0, -1);
  }
  return { param, val, rest };
}

export function paramNameEq(a: string, b: string): boolean {
  return a.replace(/-/g, '_') === b.replace(/-/g, '_');
}
