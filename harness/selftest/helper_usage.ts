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

/** a synopsis word by word: a leading optional flag, then required words until the first optional one */
interface Synopsis {
  flags: string[];
  required: string[];
}

function synopsisOf(usage: string): Synopsis {
  const flags: string[] = [];
  const required: string[] = [];
  for (const word of usage.split(' ')) {
    const flag = /^\[(--?[a-z-]+)\]$/.exec(word)?.[1];
    if (flag) flags.push(flag);
    else if (word.startsWith('[')) break;
    else required.push(word.replace(/\.\.\.$/, ''));
  }
  return { flags, required };
}

// every helper call of every step is checked: read the synopses once
const SYNOPSES = new Map(Object.entries(HELPER_USAGE).map(([name, usage]) => [name, synopsisOf(usage)]));

/**
 * The problem with calling `name` with `args` (undefined: a word known only at run time,
 * counted as present), or undefined when the call is fine or `name` has no synopsis here.
 */
export function helperCallProblem(name: string, args: ReadonlyArray<string | undefined>): string | undefined {
  const synopsis = SYNOPSES.get(name);
  if (synopsis === undefined) return undefined;
  let given = 0;
  // the synopses put their optional flags first ([--fail] VALUE)
  for (const flag of synopsis.flags) if (args[given] === flag) given++;
  const missing = synopsis.required[args.length - given];
  return missing === undefined ? undefined : `missing ${missing} (usage: ${name} ${HELPER_USAGE[name]})`;
}
