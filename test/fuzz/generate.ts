/**
 * Random suites for the fuzz test, as fast-check arbitraries: steps built from what a suite
 * writer uses (functions.sh helpers with right, missing and wrong arguments, the models'
 * modules and made-up ones, sysfs reads and writes, the tools, shell constructs nested a
 * few levels) and raw shell noise; suites valid and broken (each key of the schema with
 * a wrong type, YAML text with a character deleted, inserted or swapped, and noise).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { findModel, modelNames } from '../../harness/models.js';
import { HELPER_USAGE } from '../../harness/selftest/helper_usage.js';
import { SelftestSession } from '../../harness/selftest/session.js';

const MODEL_NAMES = modelNames();
/** the helpers of each model's functions.sh dialect */
// (loop_until, which retries its condition 601 times, is only generated with a simple
// condition: nested in itself it would retry 361,201 times and make a case cost seconds)
const HELPERS = new Map(MODEL_NAMES.map((m) => [m, Object.keys(new SelftestSession(findModel(m)!).helpers).filter((h) => h !== 'loop_until')]));
/** every helper name of any dialect, and made-up ones: what a broken step calls */
const ANY_HELPER = [...new Set([...[...HELPERS.values()].flat(), ...Object.keys(HELPER_USAGE), 'lod_lp', 'unload'])].filter((h) => h !== 'loop_until');
const BOGUS_MODULES = ['test_klp_nope', 'test_klp_livepatch2', 'vmlinux', 'x', '', '..', 'a/b', 'test_klp_callbacks_demo__nope'];
const ATTRS = ['enabled', 'transition', 'force', 'replace', 'stack_order', 'patched', 'vmlinux/patched', 'nope'];
const PARAMS = ['replace', 'pre_patch_ret', 'block_transition', 'callback_id', 'nope'];
const VALUES = ['0', '1', '-1', '-19', 'banana', 'Y', 'N', '""', '4294967296', '0x10', ' ', '$x'];
const FUNCS = ['cmdline_proc_show', 'version_proc_show', 'kernel_clone', 'nope'];

/** the modules a step may name under `model`: its own, most of the time, and some that are not */
function moduleArb(model: string): fc.Arbitrary<string> {
  const own = [...findModel(model)!.modules.keys()];
  return fc.oneof({ arbitrary: fc.constantFrom(...own), weight: 6 }, { arbitrary: fc.constantFrom(...BOGUS_MODULES), weight: 1 });
}

/** raw shell text: the characters that matter to the lexer, in any order */
const noise = fc.string({ unit: fc.constantFrom(...' \t$(){}[]"\';|&<>#\\!*?=~,.-_/0123456789abcxyzABC'.split(''), '\n', '\r', '$(', '((', '{1..3}', '${', '`'), maxLength: 40 });

/**
 * One step under `model`. A `broken` step may also call helpers of other dialects or
 * made-up ones, leave out required arguments, or be raw shell noise: most of those are
 * refused when the suite is loaded; the others are steps that load and then fail.
 */
