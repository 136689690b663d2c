/**
 * Module parameters (kernel/params.c): typed values set from the insmod command line and,
 * when the permission allows, through /sys/module/<mod>/parameters/<name>.
 */
import { EINVAL, ENOSPC } from './errno.js';
import { kstrtobool, kstrtoint, kstrtouint } from './kstrtox.js';

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

export const param_ops_uint: KernelParamOps<number> = {
  set(val) {
    if (val === undefined) return -EINVAL;
    const r = kstrtouint(val, 0);
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

export const param_ops_charp: KernelParamOps<string | null> = {
  set(val) {
    if (val === undefined) return -EINVAL;
    if (val.length > 1024) return -ENOSPC;
    return { value: val };
  },
  get: (v) => `${v ?? '(null)'}\n`,
};

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
 * parse_args(): split "a=1 b=x" the way the kernel does (quotes group, `-` and `_` are the
 * same in names), calling `handle` for each; stops at the first error.
 */
export function splitModuleArgs(args: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  const re = /\s*((?:"[^"]*"|[^\s"])+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args))) {
    const word = m[1].replace(/"/g, '');
    const eq = word.indexOf('=');
    if (eq < 0) out.push([word, undefined]);
    else out.push([word.slice(0, eq), word.slice(eq + 1)]);
  }
  return out;
}

export function paramNameEq(a: string, b: string): boolean {
  return a.replace(/-/g, '_') === b.replace(/-/g, '_');
}
