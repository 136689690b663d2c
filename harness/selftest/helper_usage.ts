/**
 * How functions.sh's helpers are called, checked in one place before any helper runs.
 *
 * The shell helpers read their arguments as "$1", "$2": one left out is an empty string
 * that they pass on to insmod, sysfs paths and die messages ("test_modules/.ko"), which
 * reads as a bug in the simulator rather than in the step. So a call with fewer arguments
 * than its synopsis requires is refused, when the suite is loaded if the step spells the
 * arguments out, otherwise when the step runs.
 */

/** each helper's synopsis: required words in capitals, optional ones in brackets */
export const HELPER_USAGE: Readonly<Record<string, string>> = {
  is_livepatch_mod: 'MODULE',
  load_mod: 'MODULE [ARGS...]',
  load_lp_nowait: 'MODULE [ARGS...]',
  load_lp: 'MODULE [ARGS...]',
  load_failing_mod: 'MODULE [ARGS...]',
  unload_mod: 'MODULE',
  unload_lp: 'MODULE',
  disable_lp: 'MODULE',
  disable_lp_nowait: 'MODULE',
  set_pre_patch_ret: 'MODULE VALUE',
  does_sysfs_exist: 'MODULE ATTR',
  check_sysfs_rights: 'MODULE PATH RIGHTS',
  check_sysfs_value: 'MODULE PATH VALUE',
  check_object_patched: 'LIVEPATCH OBJECT VALUE',
  read_module_param: 'MODULE PARAM',
  write_module_param: 'MODULE PARAM VALUE',
  set_module_param: 'MODULE PARAM VALUE',
  trace_function: 'FUNCTION',
  set_ftrace_enabled: '[--fail] VALUE',
};

/**
 * The problem with calling `name` with `args` (undefined: a word known only at run time,
 * counted as present), or undefined when the call is fine or `name` has no synopsis here.
 */
export function helperCallProblem(name: string, args: ReadonlyArray<string | undefined>): string | undefined {
  const usage = HELPER_USAGE[name];
  if (usage === undefined) return undefined;
  let rest = [...args];
  for (const word of usage.split(' ')) {
    const flag = /^\[(--?[a-z-]+)\]$/.exec(word)?.[1];
    if (flag) {
      if (rest[0] === flag) rest = rest.slice(1);
      continue;
    }
    if (word.startsWith('[')) break;
    if (rest.length === 0) return `missing ${word.replace(/\.\.\.$/, '')} (usage: ${name} ${usage})`;
    rest = rest.slice(1);
  }
  return undefined;
}
