/**
 * Static check of a parsed script: every command named by a literal word must exist, so a
 * suite calling a misspelt or missing helper fails when it is loaded rather than halfway
 * through a run. Words built from expansions ($cmd) and command strings handed to eval or
 * loop_until cannot be checked and are not.
 */
import type { Command, CondExpr, List, Script, Word, WordPart } from './ast.js';
import { BUILTINS, isBuiltin } from './builtins.js';
import { COREUTILS } from './coreutils.js';
import { ShellSyntaxError } from './host.js';

/** a word made only of literal text, quoted or not: its text; otherwise undefined */
function literalText(w: Word): string | undefined {
  let s = '';
  for (const p of w.parts) {
    if (p.kind === 'lit') s += p.text;
    else if (p.kind === 'dq' && p.parts.every((q) => q.kind === 'lit')) s += p.parts.map((q) => (q.kind === 'lit' ? q.text : '')).join('');
    else return undefined;
  }
  return s;
}

/** calls `visit` on every command of the list, including those inside words ($(...)) */
function walkList(list: List, visit: (c: Command) => void): void {
  for (const item of list.items) {
    for (const p of [item.cmd.first, ...item.cmd.rest.map((r) => r.pipeline)]) for (const c of p.commands) walkCommand(c, visit);
  }
}

function walkWords(words: (Word | undefined)[], visit: (c: Command) => void): void {
  const parts = (ps: WordPart[]): void => {
    for (const p of ps) {
      if (p.kind === 'dq') parts(p.parts);
      else if (p.kind === 'cmdsub') walkList(p.body, visit);
      else if (p.kind === 'arith') parts(p.expr.parts);
      else if (p.kind === 'param') {
        if (p.index && typeof p.index !== 'string') parts(p.index.parts);
        const op = p.op;
        if (op?.type === 'default' || op?.type === 'trim') parts(op.word.parts);
        else if (op?.type === 'substr') walkWords([op.offset, op.length], visit);
        else if (op?.type === 'replace') walkWords([op.pattern, op.replacement], visit);
      }
    }
  };
  for (const w of words) if (w) parts(w.parts);
}

function walkCond(e: CondExpr, visit: (c: Command) => void): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      walkCond(e.left, visit);
      walkCond(e.right, visit);
      break;
    case 'not':
      walkCond(e.expr, visit);
      break;
    case 'unary':
      walkWords([e.arg], visit);
      break;
    case 'binary':
      walkWords([e.left, e.right], visit);
      break;
    case 'word':
      walkWords([e.word], visit);
  }
}

function walkCommand(c: Command, visit: (c: Command) => void): void {
  visit(c);
  if (c.kind !== 'function') walkWords(c.redirs.map((r) => r.target), visit);
  switch (c.kind) {
    case 'simple':
      walkWords(c.words, visit);
      for (const a of c.assigns) walkWords([a.index, a.value, ...(a.array ?? [])], visit);
      break;
    case 'if':
      for (const cl of c.clauses) {
        walkList(cl.cond, visit);
        walkList(cl.body, visit);
      }
      if (c.orElse) walkList(c.orElse, visit);
      break;
    case 'while':
      walkList(c.cond, visit);
      walkList(c.body, visit);
      break;
    case 'for':
      walkWords(c.words ?? [], visit);
      walkList(c.body, visit);
      break;
    case 'arithfor':
      walkWords([c.init, c.cond, c.step], visit);
      walkList(c.body, visit);
      break;
    case 'group':
    case 'subshell':
      walkList(c.body, visit);
      break;
    case 'cond':
      walkCond(c.expr, visit);
      break;
    case 'arithcmd':
      walkWords([c.expr], visit);
      break;
    case 'function':
      walkCommand(c.body, visit);
      break;
  }
}

/** a command name that is none of the known ones; `command` is what the step spelt */
export class UnknownCommandError extends ShellSyntaxError {
  constructor(
    readonly command: string,
    offset: number,
  ) {
    super(`unknown command: ${command}`, offset);
  }
}

/**
 * What a caller may check of a command whose name is literal: its arguments as literal
 * text, or undefined for a word only known at run time. Returns a problem, or undefined.
 */
export type CallCheck = (name: string, args: Array<string | undefined>) => string | undefined;

/**
 * Throws ShellSyntaxError for the first literal command name that is not a shell builtin,
 * a coreutil, a function defined in the same script, or known to `isKnownCommand`, or for
 * the first call `checkCall` finds wrong.
 */
export function validate(ast: Script | List, isKnownCommand: (name: string) => boolean, checkCall?: CallCheck): void {
  const list = ast.kind === 'script' ? ast.body : ast;
  const functions = new Set<string>();
  walkList(list, (c) => {
    if (c.kind === 'function') functions.add(c.name);
  });
  walkList(list, (c) => {
    if (c.kind !== 'simple' || !c.words.length) return;
    const name = literalText(c.words[0]);
    if (name === undefined || isBuiltin(name) || COREUTILS.has(name) || functions.has(name)) return;
    if (!isKnownCommand(name)) throw new UnknownCommandError(name, c.words[0].pos);
    const problem = checkCall?.(name, c.words.slice(1).map(literalText));
    if (problem) throw new ShellSyntaxError(problem, c.words[0].pos);
  });
}

/** every name `validate` accepts without asking: the shell's builtins and core utilities */
export function shellCommandNames(): string[] {
  return [...Object.keys(BUILTINS), ...COREUTILS];
}
