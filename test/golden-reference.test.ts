// The golden logs against upstream: the golden files are the simulator's own output, so this
// is what keeps a green `npm test` meaning "the logs equal the kernel's". The matching is
// ../shared/tools/golden-vs-reference.py's: for each reference case cases/<model>/<script>/NN-*.yaml
// (not disabled), the golden file expected/<model>/<script>/NN-*.log must equal its `expected`
// or one of its `variants`, `$name` placeholders standing for [0-9,]+. Stricter than the
// script: a missing golden file fails, and so does a golden file no case accounts for.
// Models without a suites/<model> folder are not shipped yet and are left out, as their
// missing files are only reported by the script; a model is covered once its suites exist.
import t, { type Test } from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isCI, ROOT } from '../harness/cli.js';

const CASES = join(ROOT, '..', 'shared', 'reference', 'cases');

interface Case {
  title: string;
  disabled?: boolean;
  expected?: string;
  variants?: Array<{ expected?: string }>;
  placeholders?: Record<string, unknown>;
}

const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** does this golden text match the case (its expected text or a variant's)? */
export function matches(c: Case, golden: string): boolean {
  const wants = [c.expected, ...(c.variants ?? []).map((v) => v.expected)].filter((w): w is string => !!w);
  return wants.some((want) => {
    let pat = want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const name of Object.keys(c.placeholders ?? {})) pat = pat.split(`\\$${name}`).join('[0-9,]+');
    return new RegExp(`^(?:${pat})$`).test(golden);
  });
}

/** the comparison sees a one-character change: the text minus its first, middle (not a digit: placeholders stand for digits) and last character */
function mutants(text: string): string[] {
  let mid = text.length >> 1;
  while (mid < text.length - 1 && /[0-9,]/.test(text[mid])) mid++;
  return [...new Set([0, mid, text.length - 1])].map((i) => text.slice(0, i) + text.slice(i + 1));
}

function check(t: Test, c: Case, path: string, what: string): void {
  const text = readGolden(path);
  if (!t.ok(matches(c, text), what)) return;
  t.notOk(mutants(text).some((m) => matches(c, m)), `${what}: one character less would not match`);
}

/** as the script reads a golden file: trailing newlines stripped */
const readGolden = (path: string) => readFileSync(path, 'utf8').replace(/\n+$/, '');

if (!existsSync(CASES)) {
  if (isCI(process.env)) t.fail(`${CASES} does not exist: in CI the golden files must be compared with upstream`);
  else t.pass(`${CASES} does not exist (a user's clone): nothing to compare with`, { skip: true });
} else {
  const shipped = ls(CASES).filter((m) => existsSync(join(ROOT, 'suites', m)));
  t.ok(shipped.includes('mainline'), 'the reference covers the mainline model');
  for (const model of ls(CASES)) {
    if (!shipped.includes(model)) {
      t.comment(`${model}: no suites/${model} folder yet, its reference cases are not compared`);
      continue;
    }
    t.test(model, async (t) => {
      // golden files accounted for by a case, to find those no case covers
      const covered = new Set<string>();
      const casesOf = new Map<string, Array<[string, Case]>>();
      for (const script of ls(join(CASES, model))) {
        for (const file of ls(join(CASES, model, script)).filter((f) => f.endsWith('.yaml'))) {
          const c = parse(readFileSync(join(CASES, model, script, file), 'utf8')) as Case;
          const nn = file.split('-', 1)[0];
          (casesOf.get(script) ?? casesOf.set(script, []).get(script)!).push([nn, c]);
          if (c.disabled) continue;
          const dir = join(ROOT, 'expected', model, script);
          const golden = ls(dir).filter((f) => f.startsWith(`${nn}-`) && f.endsWith('.log'))[0];
          if (!golden) {
            t.fail(`missing  expected/${model}/${script}/${nn}-*.log  (${c.title})`);
            continue;
          }
          covered.add(join(dir, golden));
          check(t, c, join(dir, golden), `expected/${model}/${script}/${golden} equals upstream's (${c.title})`);
        }
      }
      // a suite for one version of a script (suites/<model>/<script>-<version>.yaml, e.g.
      // test-ftrace-7.2) runs the branch the reference gives as a variant of the script's case
      for (const suite of ls(join(ROOT, 'expected', model))) {
        const dir = join(ROOT, 'expected', model, suite);
        for (const golden of ls(dir).filter((f) => f.endsWith('.log'))) {
          if (covered.has(join(dir, golden))) continue;
          const script = /^(.*)-\d+\.\d+$/.exec(suite)?.[1];
          const c = script ? casesOf.get(script)?.find(([nn]) => nn === golden.split('-', 1)[0])?.[1] : undefined;
          if (!c) {
            t.fail(`expected/${model}/${suite}/${golden}: no reference case accounts for this golden file`);
            continue;
          }
          check(t, c, join(dir, golden), `expected/${model}/${suite}/${golden} equals a variant of upstream's ${script} (${c.title})`);
        }
      }
    });
  }
}
