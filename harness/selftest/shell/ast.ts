/**
 * The syntax tree of the bash subset the selftest steps are written in. The parser builds
 * it once per step; the interpreter walks it. Every node that can fail at run time keeps
 * the offset of its first character so a message can name the line it came from.
 */

/** A piece of a word. Quoting is kept on the parts because it decides splitting and globbing. */
export type WordPart =
  /** literal text; `quoted` text (from '...', "...", or \x) is never split or globbed */
  | { kind: 'lit'; text: string; quoted: boolean }
  /** "...": its parts expand without splitting or globbing */
  | { kind: 'dq'; parts: WordPart[] }
  | ParamPart
  /** $(...): the list runs in a subshell and its output, minus trailing newlines, is spliced in */
  | { kind: 'cmdsub'; body: List }
  /** $((...)): the expression is expanded like a double-quoted string, then evaluated */
  | { kind: 'arith'; expr: Word };

export interface Word {
  parts: WordPart[];
  pos: number;
}

/** ${...} and $name: which variable, which element, and what to do with the value */
export interface ParamPart {
  kind: 'param';
  /** a variable name, a positional number, or one of ? ! $ # @ * - */
  name: string;
  /** ${a[@]}, ${a[*]}, or an arithmetic subscript ${a[N]} */
  index?: '@' | '*' | Word;
  op?: ParamOp;
}

export type ParamOp =
  | { type: 'length' }
  | { type: 'substr'; offset: Word; length?: Word }
  /** :- - := = :+ + :? ? */
  | { type: 'default'; op: string; word: Word }
  /** # ## % %% */
  | { type: 'trim'; op: string; word: Word }
  /** ${x/pat/rep}; mode '/' replaces all, '#' and '%' anchor at the start or end */
  | { type: 'replace'; mode: '' | '/' | '#' | '%'; pattern: Word; replacement: Word };

export interface Assign {
  name: string;
  /** pids[$i]=...: the subscript, evaluated arithmetically */
  index?: Word;
  /** X+=... */
  append: boolean;
  /** X=word (absent for an array assignment) */
  value?: Word;
  /** X=(w1 w2 ...) */
  array?: Word[];
  pos: number;
}

export interface Redir {
  /** the file descriptor redirected (1 for `>`, 0 for `<`, both 1 and 2 for `&>`) */
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&' | '&>' | '&>>' | '<<<';
  target: Word;
  pos: number;
}

export interface SimpleCommand {
  kind: 'simple';
  assigns: Assign[];
  words: Word[];
  redirs: Redir[];
  pos: number;
}

export interface IfCommand {
  kind: 'if';
  clauses: { cond: List; body: List }[];
  orElse?: List;
  redirs: Redir[];
  pos: number;
}

export interface LoopCommand {
  kind: 'while';
  /** `until` runs while the condition fails */
  until: boolean;
  cond: List;
  body: List;
  redirs: Redir[];
  pos: number;
}

export interface ForCommand {
  kind: 'for';
  name: string;
  /** undefined for `for x; do`, which walks "$@" */
  words?: Word[];
  body: List;
  redirs: Redir[];
  pos: number;
}

export interface ArithForCommand {
  kind: 'arithfor';
  init: Word;
  cond: Word;
  step: Word;
  body: List;
  redirs: Redir[];
  pos: number;
}

/** { list; } runs in the current shell, ( list ) in a copy of it */
export interface GroupCommand {
  kind: 'group' | 'subshell';
  body: List;
  redirs: Redir[];
  pos: number;
}

export interface CondCommand {
  kind: 'cond';
  expr: CondExpr;
  redirs: Redir[];
  pos: number;
}

/** (( expr )): status 0 when the value is not zero */
export interface ArithCommand {
  kind: 'arithcmd';
  expr: Word;
  redirs: Redir[];
  pos: number;
}

export interface FunctionDef {
  kind: 'function';
  name: string;
  body: Command;
  pos: number;
}

/** [[ ... ]]; words in it are neither split nor globbed */
export type CondExpr =
  | { kind: 'and' | 'or'; left: CondExpr; right: CondExpr }
  | { kind: 'not'; expr: CondExpr }
  | { kind: 'unary'; op: string; arg: Word }
  /** for == and != the right side is a pattern; for =~ an extended regular expression */
  | { kind: 'binary'; op: string; left: Word; right: Word }
  /** a lone word: true when not empty */
  | { kind: 'word'; word: Word };

export type Command =
  | SimpleCommand
  | IfCommand
  | LoopCommand
  | ForCommand
  | ArithForCommand
  | GroupCommand
  | CondCommand
  | ArithCommand
  | FunctionDef;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface ListItem {
  cmd: AndOr;
  /** `cmd &`: only a simple command, started with ShellHost.spawn */
  background: boolean;
}

export interface List {
  kind: 'list';
  items: ListItem[];
}

/** a parsed script: the list plus the text it came from, for line numbers in messages */
export interface Script {
  kind: 'script';
  body: List;
  source: string;
}
