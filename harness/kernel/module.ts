/**
 * The module loader (kernel/module/main.c): load_module(), do_init_module() and
 * delete_module(), in the kernel's order, with the hooks the livepatch core relies on.
 *
 * Order inside load_module that shapes the log: taint lines, then the module is COMING and
 * klp_module_coming() runs, then the COMING notifiers, then the parameters are parsed (a
 * bad value now unwinds through GOING and klp_module_going), then /sys/module/<m>
 * appears, then init runs.
 */
import { EBUSY, EEXIST, EINVAL, ENOENT, ENOSPC, EWOULDBLOCK } from './errno.js';
import type { Kernel } from './kernel.js';
import { KFunc, type KFuncImpl } from './kallsyms.js';
import { KernelParam, next_arg, param_ops_bool, paramNameEq } from './moduleparam.js';
import { KERN_ERR, KERN_NOTICE, KERN_WARNING } from './printk.js';

export enum ModuleState {
  MODULE_STATE_LIVE = 0,
  MODULE_STATE_COMING = 1,
  MODULE_STATE_GOING = 2,
  MODULE_STATE_UNFORMED = 3,
}

/** taint flags this loader sets (kernel/panic.c numbering) */
export const TAINT_WARN = 9;
export const TAINT_OOT_MODULE = 12;
export const TAINT_UNSIGNED_MODULE = 13;
export const TAINT_LIVEPATCH = 15;

export class Module {
  state = ModuleState.MODULE_STATE_UNFORMED;
  /** module_refcount(): references taken with try_module_get() */
  refcnt = 0;
  readonly params: KernelParam<any>[] = [];
  readonly funcs: KFunc[] = [];
  readonly info = new Map<string, string>();
  /** symbols the module uses that nothing exports: simplify_symbols() refuses the load */
  readonly unresolved: string[] = [];
  init?: () => number;
  exit?: () => void;
  /** set by klp_module_coming, cleared by klp_module_going */
  klp_alive = false;
  /** module-private data a subsystem hangs on it (the livepatch core's per-module data, ...) */
  readonly priv = new Map<string, unknown>();

  constructor(readonly name: string) {}

  /** modinfo livepatch=Y */
  get klp(): boolean {
    return this.info.get('livepatch') === 'Y';
  }
}

/** What a module's source file provides: built anew at every load, like a .ko's data. */
export interface ModuleDefinition {
  name: string;
  /** called at load time with the module being built; declares params, functions, init, exit */
  setup(ctx: ModuleBuildContext): void;
}

export interface ModuleBuildContext {
  readonly kernel: Kernel;
  readonly THIS_MODULE: Module;
}

export type ModuleNotifier = (action: ModuleState, mod: Module) => number;

/** Hooks the module loader calls directly (not notifiers), as the kernel calls the livepatch core. */
export interface ModuleLoaderHooks {
  klp_module_coming(mod: Module): number;
  klp_module_going(mod: Module): void;
}

export class ModuleLoader {
  readonly modules: Module[] = [];
  private readonly notifiers: ModuleNotifier[] = [];
  hooks: ModuleLoaderHooks | undefined;
  private livepatchNoticePrinted = false;
  private signatureNoticePrinted = false;

  constructor(private readonly k: Kernel) {}

  /** what print_modules() shows after the list: the last module unloaded, with its flags */
  last_unloaded: string | undefined;

  /** module_flags(): taint letters, then + while coming and - while going */
  static flags(mod: Module): string {
    const taints = `${mod.info.has('intree') ? '' : 'O'}E${mod.klp ? 'K' : ''}`;
    const state = mod.state === ModuleState.MODULE_STATE_COMING ? '+' : mod.state === ModuleState.MODULE_STATE_GOING ? '-' : '';
    return `(${taints}${state})`;
  }

  /** print_modules(): newest first, as they sit on the kernel's module list */
  print_modules(): string {
    let out = 'Modules linked in:';
    for (const m of [...this.modules].reverse()) if (m.state !== ModuleState.MODULE_STATE_UNFORMED) out += ` ${m.name}${ModuleLoader.flags(m)}`;
    if (this.last_unloaded) out += ` [last unloaded: ${this.last_unloaded}]`;
    return out;
  }

  find(name: string): Module | undefined {
    return this.modules.find((m) => m.name === name);
  }

  register_module_notifier(fn: ModuleNotifier): void {
    this.notifiers.push(fn);
  }

