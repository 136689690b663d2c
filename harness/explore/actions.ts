/**
 * The explorer's alphabet: every step a user could take on a machine of one model, derived
 * from the model's own test modules (their .modinfo and the ExploreHints declared next to
 * them), never listed per model. Each action is one line of the step shell, so a scenario
 * is a suite's test as it stands.
 *
 * Each action also says when it applies to the machine as it is now (a module must be
 * loaded before it is removed, a patch must exist before its `enabled` is written): a walk
 * wastes no steps on typos, and shrinking drops what stops applying.
 */
import { boot } from '../boot.js';
import type { KernelModelDefinition } from '../models.js';
import type { SelftestSession } from '../selftest/session.js';
import { probeModuleInfo } from '../userspace/kmod.js';

export type ActionKind = 'load' | 'unload' | 'disable' | 'enable' | 'force' | 'param' | 'read' | 'time' | 'fork' | 'kill';

/** does an action apply to the machine now? */
export type Condition = (session: SelftestSession) => boolean;

export interface Action {
  readonly kind: ActionKind;
  /** the step, as a suite writes it */
  readonly step: string;
  /** shared by the actions that apply together (every load of one module, every write to one file) */
  readonly applies: Condition;
}

/**
 * The actions of a campaign, and which of them apply now. Every step asks about every
 * action, and most actions share their condition with others (a patch's three sysfs
 * writes, a parameter's values), so each distinct condition is asked once per step.
 */
export class ActionSet {
  private readonly conditions: Condition[] = [];
  /** per action, the index of its condition */
  private readonly conditionOf: number[];
  private readonly answers: boolean[] = [];

  constructor(readonly all: readonly Action[]) {
    const index = new Map<Condition, number>();
    this.conditionOf = all.map((a) => {
      let i = index.get(a.applies);
      if (i === undefined) {
        i = this.conditions.push(a.applies) - 1;
        index.set(a.applies, i);
      }
      return i;
    });
  }

  /** the actions that apply to the machine now, in their order */
  applicable(session: SelftestSession): Action[] {
    for (let i = 0; i < this.conditions.length; i++) this.answers[i] = this.conditions[i](session);
    return this.all.filter((_, i) => this.answers[this.conditionOf[i]]);
  }
}

/** at most this many forked tasks at once: each is a task every transition must switch */
const MAX_FORKS = 2;

/** the user program that forks: it loops on getpid(), entering and leaving the kernel */
const FORK = './test_klp-call_getpid &';

const loaded = (s: SelftestSession, mod: string) => s.machine.k.modules.find(mod) !== undefined;
// the kernel's tree, not a stat(2) of the shell: asking must not change the machine
const exists = (s: SelftestSession, path: string) => s.machine.k.vfs.lookup(path) !== undefined;
const forks = (s: SelftestSession) => s.machine.k.tasks.normalTasks().filter((t) => t.comm === 'test_klp-call_').length;

export function deriveActions(model: KernelModelDefinition, version: [number, number] = model.versions[1]): Action[] {
  const probe = boot(model, { version });
  const actions: Action[] = [];
  // one condition per path, shared by every action on that path
  const byPath = new Map<string, Condition>();
  const present = (path: string): Condition => byPath.get(path) ?? byPath.set(path, (s) => exists(s, path)).get(path)!;
  // the dialect's own way of loading (insmod test_modules/X.ko, or modprobe X)
  const load = (mod: string, args: string) => model.dialect.loading.command(mod, args ? [args] : []).join(' ');
  for (const src of model.modules.values()) {
    const mod = src.name;
    const info = probeModuleInfo(probe, src);
    const hints = src.explore ?? {};
    const notLoaded = (s: SelftestSession) => !loaded(s, mod);
    const isLoaded = (s: SelftestSession) => loaded(s, mod);
    actions.push({ kind: 'load', step: load(mod, ''), applies: notLoaded });
    for (const [param, values] of Object.entries(hints.load ?? {}))
      for (const v of values) actions.push({ kind: 'load', step: load(mod, `${param}=${v}`), applies: notLoaded });
    actions.push({ kind: 'unload', step: `rmmod ${mod}`, applies: isLoaded });
    for (const [param, values] of Object.entries(hints.write ?? {})) {
      const path = `/sys/module/${mod}/parameters/${param}`;
      for (const v of values) actions.push({ kind: 'param', step: `echo ${v} > ${path}`, applies: present(path) });
    }
    for (const param of hints.read ?? []) {
      const path = `/sys/module/${mod}/parameters/${param}`;
      actions.push({ kind: 'read', step: `cat ${path}`, applies: present(path) });
    }
    for (const path of hints.files ?? []) actions.push({ kind: 'read', step: `cat ${path}`, applies: present(path) });
    if (info.get('livepatch') !== 'Y') continue;
    const dir = `/sys/kernel/livepatch/${mod}`;
    const hasDir = present(dir);
    actions.push({ kind: 'disable', step: `echo 0 > ${dir}/enabled`, applies: hasDir });
    actions.push({ kind: 'enable', step: `echo 1 > ${dir}/enabled`, applies: hasDir });
    actions.push({ kind: 'force', step: `echo 1 > ${dir}/force`, applies: hasDir });
  }
  // /proc/cmdline runs cmdline_proc_show(), the function test_klp_livepatch replaces
  actions.push({ kind: 'read', step: 'cat /proc/cmdline', applies: () => true });
  // one retry of a transition, and the point where it starts signalling tasks (15 s)
  actions.push({ kind: 'time', step: 'sleep 1', applies: () => true });
  actions.push({ kind: 'time', step: 'sleep 16', applies: () => true });
  actions.push({ kind: 'fork', step: FORK, applies: (s) => forks(s) < MAX_FORKS });
  actions.push({ kind: 'kill', step: 'kill $!', applies: (s) => forks(s) > 0 });
  return actions;
}