export function stepArb(model: string, broken = false): fc.Arbitrary<string> {
  const mod = moduleArb(model);
  const word = fc.oneof({ arbitrary: mod, weight: 4 }, fc.constantFrom(...VALUES), fc.constantFrom(...PARAMS.map((p) => `${p}=1`)), fc.constantFrom('$MOD', '"$x"', "'a b'", '$?', '$!', '${x:-d}', '{a,b}'));
  // three words cover every helper's required arguments; a broken call may have fewer
  const helperCall = fc
    .tuple(fc.constantFrom(...(broken ? ANY_HELPER : HELPERS.get(model)!)), fc.array(word, { minLength: broken ? 0 : 3, maxLength: 4 }))
    .map(([h, args]) => [h, ...args].join(' '));
  const path = fc.oneof(
    fc.tuple(mod, fc.constantFrom(...ATTRS)).map(([m, a]) => `/sys/kernel/livepatch/${m}/${a}`),
    fc.tuple(mod, fc.constantFrom(...PARAMS)).map(([m, p]) => `/sys/module/${m}/parameters/${p}`),
    mod.map((m) => `/sys/module/${m}/refcnt`),
    fc.constantFrom('/dev/kmsg', '/dev/null', '/tmp/f', '/tmp', '/proc/cmdline', '/proc/version', '/sys/kernel/livepatch', '/sys/kernel/debug/dynamic_debug/control', '/sys/kernel/tracing/trace', '/sys/kernel/tracing/set_ftrace_filter', '/nope', '/'),
  );
  const simple = fc.oneof(
    { arbitrary: helperCall, weight: 400 },
    { arbitrary: fc.tuple(fc.constantFrom(...VALUES), path, fc.constantFrom('>', '>>')).map(([v, p, r]) => `echo ${v} ${r} ${p}`), weight: 200 },
    { arbitrary: fc.tuple(fc.constantFrom('cat', 'ls', 'stat -c %A', 'wc -l', 'grep -c 1', 'head -n 1', 'tail -n 1'), path).map(([c, p]) => `${c} ${p}`), weight: 150 },
    { arbitrary: fc.tuple(mod, fc.array(word, { maxLength: 2 })).map(([m, a]) => `insmod test_modules/${m}.ko ${a.join(' ')}`), weight: 100 },
    { arbitrary: fc.tuple(fc.constantFrom('rmmod', 'rmmod -f', 'modprobe', 'modprobe -r', 'modprobe --dry-run', 'modinfo', 'modinfo -F livepatch'), mod).map(([c, m]) => `${c} ${m}`), weight: 100 },
    {
      arbitrary: fc.constantFrom(
        'dmesg | tail -n 3',
        'dmesg -C',
        'sleep 0.1',
        'sleep 5',
        'sleep 100000',
        'sysctl kernel.ftrace_enabled=0',
        'sysctl -q kernel.ftrace_enabled=1',
        './test_klp-call_getpid &',
        'kill $!',
        'date',
        'uname -r',
        'nproc',
        'seq 1 5',
        'true',
        'false',
        'exit 0',
        'exit 3',
        'return 1',
        'break',
        'printf "%0600000000d" 1',
        'printf "%s %d %x\\n" a 12 255',
        'printf "%02000d" 1 > /dev/kmsg',
        "printf 'a\\0b' > /dev/kmsg",
        'x=$(printf "a\\0b")',
        'echo {1..5} {a,b}{c,d}',
        'echo {1..100000000}',
        'mods=(/sys/kernel/livepatch/*); echo ${#mods[@]}',
        'eval "$x"',
        'unset x; readonly R=1; R=2',
        'f() { f; }; f',
      ),
      weight: 150,
    },
    // what would hang a real machine: rare, as each costs the shell's whole loop budget
    {
      arbitrary: fc.oneof({ arbitrary: fc.constantFrom('while true; do :; done', 'x=$(until false; do :; done)'), weight: 1 }, { arbitrary: fc.constantFrom('while false; do :; done', 'until true; do :; done'), weight: 3 }),
      weight: 1,
    },
    { arbitrary: fc.tuple(fc.integer({ min: -5, max: 5 }), fc.constantFrom('+', '-', '*', '/', '%', '**', '<<', '&&', '?:'), fc.integer({ min: -5, max: 5 })).map(([a, o, b]) => `x=$((${a} ${o === '?:' ? `? ${b} :` : o} ${b}))`), weight: 100 },
    { arbitrary: noise, weight: broken ? 200 : 0 },
  );
  const { step } = fc.letrec<{ step: string }>((tie) => ({
    step: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: simple, weight: 10 },
      { arbitrary: fc.tuple(tie('step'), fc.constantFrom(';', '&&', '||', '|'), tie('step')).map(([a, op, b]) => `${a} ${op} ${b}`), weight: 2 },
      { arbitrary: fc.tuple(tie('step'), tie('step')).map(([c, b]) => `if ${c}; then ${b}; else :; fi`), weight: 1 },
      { arbitrary: fc.tuple(fc.integer({ min: 0, max: 4 }), tie('step')).map(([n, b]) => `for i in {1..${n}}; do ${b}; done`), weight: 1 },
      { arbitrary: tie('step').map((b) => `n=0; while [ $n -lt 3 ]; do n=$((n + 1)); ${b}; done`), weight: 1 },
      { arbitrary: tie('step').map((b) => `x=$(${b})`), weight: 1 },
      { arbitrary: tie('step').map((b) => `( ${b} )`), weight: 1 },
      { arbitrary: tie('step').map((b) => `{ ${b}; }`), weight: 1 },
      { arbitrary: tie('step').map((b) => `g() { ${b}; }; g a b`), weight: 1 },
      // loop_until retries 601 times: its condition is a simple command, as upstream's are
      { arbitrary: simple.map((b) => `loop_until '${b.replace(/'/g, '')}'`), weight: 1 },
      { arbitrary: tie('step').map((b) => `[[ -n "$(${b})" ]]`), weight: 1 },
    ),
  }));
  return step;
}

interface SuiteShape {
  kernel: string;
  version?: string;
  vars?: Record<string, string>;
  compare?: boolean;
  tests: Array<{ title: string; steps: string[]; disabled?: boolean }>;
}

