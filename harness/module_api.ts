/**
 * The kernel API as a module mirror sees it. A module file calls defineModule() with a body
 * that runs at every load, like a .ko's static data coming to life; the body receives the
 * API below (pr_info with the module's pr_fmt, module_param, klp_enable_patch, ...) and
 * declares its functions, parameters, init and exit exactly as the C module does. That API
 * is mainline's; a kernel model that exports more gives its own modules the rest
 * (defineModuleWith and the model's api.ts).
 */
import type { Machine } from './boot.js';
import type { Kernel } from './kernel/kernel.js';
import { EPERM, errnoName } from './kernel/errno.js';
import { KFunc, type KFuncImpl } from './kernel/kallsyms.js';
import { MachineHang } from './kernel/hang.js';
import { kstrtobool, kstrtoint } from './kernel/kstrtox.js';
import type { kprobe } from './kernel/kprobes.js';
import { ModuleLoader, ModuleState, type Module, type ModuleDefinition } from './kernel/module.js';
import {
  KernelParam,
  param_array_int,
  param_ops_bool,
  param_ops_int,
} from './kernel/moduleparam.js';
import { KERN_ERR, KERN_INFO, KERN_WARNING } from './kernel/printk.js';
import type { Task } from './kernel/sched.js';
import { SeqFile, seq_printf } from './kernel/seq_file.js';
import { msleep, type Sleep } from './kernel/timer.js';
import { WorkStruct } from './kernel/workqueue.js';
import { klp_enable_patch } from './livepatch/core.js';
import type { klp_patch } from './livepatch/livepatch.js';
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

export interface Param<T> {
  readonly value: T;
  set(value: T): void;
}

/**
 * A module's view of its parameter. A class, not an object literal with a getter: V8 keeps
 * a literal's accessors in its map, outside the young generation, and so holds each
 * module's closures (and the machine they reach) past every minor GC until a full one.
 */
class ParamRef<T> implements Param<T> {
  constructor(private readonly p: KernelParam<T>) {}
  get value(): T {
    return this.p.value;
  }
  set(v: T): void {
    this.p.value = v;
  }
}

/**
 * A module's work item: it calls the module's function through its address, so
 * livepatches apply. Every item runs through the one file-scope function below: a generator
 * function made per item would get its own map in V8's old space, and that map keeps the
 * item's closure, and the machine it reaches, alive past every minor GC.
 */
class ModuleWork extends WorkStruct {
  constructor(
    readonly k: Kernel,
    readonly fn: KFunc,
  ) {
    super(fn.name, runModuleWork);
  }
}

function runModuleWork(work: WorkStruct): Generator<Sleep, void, void> {
  const { k, fn } = work as ModuleWork;
  return k.callSleeping(fn, work) as Generator<Sleep, void, void>;
}

export function moduleApi(machine: Machine, THIS_MODULE: Module) {
  const { k, klp } = machine;
  /** pr_fmt(): KBUILD_MODNAME ": " (no test module defines its own) */
  const pr_fmt = (fmt: string) => `${THIS_MODULE.name}: ${fmt}`;

  function param<T>(name: string, value: T, perm: number, ops: KernelParam<T>['ops'], desc?: string): Param<T> {
    const p = new KernelParam<T>(name, value, perm, ops, desc);
    THIS_MODULE.params.push(p);
    return new ParamRef(p);
  }

  return {
    THIS_MODULE,
    kernel: k,
    pr_info: (fmt: string) => k.printk(KERN_INFO, pr_fmt(fmt)),
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
    module_param_bool: (name: string, value: boolean, perm: number, desc?: string) => param(name, value, perm, param_ops_bool, desc),
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
    seq_printf,
    SeqFile,

    current: (): Task => k.current,
    task_tgid_vnr: (task: Task) => task.pid,

    /** DECLARE_WORK(work, fn): the work calls fn through its address, so livepatches apply */
    DECLARE_WORK: (fn: KFunc): WorkStruct => new ModuleWork(k, fn),
    msleep,
    DECLARE_COMPLETION: () => ({ done: false }),
    complete(c: { done: boolean }) {
      c.done = true;
    },
    /** wait_for_completion(): the waiter sleeps while work runs and time passes */
    wait_for_completion(c: { done: boolean }) {
      // the waiter looks again every 100 us, for at most a minute
      k.sched.advance(0);
      if (!k.sched.pollUntil(() => c.done, 100_000, 600_000))
        throw new MachineHang(`${k.current.comm} blocks in wait_for_completion() in ${THIS_MODULE.name}, and nothing completes it`);
    },
    schedule_work: (w: WorkStruct) => k.workqueue.queue_work(w),
    flush_work: (w: WorkStruct) => k.workqueue.flush_work(w),
    cancel_work_sync: (w: WorkStruct) => k.workqueue.cancel_work_sync(w),
    /** find_module() (under module_mutex in C) */
    find_module: (name: string) => k.modules.find(name),
    /** a symbol another module exports (resolved at load time, like the module loader does) */
    symbol_get(name: string): KFunc {
      const f = k.kallsyms.lookupName(name);
      if (f) return f;
      // simplify_symbols() fails the load; the placeholder is never called
      THIS_MODULE.unresolved.push(name);
      return new KFunc(name, THIS_MODULE.name, () => {
        throw new Error(`${THIS_MODULE.name}: called unresolved symbol ${name}`);
      });
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

    klp_enable_patch: (patch: klp_patch) => klp_enable_patch(klp, patch),
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
  /**
   * values to write to /sys/module/<mod>/parameters/<p> while loaded; the first is the
   * parameter's resting value, which the explorer's cleanup writes back
   */
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

/** A mainline module: it sees mainline's API. */
export function defineModule(name: string, body: (api: ModuleApi) => void, explore?: ExploreHints): ModuleSource {
  return defineModuleWith(() => ({}), name, body, explore);
}

/**
 * What a kernel model adds to the API its test modules see, for one machine (the series'
 * exported functions, bound to that machine's policy).
 */
export type ModuleApiExtension<X extends object> = (machine: Machine, THIS_MODULE: Module) => X;

/** A module of a kernel model: mainline's API plus what the model adds. */
export function defineModuleWith<X extends object>(
  extension: ModuleApiExtension<X>,
  name: string,
  body: (api: ModuleApi & X) => void,
  explore?: ExploreHints,
): ModuleSource {
  return {
    name,
    instantiate: (machine) => ({
      name,
      setup: ({ THIS_MODULE }) => body({ ...moduleApi(machine, THIS_MODULE), ...extension(machine, THIS_MODULE) }),
    }),
    ...(explore ? { explore } : {}),
  };
}
