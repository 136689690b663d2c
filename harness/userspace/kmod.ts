/**
 * kmod's insmod, rmmod, modprobe and modinfo as the selftests meet them: the same
 * checks before the system call, and the same error lines after it.
 */
import type { Machine } from '../boot.js';
import { EEXIST, ENOENT, modStrerror, strerror } from '../kernel/errno.js';
import { Module } from '../kernel/module.js';
import type { ModuleSource } from '../module_api.js';

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

const ok = (stdout = ''): ToolResult => ({ status: 0, stdout, stderr: '' });
const fail = (stderr: string, status = 1): ToolResult => ({ status, stdout: '', stderr });

/** the module a path names: test_modules/X.ko -> X, if this kernel's module set has it */
export function moduleForPath(machine: Machine, path: string): ModuleSource | undefined {
  const m = /^(?:.*\/)?([^/]+)\.ko$/.exec(path);
  return m ? machine.model.modules.get(m[1].replace(/-/g, '_')) : undefined;
}

function initModule(machine: Machine, src: ModuleSource, args: string[]): number {
  const { k } = machine;
  const def = src.instantiate(machine);
  // modules built with the kernel (lib/livepatch) carry modpost's intree tag
  const built = machine.model.modulesInTree
    ? { ...def, setup: (ctx: Parameters<typeof def.setup>[0]) => (def.setup(ctx), ctx.THIS_MODULE.info.set('intree', 'Y')) }
    : def;
  return k.runProcess('insmod', () => k.syscall(() => k.modules.load_module(built, args.join(' '))));
}

export function insmod(machine: Machine, argv: string[]): ToolResult {
  const [path, ...args] = argv;
  if (!path) return fail('insmod: ERROR: missing filename.\n');
  const src = moduleForPath(machine, path);
  if (!src) return fail(`insmod: ERROR: could not load module ${path}: No such file or directory\n`);
  const err = initModule(machine, src, args);
  if (err) return fail(`insmod: ERROR: could not insert module ${path}: ${modStrerror(err)}\n`);
  return ok();
}

/** kmod's module names: a path's basename without .ko, dashes as underscores */
function normalizeName(arg: string): string {
  return arg.replace(/^.*\//, '').replace(/\.ko$/, '').replace(/-/g, '_');
}

export function rmmod(machine: Machine, argv: string[]): ToolResult {
  const { k } = machine;
  const force = argv.includes('-f') || argv.includes('--force');
  const names = argv.filter((a) => !a.startsWith('-'));
  if (!names.length) return fail('rmmod: ERROR: missing module name.\n');
  let stderr = '';
  for (const arg of names) {
    const name = normalizeName(arg);
    const mod = k.modules.find(name);
    // check_module_inuse(), unless forced
    if (!force) {
      if (!mod) {
        stderr += `rmmod: ERROR: Module ${name} is not currently loaded\n`;
        continue;
      }
      if (mod.refcnt > 0) {
        stderr += `rmmod: ERROR: Module ${name} is in use\n`;
        continue;
      }
    }
    const err = k.runProcess('rmmod', () => k.syscall(() => k.modules.delete_module(name)));
    if (err) stderr += `rmmod: ERROR: could not remove module ${arg}: ${strerror(err)}\n`;
  }
  return stderr ? fail(stderr) : ok();
}

/** modprobe -r: what is not loaded is no error; what is in use is fatal */
function modprobeRemove(machine: Machine, names: string[]): ToolResult {
  const { k } = machine;
  let stderr = '';
  for (const arg of names) {
    const name = normalizeName(arg);
    const mod = k.modules.find(name);
    if (!mod) {
      if (!machine.model.modules.get(name)) stderr += `modprobe: FATAL: Module ${arg} not found.\n`;
      continue;
    }
    if (mod.refcnt > 0) {
      stderr += `modprobe: FATAL: Module ${name} is in use.\n`;
      continue;
    }
    const err = k.runProcess('modprobe', () => k.syscall(() => k.modules.delete_module(name)));
    if (err) stderr += `modprobe: ERROR: could not remove '${name}': ${strerror(err)}\n`;
  }
  return stderr ? fail(stderr) : ok();
}

export function modprobe(machine: Machine, argv: string[]): ToolResult {
  const { k } = machine;
  const flags = argv.filter((a) => a.startsWith('-'));
  const remove = flags.includes('-r') || flags.includes('--remove');
  const dryRun = flags.includes('-n') || flags.includes('--dry-run');
  const words = argv.filter((a) => !a.startsWith('-'));
  const [name0, ...args] = words;
  if (!name0) return fail('modprobe: ERROR: missing parameters. See -h.\n');
  if (remove) return dryRun ? ok() : modprobeRemove(machine, words);
  const name = name0.replace(/-/g, '_');
  const src = machine.model.modules.get(name);
  if (!src) return fail(`modprobe: FATAL: Module ${name0} not found in directory /lib/modules/${k.config.release}\n`);
  // modprobe does nothing for a module that is already loaded
  if (dryRun || k.modules.find(name)) return ok();
  const err = initModule(machine, src, args);
  if (!err || err === -EEXIST) return ok();
  // kmod's modprobe words two errnos itself and prints strerror() for the rest
  if (err === -ENOENT)
    return fail(`modprobe: ERROR: could not insert '${name}': Unknown symbol in module, or unknown parameter (see dmesg)\n`);
  return fail(`modprobe: ERROR: could not insert '${name}': ${strerror(err)}\n`);
}

/** modinfo: the module's static information, read without loading it */
export function modinfo(machine: Machine, argv: string[]): ToolResult {
  // -F takes the next word as its field name
  const path = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '-F')[0];
  if (!path) return fail('modinfo: ERROR: missing module or filename.\n');
  const src = path.endsWith('.ko') ? moduleForPath(machine, path) : machine.model.modules.get(path);
  if (!src) return fail(`modinfo: ERROR: Module ${path} not found.\n`);
  const info = probeModuleInfo(machine, src);
  const field = argv.indexOf('-F') >= 0 ? argv[argv.indexOf('-F') + 1] : undefined;
  if (field) return ok(info.has(field) ? `${info.get(field)}\n` : '');
  let out = `filename:       /lib/modules/${machine.k.config.release}/${src.name}.ko\n`;
  for (const [key, val] of info) out += `${`${key}:`.padEnd(16)}${val}\n`;
  out += `name:           ${src.name}\n`;
  return ok(out);
}

/** the .modinfo section: what the module body declares, without running its init */
export function probeModuleInfo(machine: Machine, src: ModuleSource): ReadonlyMap<string, string> {
  // read once per machine (Machine.modinfo). Not a WeakMap keyed by the machine: V8's
  // minor GC keeps a long-lived WeakMap's young entries, so every machine would outlive it
  const known = machine.modinfo;
  let info = known.get(src);
  if (!info) {
    // the body only declares things (its side effects live in init, which is not called),
    // so building it against a module that is never linked in is safe
    const mod = new Module(src.name);
    src.instantiate(machine).setup({ kernel: machine.k, THIS_MODULE: mod });
    known.set(src, (info = mod.info));
  }
  return info;
}
