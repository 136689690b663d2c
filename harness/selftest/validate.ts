/**
 * Checking a suite's steps before anything runs: each must parse, each command it names
 * literally must be a helper, a tool, a shell builtin, a core utility, or a function it
 * defines, and a helper called with its arguments spelt out must get all it needs. The
 * known names are the session's own, so this never drifts from what runs.
 */
import type { KernelModelDefinition } from '../models.js';
import { didYouMean } from './did_you_mean.js';
import { helperCallProblem } from './helper_usage.js';
import { engineLimit } from './limits.js';
import { SelftestSession } from './session.js';
import { parseOnce, validate } from './shell/interpreter.js';
import { ShellSyntaxError } from './shell/host.js';
import { shellCommandNames, UnknownCommandError } from './shell/check_commands.js';
import type { StepValidator } from './suite.js';

const known = new Map<string, SelftestSession>();

/** programs a step may start with ./name & */
const PROGRAM_PREFIX = './';

export function stepValidator(model: KernelModelDefinition): StepValidator {
  // one session per model and release: the helpers a step may name are that functions.sh's
  const key = `${model.name} ${model.dialect.name}`;
  let session = known.get(key);
  if (!session) known.set(key, (session = new SelftestSession(model)));
  const s = session;
  return (source) => {
    try {
      validate(
        parseOnce(source),
        (name) => s.command(name) !== undefined || name.startsWith(PROGRAM_PREFIX),
        (name, args) => (Object.hasOwn(s.helpers, name) ? helperCallProblem(name, args) : undefined),
      );
      return undefined;
    } catch (e) {
      if (e instanceof UnknownCommandError) {
        const near = didYouMean(e.command, [...Object.keys(s.helpers), ...s.toolNames(), ...shellCommandNames()]);
        return near ? `${e.message} (did you mean ${near}?)` : e.message;
      }
      if (e instanceof ShellSyntaxError) return e.message;
      return engineLimit(e);
    }
  };
}
