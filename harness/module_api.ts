/**
 * The kernel API as a module mirror sees it. A module file calls defineModule() with a body
 * that runs at every load, like a .ko's static data coming to life; the body receives the
 * API below (pr_info with the module's pr_fmt, module_param, klp_enable_patch, ...) and
 * declares its functions, parameters, init and exit exactly as the C module does.
 */
import type { Machine } from './boot.js';
import { EPERM, errnoName } from './kernel/errno.js';
import { KFunc, type KFuncImpl } from './kernel/kallsyms.js';
import { kstrtobool, kstrtoint } from './kernel/kstrtox.js';
import type { kprobe } from './kernel/kprobes.js';
import { ModuleLoader, ModuleState, type Module, type ModuleDefinition } from './kernel/module.js';
import {
  KernelParam,
  param_array_int,
  param_ops_bool,
  param_ops_charp_for,
  param_ops_int,
  param_ops_uint,
} from './kernel/moduleparam.js';
import { KERN_ERR, KERN_INFO, KERN_NOTICE, KERN_WARNING } from './kernel/printk.js';
import type { Task } from './kernel/sched.js';
import { SeqFile, seq_printf } from './kernel/seq_file.js';
import { msleep, WorkStruct } from './kernel/timer.js';
import { klp_enable_patch } from './livepatch/core.js';
import type { klp_object, klp_patch } from './livepatch/livepatch.js';
import { klp_add_object } from './livepatch/split.js';
import {
  klp_shadow_alloc,
  klp_shadow_free,
  klp_shadow_free_all,
  klp_shadow_get,
  klp_shadow_get_or_alloc,
  type ShadowData,
  type klp_shadow_ctor_t,
  type klp_shadow_dtor_t,
} from './livepatch/shadow.js';
import { klp_get_prev_state, klp_get_state } from './livepatch/state.js';
import * as gc from './livepatch/shadow_types.js';
import type { klp_shadow_type } from './livepatch/shadow_types.js';

export interface Param<T> {
  readonly value: T;
  set(value: T): void;
}