  private notify(action: ModuleState, mod: Module): number {
    for (const fn of this.notifiers) {
      const r = fn(action, mod);
      if (r) return r;
    }
    return 0;
  }

  /** try_module_get(): fails once the module is going away */
  try_module_get(mod: Module): boolean {
    if (mod.state === ModuleState.MODULE_STATE_GOING) return false;
    mod.refcnt++;
    return true;
  }

  module_put(mod: Module): void {
    if (mod.refcnt > 0) mod.refcnt--;
  }

  /** init_module(2): returns 0 or a negative errno */
  load_module(def: ModuleDefinition, args: string): number {
    const k = this.k;
    if (this.find(def.name)) return -EEXIST;
    const mod = new Module(def.name);
    def.setup({ kernel: k, THIS_MODULE: mod });
    this.modules.push(mod);

    this.module_augment_kernel_taints(mod);

    // simplify_symbols(): an undefined symbol fails the load with -ENOENT ...
    if (mod.unresolved.length) {
      for (const name of mod.unresolved) k.printk(KERN_WARNING, `${mod.name}: Unknown symbol ${name} (err ${-ENOENT})\n`);
      return this.free_module(mod, -ENOENT);
    }
    // ... and the module's functions become visible to kallsyms
    for (const f of mod.funcs) k.kallsyms.add(f);

    // complete_formation() + prepare_coming_module()
    mod.state = ModuleState.MODULE_STATE_COMING;
    let err = this.hooks ? this.hooks.klp_module_coming(mod) : 0;
    if (err) return this.free_module(mod, err);
    err = this.notify(ModuleState.MODULE_STATE_COMING, mod);
    if (err) {
      this.hooks?.klp_module_going(mod);
      return this.free_module(mod, err);
    }

    err = this.parse_args(mod, args);
    if (err) {
      // coming_cleanup
      mod.state = ModuleState.MODULE_STATE_GOING;
      this.notify(ModuleState.MODULE_STATE_GOING, mod);
      this.hooks?.klp_module_going(mod);
      return this.free_module(mod, err);
    }

    this.mod_sysfs_setup(mod);
    return this.do_init_module(mod);
  }

  /** module_augment_kernel_taints(): the lines check_result filters out, in the kernel's order */
  private module_augment_kernel_taints(mod: Module): void {
    const k = this.k;
    if (!mod.info.has('intree')) {
      if (!k.test_taint(TAINT_OOT_MODULE))
        k.printk(KERN_WARNING, `${mod.name}: loading out-of-tree module taints kernel.\n`);
      k.add_taint(TAINT_OOT_MODULE);
    }
    if (mod.klp) {
      k.add_taint(TAINT_LIVEPATCH);
      if (!this.livepatchNoticePrinted) {
        this.livepatchNoticePrinted = true;
        k.printk(KERN_NOTICE, `${mod.name}: tainting kernel with TAINT_LIVEPATCH\n`);
      }
    }
    // CONFIG_MODULE_SIG without enforcement: the test modules are unsigned
    if (!this.signatureNoticePrinted) {
      this.signatureNoticePrinted = true;
      k.printk(KERN_NOTICE, `${mod.name}: module verification failed: signature and/or required key missing - tainting kernel\n`);
    }
    k.add_taint(TAINT_UNSIGNED_MODULE);
  }

  /**
   * parse_args() with unknown_module_param_cb(): every argument is tried, a failing one
   * is reported and the last error returned; unknown names are ignored with a warning
   * (async_probe and dyndbg silently); `--` ends the parameters.
   */
  private parse_args(mod: Module, args: string): number {
    const k = this.k;
    let err = 0;
    let rest = args.replace(/^\s+/, '');
    while (rest) {
      const { param, val, rest: next } = next_arg(rest);
      rest = next;
      if (val === undefined && param === '--') {
        if (!err && rest) k.printk(KERN_WARNING, `${mod.name}: parameters '${rest}' after \`--' ignored\n`);
        return err;
      }
      const ret = this.parse_one(mod, param, val);
      if (!ret) continue;
      if (ret === -ENOSPC) k.printk(KERN_ERR, `${mod.name}: \`${val ?? ''}' too large for parameter \`${param}'\n`);
      else k.printk(KERN_ERR, `${mod.name}: \`${val ?? ''}' invalid for parameter \`${param}'\n`);
      err = ret;
    }
    return err;
  }

