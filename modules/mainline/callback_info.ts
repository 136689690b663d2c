// The callback_info() helper and module_state[] table the callback test modules share
// (each C file carries its own copy; the output format is identical).
import type { klp_object } from '../../harness/livepatch/livepatch.js';
import { ModuleState } from '../../harness/kernel/module.js';

export const module_state: Record<ModuleState, string> = {
  [ModuleState.MODULE_STATE_LIVE]: '[MODULE_STATE_LIVE] Normal state',
  [ModuleState.MODULE_STATE_COMING]: '[MODULE_STATE_COMING] Full formed, running module_init',
  [ModuleState.MODULE_STATE_GOING]: '[MODULE_STATE_GOING] Going away',
  [ModuleState.MODULE_STATE_UNFORMED]: '[MODULE_STATE_UNFORMED] Still setting it up',
};

export function callback_info(pr_info: (fmt: string) => void, callback: string, obj: klp_object): void {
  if (obj.mod) pr_info(`${callback}: ${obj.mod.name} -> ${module_state[obj.mod.state]}\n`);
  else pr_info(`${callback}: vmlinux\n`);
}
