/**
 * Kernel and module functions, and the symbol table that finds them.
 *
 * A KFunc is a piece of code with a name and an owner (vmlinux or a module). Its object
 * identity plays the role of its address range: the livepatch stack check compares the
 * frames on a task's stack with KFunc identities.
 */

export type KFuncImpl = (...args: any[]) => any;

export class KFunc {
  constructor(
    readonly name: string,
    /** "vmlinux" or the owning module's name */
    readonly owner: string,
    readonly impl: KFuncImpl,
    /** symbol size as kallsyms reports it; 0 means unknown (lookup fails) */
    readonly size = 0x80,
  ) {}

  toString(): string {
    return `${this.name} [${this.owner}]`;
  }
}

export class Kallsyms {
  /** symbols per object, in link order (sympos counts occurrences in this order) */
  private readonly objects = new Map<string, KFunc[]>();

  add(fn: KFunc): KFunc {
    let list = this.objects.get(fn.owner);
    if (!list) this.objects.set(fn.owner, (list = []));
    list.push(fn);
    return fn;
  }

  removeObject(owner: string): void {
    this.objects.delete(owner);
  }

  /** every symbol of one object called `name`, in order */
  lookupAll(owner: string, name: string): KFunc[] {
    return (this.objects.get(owner) ?? []).filter((f) => f.name === name);
  }

  /** the first symbol with that name anywhere (vmlinux first, then modules) */
  lookupName(name: string): KFunc | undefined {
    for (const list of this.objects.values()) {
      const f = list.find((x) => x.name === name);
      if (f) return f;
    }
    return undefined;
  }

  /** /proc/kallsyms: address, type, name and [module]; addresses are made up but stable */
  show(): string {
    let out = '';
    let addr = 0xffffffff81000000n;
    for (const [owner, list] of this.objects) {
      for (const f of list) {
        out += `${addr.toString(16)} t ${f.name}${owner === 'vmlinux' ? '' : `\t[${owner}]`}\n`;
        addr += BigInt(f.size || 0x10);
      }
    }
    return out;
  }

  /** `grep -q sym /proc/kallsyms` */
  has(name: string): boolean {
    return this.lookupName(name) !== undefined;
  }
}
