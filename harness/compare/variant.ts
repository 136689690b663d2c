/**
 * A suite under another kernel model: the same tests and steps, booted on that model with
 * its own test modules (looked up by name) and its own functions.sh. A test that names a
 * module or a helper the model does not have cannot run there; it is kept, as a SKIP with
 * the reason `cannot run: <name> is not in <model>`, so the other tests still run.
 */
import { allModels, modelAt, versionProblem, type KernelModelDefinition } from '../models.js';
import type { Suite, SuiteTest } from '../selftest/suite.js';
import { stepValidator } from '../selftest/validate.js';

/** the golden directory of a comparison suite's logs under a model */
export function comparisonGoldenGroup(model: KernelModelDefinition): string {
  return `compare/${model.name}`;
}

/** the suite's version when the model covers it, else the model's newest */
function versionFor(suite: Suite, model: KernelModelDefinition): [number, number] {
  const v = suite.version;
  return suite.model.name === model.name || !versionProblem(model, v) ? v : model.versions[1];
}

/** $NAME and ${NAME} replaced by the suite's variables, so module names in vars are seen */
function expandVars(source: string, vars: ReadonlyMap<string, string>): string {
  return source.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => vars.get(name) ?? all);
}

/** every test module of every registered model: the names a step can only mean as modules */
function knownModules(): Set<string> {
  const names = new Set<string>();
  for (const m of allModels()) for (const name of m.modules.keys()) names.add(name);
  return names;
}

/** why this test cannot run under the model, or undefined when it can */
export function cannotRun(suite: Suite, test: SuiteTest, model: KernelModelDefinition): string | undefined {
  const vars = new Map(suite.vars);
  const modules = knownModules();
  const validate = stepValidator(model);
  for (const step of test.steps) {
    const text = expandVars(step.source, vars);
    for (const word of text.match(/[A-Za-z0-9_]+/g) ?? [])
      if (modules.has(word) && !model.modules.has(word)) return `cannot run: ${word} is not in ${model.name}`;
    const problem = validate(step.source);
    const helper = problem && /^unknown command: (\S+)/.exec(problem);
    if (helper) return `cannot run: ${helper[1]} is not in ${model.name}`;
    if (problem) return `cannot run: ${problem}`;
  }
  return undefined;
}

/** the suite as it runs under `model` (tests that cannot run there are kept as skipped) */
export function suiteUnder(suite: Suite, base: KernelModelDefinition): Suite {
  const version = versionFor(suite, base);
  const model = modelAt(base, version);
  const tests = suite.tests.map((t) => {
    if (t.disabled) return t;
    const reason = cannotRun(suite, t, model);
    return reason ? { ...t, disabled: true, skipReason: reason } : t;
  });
  return { ...suite, model, version, tests, goldenGroup: comparisonGoldenGroup(model) };
}

/** what `run` and `update` run for a suite: itself, or a comparison suite under every model */
export function runnableVariants(suite: Suite, models: readonly KernelModelDefinition[] = allModels()): Suite[] {
  if (!suite.compare) return [suite];
  return [suite.model, ...models.filter((m) => m !== suite.model)].map((m) => suiteUnder(suite, m));
}