export function moduleApi(machine: Machine, THIS_MODULE: Module) {
  const { k, klp } = machine;
  /** pr_fmt(): KBUILD_MODNAME ": " unless the module defines its own */
  let pr_fmt = (fmt: string) => `${THIS_MODULE.name}: ${fmt}`;

  function param<T>(name: string, value: T, perm: number, ops: KernelParam<T>['ops'], desc?: string): Param<T> {
    const p = new KernelParam<T>(name, value, perm, ops, desc);
    THIS_MODULE.params.push(p);
    return {
      get value() {
        return p.value;
      },
      set(v: T) {
        p.value = v;
      },
    };
  }

  return {
    THIS_MODULE,
    kernel: k,
    /** override the pr_fmt prefix, as `#define pr_fmt(fmt) ...` does */
    set_pr_fmt(fn: (fmt: string) => string) {
      pr_fmt = fn;
    },
    pr_info: (fmt: string) => k.printk(KERN_INFO, pr_fmt(fmt)),
    pr_notice: (fmt: string) => k.printk(KERN_NOTICE, pr_fmt(fmt)),
    pr_warn: (fmt: string) => k.printk(KERN_WARNING, pr_fmt(fmt)),
    pr_err: (fmt: string) => k.printk(KERN_ERR, pr_fmt(fmt)),

    MODULE_INFO(tag: string, value: string) {
      THIS_MODULE.info.set(tag, value);
    },
    MODULE_LICENSE(license: string) {
      THIS_MODULE.info.set('license', license);
    },
    MODULE_AUTHOR(author: string) {
      THIS_MODULE.info.set('author', author);
    },
    MODULE_DESCRIPTION(text: string) {
      THIS_MODULE.info.set('description', text);
    },
    module_init(fn: () => number) {
      THIS_MODULE.init = fn;
    },
    module_exit(fn: () => void) {
      THIS_MODULE.exit = fn;
    },

    module_param_int: (name: string, value: number, perm: number, desc?: string) => param(name, value, perm, param_ops_int, desc),
    module_param_uint: (name: string, value: number, perm: number, desc?: string) => param(name, value, perm, param_ops_uint, desc),
    module_param_bool: (name: string, value: boolean, perm: number, desc?: string) => param(name, value, perm, param_ops_bool, desc),
    module_param_charp: (name: string, value: string | null, perm: number, desc?: string) =>
      param(name, value, perm, param_ops_charp_for(name, (m) => k.printk(KERN_ERR, m)), desc),
    /** module_param_array(name, int, &count, perm): count is the array's length */
    module_param_array_int: (name: string, max: number, perm: number, desc?: string) =>
      param<number[]>(name, [], perm, param_array_int(max, (m) => k.printk(KERN_ERR, m), name), desc),

    /**
     * module_param_cb(name, &ops, NULL, perm): set gets the raw value (a sysfs write keeps
     * its newline) and returns 0 or a negative errno; get returns what a read shows.
     */
    module_param_cb(name: string, ops: { set?: (val: string) => number; get?: () => string }, perm: number, desc?: string): void {
      THIS_MODULE.params.push(
        new KernelParam<undefined>(name, undefined, perm, {
          set: (val) => {
            if (!ops.set) return -EPERM;
            const r = ops.set(val ?? '');
            return r ? r : { value: undefined };
          },
          get: () => ops.get?.() ?? '',
        }, desc),
      );
    },
    /** %pe of ERR_PTR(err): the errno's name, e.g. -ENODEV */
    errname: (err: number) => `${err < 0 ? '-' : ''}${errnoName(err)}`,
    kstrtobool,
    kstrtoint,

    /** a function of this module, visible in kallsyms while the module is loaded */
    func(name: string, impl: KFuncImpl, size = 0x80): KFunc {
      return ModuleLoader.defineFunc(THIS_MODULE, name, impl, size);
    },
    /** call a function the way compiled code does: through ftrace, so livepatches apply */
    call<R = unknown>(fn: KFunc, ...args: unknown[]): R {
      return k.call<R>(fn, ...args);
    },
    /** call a function that may sleep, from a sleeping context: `yield* call_sleeping(fn)` */
    call_sleeping: (fn: KFunc, ...args: unknown[]) => k.callSleeping(fn, ...args),
    /** a vmlinux symbol by name (what the linker resolves for the C module) */
    vmlinux_symbol(name: string): KFunc {
      const f = k.kallsyms.lookupAll('vmlinux', name)[0];
      if (!f) throw new Error(`${THIS_MODULE.name}: unknown vmlinux symbol ${name}`);
      return f;
    },
    seq_printf,
    SeqFile,

    current: (): Task => k.current,
    task_tgid_vnr: (task: Task) => task.pid,

    /** DECLARE_WORK(work, fn): the work calls fn through its address, so livepatches apply */
    DECLARE_WORK(fn: KFunc): WorkStruct {
      const work: WorkStruct = new WorkStruct(fn.name, function* () {
        yield* k.callSleeping(fn, work);
      });
      return work;
    },
    msleep,
    DECLARE_COMPLETION: () => ({ done: false }),
    complete(c: { done: boolean }) {
      c.done = true;
    },
    /** wait_for_completion(): the waiter sleeps while work runs and time passes */
    wait_for_completion(c: { done: boolean }) {
      for (let i = 0; !c.done; i++) {
        if (i > 600_000) throw new Error(`${THIS_MODULE.name}: wait_for_completion() never completes`);
        k.sched.advance(i === 0 ? 0 : 100_000);
      }
    },
    schedule_work: (w: WorkStruct) => k.sched.queue_work(w),
    flush_work: (w: WorkStruct) => k.sched.flush_work(w),
    cancel_work_sync: (w: WorkStruct) => k.sched.cancel_work_sync(w),
    /** find_module() (under module_mutex in C) */
    find_module: (name: string) => k.modules.find(name),
    /** a symbol another module exports (resolved at load time, like the module loader does) */
    symbol_get(name: string): KFunc {
      const f = k.kallsyms.lookupName(name);
      if (!f) throw new Error(`${THIS_MODULE.name}: Unknown symbol ${name}`);
      return f;
    },

    /** proc_create_single(): a read-only /proc file backed by a show function */
    proc_create_single(name: string, mode: number, show: KFunc) {
      k.vfs.createFile(`/proc/${name}`, mode || 0o444, () => {
        const m = new SeqFile();
        k.call(show, m);
        return m.buf;
      });
    },
    proc_remove(name: string) {
      k.vfs.remove(`/proc/${name}`);
    },
    /** a kobject under /sys/kernel with attributes (kobject_create_and_add + sysfs_create_file) */
    sysfs_create_kernel_dir(name: string) {
      k.vfs.mkdirs(`/sys/kernel/${name}`);
    },
    sysfs_create_file(dir: string, name: string, mode: number, show?: () => string, store?: (buf: string) => number) {
      return k.vfs.createFile(`/sys/kernel/${dir}/${name}`, mode, show, store);
    },
    sysfs_remove_kernel_dir(name: string) {
      k.vfs.remove(`/sys/kernel/${name}`);
    },

    module_state: (mod: Module) => mod.state,
    ModuleState,

    register_kprobe: (p: kprobe) => machine.kprobes.register_kprobe(p),
    unregister_kprobe: (p: kprobe) => machine.kprobes.unregister_kprobe(p),

    /** shadow-gc-2022's type-based shadow variable API (same C names, other signatures) */
    shadow_gc: {
      klp_shadow_register: (t: klp_shadow_type) => gc.klp_shadow_register(klp, t),
      klp_shadow_unregister: (t: klp_shadow_type) => gc.klp_shadow_unregister(klp, t),
      klp_shadow_get: (obj: object, t: klp_shadow_type) => gc.klp_shadow_get(klp, obj, t),
      klp_shadow_alloc: (obj: object, t: klp_shadow_type, size: number, ctor_data?: unknown) => gc.klp_shadow_alloc(klp, obj, t, size, ctor_data),
      klp_shadow_get_or_alloc: (obj: object, t: klp_shadow_type, size: number, ctor_data?: unknown) =>
        gc.klp_shadow_get_or_alloc(klp, obj, t, size, ctor_data),
      klp_shadow_free: (obj: object, t: klp_shadow_type) => gc.klp_shadow_free(klp, obj, t),
      klp_shadow_free_all: (t: klp_shadow_type) => gc.klp_shadow_free_all(klp, t),
    },

    klp_enable_patch: (patch: klp_patch) => klp_enable_patch(klp, patch),
    /** split-2020: a per-object livepatch module hands its object to the main patch */
    klp_add_object: (obj: klp_object) => klp_add_object(klp, obj),
    klp_get_state: (patch: klp_patch, id: number) => klp_get_state(patch, id),
    klp_get_prev_state: (id: number) => klp_get_prev_state(klp, id),
    klp_shadow_get: (obj: object, id: number): ShadowData | null => klp_shadow_get(klp, obj, id),
    klp_shadow_alloc: (obj: object, id: number, size: number, ctor?: klp_shadow_ctor_t | null, ctor_data?: unknown) =>
      klp_shadow_alloc(klp, obj, id, size, ctor, ctor_data),
    klp_shadow_get_or_alloc: (obj: object, id: number, size: number, ctor?: klp_shadow_ctor_t | null, ctor_data?: unknown) =>
      klp_shadow_get_or_alloc(klp, obj, id, size, ctor, ctor_data),
    klp_shadow_free: (obj: object, id: number, dtor?: klp_shadow_dtor_t | null) => klp_shadow_free(klp, obj, id, dtor),
    klp_shadow_free_all: (id: number, dtor?: klp_shadow_dtor_t | null) => klp_shadow_free_all(klp, id, dtor),
  };
}

