/**
 * kernel/livepatch/patch.c: putting funcs on and off the per-function stacks and the
 * ftrace handler that picks which version a call runs.
 */
import { EINVAL } from '../kernel/errno.js';
import {
  FTRACE_OPS_FL_DYNAMIC,
  FTRACE_OPS_FL_IPMODIFY,
  FTRACE_OPS_FL_PERMANENT,
  FTRACE_OPS_FL_SAVE_REGS,
  type FtraceOps,
} from '../kernel/ftrace.js';
import type { KFunc } from '../kernel/kallsyms.js';
import { KERN_ERR } from '../kernel/printk.js';
import { KLP_TRANSITION_UNPATCHED } from '../kernel/sched.js';
import type { Klp } from './klp.js';
import { klp_for_each_func, klp_for_each_object, type klp_func, type klp_object, type klp_patch } from './livepatch.js';

/** One ftrace_ops per patched function; func_stack[0] is the newest func, the active one. */
export interface klp_ops {
  func_stack: klp_func[];
  fops: FtraceOps;
}

export function klp_find_ops(klp: Klp, old_func: KFunc | null | undefined): klp_ops | undefined {
  return klp.klp_ops.find((ops) => ops.func_stack[0]?.old_func === old_func);
}

/** klp_ftrace_handler(): which code a call of the patched function runs for `current` */
function klp_ftrace_handler(klp: Klp, ops: klp_ops): KFunc | undefined {
  let func: klp_func | undefined = ops.func_stack[0];
  if (!func) return undefined;
  if (func.transition) {
    const patch_state = klp.k.current.patch_state;
    if (patch_state === KLP_TRANSITION_UNPATCHED) {
      // the previously patched version, or the original when there is none
      func = ops.func_stack[1];
      if (!func) return undefined;
    }
  }
  // a nop means "the original code": leave the call alone
  if (func.nop) return undefined;
  return func.new_func ?? undefined;
}

function klp_patch_func(klp: Klp, func: klp_func): number {
  if (!func.old_func) return -EINVAL;
  if (func.patched) return -EINVAL;
  let ops = klp_find_ops(klp, func.old_func);
  if (!ops) {
    const newOps: klp_ops = {
      func_stack: [],
      fops: {
        name: `klp_ops:${func.old_name}`,
        flags: FTRACE_OPS_FL_DYNAMIC | FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT,
        filter: new Set(),
        func: () => klp_ftrace_handler(klp, newOps),
      },
    };
    ops = newOps;
    klp.klp_ops.unshift(ops);
    ops.func_stack.unshift(func);
    ops.fops.filter.add(func.old_func);
    const ret = klp.k.ftrace.register(ops.fops);
    if (ret) {
      klp.k.printk(KERN_ERR, `livepatch: failed to register ftrace handler for function '${func.old_name}' (${ret})\n`);
      ops.fops.filter.delete(func.old_func);
      ops.func_stack.shift();
      klp.klp_ops.splice(klp.klp_ops.indexOf(ops), 1);
      return ret;
    }
  } else {
    ops.func_stack.unshift(func);
  }
  func.patched = true;
  return 0;
}

function klp_unpatch_func(klp: Klp, func: klp_func): void {
  if (!func.patched || !func.old_func) return;
  const ops = klp_find_ops(klp, func.old_func);
  if (!ops) return;
  if (ops.func_stack.length === 1) {
    klp.k.ftrace.unregister(ops.fops);
    ops.fops.filter.clear();
    ops.func_stack.length = 0;
    klp.klp_ops.splice(klp.klp_ops.indexOf(ops), 1);
  } else {
    ops.func_stack.splice(ops.func_stack.indexOf(func), 1);
  }
  func.patched = false;
}

function __klp_unpatch_object(klp: Klp, obj: klp_object, nops_only: boolean): void {
  for (const func of klp_for_each_func(obj)) {
    if (nops_only && !func.nop) continue;
    if (func.patched) klp_unpatch_func(klp, func);
  }
  if (obj.dynamic || !nops_only) obj.patched = false;
}

export function klp_unpatch_object(klp: Klp, obj: klp_object): void {
  __klp_unpatch_object(klp, obj, false);
}

export function klp_patch_object(klp: Klp, obj: klp_object): number {
  if (obj.patched) return -EINVAL;
  for (const func of klp_for_each_func(obj)) {
    const ret = klp_patch_func(klp, func);
    if (ret) {
      klp_unpatch_object(klp, obj);
      return ret;
    }
  }
  obj.patched = true;
  return 0;
}

function __klp_unpatch_objects(klp: Klp, patch: klp_patch, nops_only: boolean): void {
  for (const obj of klp_for_each_object(patch)) if (obj.patched) __klp_unpatch_object(klp, obj, nops_only);
}

export function klp_unpatch_objects(klp: Klp, patch: klp_patch): void {
  __klp_unpatch_objects(klp, patch, false);
}

export function klp_unpatch_objects_dynamic(klp: Klp, patch: klp_patch): void {
  __klp_unpatch_objects(klp, patch, true);
}