  /** parse_one(): a known parameter is set (a value is needed unless it is a bool) */
  private parse_one(mod: Module, param: string, val: string | undefined): number {
    const p = mod.params.find((x) => paramNameEq(x.name, param));
    if (p) {
      if (val === undefined && p.ops !== param_ops_bool) return -EINVAL;
      return p.set(val);
    }
    // unknown_module_param_cb()
    if (param === 'async_probe') return 0;
    if (param === 'dyndbg' || param.endsWith('.dyndbg')) return 0;
    this.k.printk(KERN_WARNING, `${mod.name}: unknown parameter '${param}' ignored\n`);
    return 0;
  }

  /** /sys/module/<name>: refcnt, initstate, taint, and parameters/ with their modes */
  private mod_sysfs_setup(mod: Module): void {
    const vfs = this.k.vfs;
    const dir = `/sys/module/${mod.name}`;
    const sysdir = vfs.mkdirs(dir);
    vfs.addFile(sysdir, 'refcnt', 0o444, () => `${mod.refcnt}\n`);
    vfs.addFile(sysdir, 'initstate', 0o444, () => {
      const s = { [ModuleState.MODULE_STATE_LIVE]: 'live', [ModuleState.MODULE_STATE_COMING]: 'coming', [ModuleState.MODULE_STATE_GOING]: 'going', [ModuleState.MODULE_STATE_UNFORMED]: 'unformed' };
      return `${s[mod.state]}\n`;
    });
    vfs.addFile(sysdir, 'taint', 0o444, () => `${ModuleLoader.flags(mod).slice(1, -1).replace(/[+-]/, '')}\n`);
    const visible = mod.params.filter((p) => p.perm !== 0);
    if (!visible.length) return;
    const params = vfs.mkdirs(`${dir}/parameters`);
    for (const p of visible) {
      const writable = (p.perm & 0o222) !== 0;
      vfs.addFile(
        params,
        p.name,
        p.perm,
        (p.perm & 0o444) !== 0 ? () => p.get() : undefined,
        writable
          ? (buf) => {
              // param_attr_store(): the ops see the raw buffer, newline included
              const ret = p.set(buf);
              return ret ? ret : buf.length;
            }
          : undefined,
      );
    }
  }

  private do_init_module(mod: Module): number {
    const k = this.k;
    // module_unload_init() holds a reference during initialization
    mod.refcnt++;
    let ret = 0;
    if (mod.init) ret = mod.init();
    if (ret < 0) {
      mod.state = ModuleState.MODULE_STATE_GOING;
      this.module_put(mod);
      this.notify(ModuleState.MODULE_STATE_GOING, mod);
      this.hooks?.klp_module_going(mod);
      return this.free_module(mod, ret);
    }
    if (ret > 0) {
      k.printk(KERN_WARNING, `do_init_module: '${mod.name}'->init suspiciously returned ${ret}, it should follow 0/-E convention\n`);
      k.printk(KERN_WARNING, `do_init_module: loading module anyway...\n`);
    }
    mod.state = ModuleState.MODULE_STATE_LIVE;
    this.notify(ModuleState.MODULE_STATE_LIVE, mod);
    // drop the initial reference
    this.module_put(mod);
    return 0;
  }

  private free_module(mod: Module, err: number): number {
    this.k.vfs.remove(`/sys/module/${mod.name}`);
    this.k.kallsyms.removeObject(mod.name);
    const i = this.modules.indexOf(mod);
    if (i >= 0) this.modules.splice(i, 1);
    return err;
  }

  /** delete_module(2) */
  delete_module(name: string): number {
    const mod = this.find(name);
    if (!mod) return -ENOENT;
    if (mod.state !== ModuleState.MODULE_STATE_LIVE) return -EBUSY;
    if (mod.init && !mod.exit) return -EBUSY;
    if (mod.refcnt > 0) return -EWOULDBLOCK;
    mod.state = ModuleState.MODULE_STATE_GOING;
    mod.exit?.();
    this.notify(ModuleState.MODULE_STATE_GOING, mod);
    this.hooks?.klp_module_going(mod);
    this.last_unloaded = `${mod.name}(${ModuleLoader.flags(mod).slice(1, -1).replace(/[+-]/, '')})`;
    this.free_module(mod, 0);
    return 0;
  }

  /** define a function owned by a module (its symbol appears when the module is loaded) */
  static defineFunc(mod: Module, name: string, impl: KFuncImpl, size = 0x80): KFunc {
    const f = new KFunc(name, mod.name, impl, size);
    mod.funcs.push(f);
    return f;
  }
}