export type ModuleApi = ReturnType<typeof moduleApi>;

/**
 * What the explorer may do with a module besides loading and unloading it, declared next to
 * the module because only its author knows which values mean something: the parameter
 * values worth giving at load time, the ones worth writing while it is loaded, the
 * parameters whose read runs module code, and the files it creates that are worth reading.
 */
export interface ExploreHints {
  /** load-time values, one parameter per load (`insmod X.ko p=v`) */
  readonly load?: Readonly<Record<string, readonly string[]>>;
  /** values to write to /sys/module/<mod>/parameters/<p> while loaded */
  readonly write?: Readonly<Record<string, readonly string[]>>;
  /** parameters whose read calls into the module */
  readonly read?: readonly string[];
  /** other files the module creates (a /proc file) that run its code when read */
  readonly files?: readonly string[];
}

/** A module source: its name and the body that builds it at load time. */
export interface ModuleSource {
  readonly name: string;
  instantiate(machine: Machine): ModuleDefinition;
  readonly explore?: ExploreHints;
}

export function defineModule(name: string, body: (api: ModuleApi) => void, explore?: ExploreHints): ModuleSource {
  return {
    name,
    instantiate: (machine) => ({
      name,
      setup: ({ THIS_MODULE }) => body(moduleApi(machine, THIS_MODULE)),
    }),
    ...(explore ? { explore } : {}),
  };
}