function versionArb(model: string, broken: boolean): fc.Arbitrary<string | undefined> {
  // the ends of the model's range and of each of its releases (each with its own dialect)
  const def = findModel(model)!;
  const ends = [def.versions, ...(def.releases ?? []).map((r) => r.versions)].flat().map((v) => v.join('.'));
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: fc.constantFrom(...ends), weight: 2 },
    { arbitrary: fc.constantFrom('6.20', '2.4', '7', 'x.y', '99.99'), weight: broken ? 2 : 0 },
  );
}

const GOOD_TITLES = ['basic', 'two words', 'replace', 'callbacks', 'a # b', 'ends in a dot.'];
const BAD_TITLES = ['evil # SKIP no', 'line\nbreak', 'not ok 3', '---', '', '  ', '\\', 'basic'];

/** a suite valid in its schema, with steps a writer would use; `broken`: any mistake may be in it */
function suiteShape(broken: boolean): fc.Arbitrary<SuiteShape> {
  return fc.constantFrom(...MODEL_NAMES).chain((kernel) =>
    fc.record(
      {
        kernel: fc.constant(kernel),
        version: versionArb(kernel, broken),
        vars: fc.option(fc.dictionary(fc.constantFrom('MOD', 'x', 'MOD_LIVEPATCH', ...(broken ? ['1bad'] : [])), fc.oneof(moduleArb(kernel), fc.constantFrom(...VALUES))), { nil: undefined }),
        compare: fc.option(fc.boolean(), { freq: 8, nil: undefined }),
        tests: fc
          .array(
            fc.record(
              {
                title: broken ? fc.oneof({ arbitrary: fc.constantFrom(...GOOD_TITLES), weight: 3 }, fc.constantFrom(...BAD_TITLES), fc.string({ maxLength: 20 })) : fc.constantFrom(...GOOD_TITLES),
                steps: fc.array(broken ? fc.oneof(stepArb(kernel), stepArb(kernel, true)) : stepArb(kernel), { minLength: 1, maxLength: 4 }),
                disabled: fc.option(fc.boolean(), { freq: 6, nil: undefined }),
              },
              { requiredKeys: ['title', 'steps'] },
            ),
            { minLength: 1, maxLength: 3 },
          )
          // a valid suite's titles name distinct golden files
          .map((tests) => (broken ? tests : tests.map((t, i) => ({ ...t, title: `${t.title} ${i + 1}` })))),
      },
      { requiredKeys: ['kernel', 'tests'] },
    ),
  );
}

/** suites whose schema is right and whose steps a writer would write (they may still fail when run) */
export const suiteShapeArb = suiteShape(false);

const toYaml = (s: unknown) => stringify(s, { lineWidth: 0 });

/** a schema mistake: one key of the suite or of a test given a wrong value, or dropped, or misspelt */
const wrongValue = fc.constantFrom<unknown>(null, 7, true, 'text', [], {}, [1, [2]], { a: { b: 1 } });
const schemaBroken = fc.tuple(suiteShapeArb, fc.constantFrom('kernel', 'version', 'vars', 'compare', 'tests', 'title', 'steps', 'disabled', 'step', 'extra'), wrongValue, fc.boolean()).map(([s, key, value, drop]) => {
  const o = structuredClone(s) as unknown as Record<string, unknown> & { tests: Array<Record<string, unknown>> };
  const target: Record<string, unknown> = ['title', 'steps', 'disabled', 'step'].includes(key) ? o.tests[0] : o;
  if (drop) delete target[key];
  else target[key] = value;
  return toYaml(o);
});

/** YAML text damaged by a few edits of single characters */
const textBroken = fc.tuple(suiteShapeArb, fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'swap'), fc.constantFrom(...':-#"\'|>[]{}\n \t&*!%@`'.split(''))), { minLength: 1, maxLength: 3 })).map(([s, edits]) => {
  let text = toYaml(s);
  for (const [at, op, c] of edits) {
    const i = at % Math.max(1, text.length);
    if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
    else if (op === 'insert') text = text.slice(0, i) + c + text.slice(i);
    else text = text.slice(0, i) + text.slice(i + 1, i + 2) + text.slice(i, i + 1) + text.slice(i + 2);
  }
  return text;
});

/** a suite file's text: mostly well-formed suites with random steps, some broken ones, some noise */
export const suiteTextArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: suiteShapeArb.map(toYaml), weight: 5 },
  { arbitrary: suiteShape(true).map(toYaml), weight: 2 },
  { arbitrary: schemaBroken, weight: 2 },
  { arbitrary: textBroken, weight: 2 },
  { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
);
