// callback_info() as the split series rewrites it: obj->mod is now the livepatch module,
// so the target is looked up by name (find_module under module_mutex).
import type { Module } from '../../harness/kernel/module.js';
import type { klp_object } from '../../harness/livepatch/livepatch.js';
import { module_state } from '../mainline/callback_info.js';

export function callback_info(
  pr_info: (fmt: string) => void,
  pr_err: (fmt: string) => void,
  find_module: (name: string) => Module | undefined,
  callback: string,
  obj: klp_object,
): void {
  if (!obj.name) {
    pr_info(`${callback}: vmlinux\n`);
    return;
  }
  const mod = find_module(obj.name);
  // (no newline in the series: not reached by any test)
  if (!mod) pr_err(`${callback}: Unable to find module: ${obj.name}`);
  else pr_info(`${callback}: ${obj.name} -> ${module_state[mod.state]}\n`);
}
