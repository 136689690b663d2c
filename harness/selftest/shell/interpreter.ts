/**
 * The interpreter: runs parsed scripts against a ShellHost as a non-interactive bash would
 * (`bash -c`), keeping variables, functions and $? from one run to the next so a suite's
 * steps behave like the lines of one script.
 *
 * Command lookup: shell functions, then builtins, then the host's commands, then the
 * simulated coreutils. A CommandImpl gets the arguments without the command name, the way
 * a shell function sees "$@".
 */
import { ArithError, evalArith, type ArithVars } from './arith.js';
import type { AndOr, Assign, Command, List, Pipeline, Redir, Script, SimpleCommand, Word } from './ast.js';
import { BUILTINS, DECLARATION_BUILTINS } from './builtins.js';
import { condStatus, type CondContext } from './cond.js';
import { FatalError, LoopSignal, ReturnSignal } from './control.js';
import { coreutil, writeErrorStatus } from './coreutils.js';
import { Expander } from './expand.js';
import { ShellExit, ShellHang, ShellSyntaxError, type CommandImpl, type CommandIO, type FsError, type ShellApi, type ShellHost } from './host.js';
import { parse } from './parser.js';
import { applyRedirections, type Io } from './redirect.js';
import { Variables } from './variables.js';

export { parse } from './parser.js';
export { validate } from './check_commands.js';

export interface ShellOptions {
  stdout?(text: string): void;
  stderr?(text: string): void;
  /** what $$ expands to */
  pid?: number;
}

interface ShellFunction {
  body: Command;
  /** the text the body was parsed from, for line numbers */
  source: string;
}

/**
 * a script stuck in a loop is a bug in the script; stop it rather than hang the run. The
 * iterations of all the loops of one command line count (nested loops multiply): far
 * above any loop a selftest runs (loop_until tries 601 times), low enough to say so in a
 * fraction of a second.
 */
const MAX_ITERATIONS = 100_000;
const MAX_FUNCTION_DEPTH = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parsed steps, by their text: the interpreter never changes a tree, and a suite (or the
 * explorer's thousands of walks) runs the same steps again and again. Bounded, so that a
 * fuzzing campaign's endless new texts cannot grow it.
 */
const PARSED = new Map<string, Script>();

export function parseOnce(source: string): Script {
  let script = PARSED.get(source);
  if (!script) {
    script = parse(source);
    if (PARSED.size >= 4096) PARSED.clear();
    PARSED.set(source, script);
  }
  return script;
}

export class Shell implements ShellApi {
  readonly functions = new Map<string, ShellFunction>();
  readonly vars = new Variables();
  positional: string[] = [];
  loopDepth = 0;
  private io: Io;
  private status = 0;
  private lastBg: number | undefined;
  private readonly pid: number;
  /** the text being run and the offset of the current command, for `line N` in messages */
  private source = '';
  private pos = 0;
  /** status of the last command substitution: the status of a command without a name */
  private subStatus: number | undefined;
  private readonly expander: Expander;
  private readonly arithVars: ArithVars;
  private readonly condContext: CondContext;

  constructor(
    readonly host: ShellHost,
    opts: ShellOptions = {},
  ) {
    const stdout = opts.stdout ?? (() => {});
    const stderr = opts.stderr ?? (() => {});
    this.io = { stdin: '', out: (t) => void stdout(t), err: (t) => void stderr(t) };
    this.pid = opts.pid ?? 1000;
    this.arithVars = {
      get: (name, index) => (index === undefined ? this.value(name) : this.vars.element(name, Number(index))),
      set: (name, value, index) => {
        if (index === undefined) this.vars.setScalar(name, value);
        else this.setElement(name, Number(index), value);
      },
    };
    this.expander = new Expander({
      fs: host.fs,
      value: (n) => this.value(n),
      elements: (n) => (n === '@' || n === '*' ? this.positional : this.vars.elements(n)),
      element: (n, i) => this.vars.element(n, Number(i)),
      assign: (n, v) => {
        if (this.vars.isReadonly(n)) this.fail(`${n}: readonly variable`);
        this.vars.setScalar(n, v);
      },
      commandSubst: (body) => this.commandSubst(body),
      arith: (e) => this.arith(e),
      fail: (m) => this.fail(m),
      exit: (m, status) => {
        this.io.err(`${this.prefix()}${m}\n`);
        throw new ShellExit(status);
      },
    });
    this.condContext = {
      expander: this.expander,
      arith: this.arithVars,
      fs: host.fs,
      isSet: (name) => (NAME.test(name) ? this.value(name) !== undefined : /^[A-Za-z_]\w*\[/.test(name)),
      setArray: (name, items) => this.vars.setArray(name, items),
      error: (m) => void this.io.err(`${this.prefix()}${m}\n`),
    };
  }

  // ---- ShellApi ----

  get lastStatus(): number {
    return this.status;
  }

  getVar(name: string): string | undefined {
    return this.value(name);
  }

  setVar(name: string, value: string): void {
    this.vars.setScalar(name, value);
  }

  /** run a script; a syntax error is thrown (ShellSyntaxError), `exit` throws ShellExit */
  run(source: string | Script): number {
    const script = typeof source === 'string' ? parseOnce(source) : source;
    // the loop budget is the whole step's: nested loops that never end count together
    if (this.runDepth++ === 0) this.iterations = 0;
    try {
      return this.runScript(script);
    } catch (e) {
      // an expansion error abandons the rest of the script, with status 1
      if (e instanceof FatalError) return (this.status = 1);
      if (e instanceof LoopSignal) return this.status;
      throw e;
    } finally {
      this.runDepth--;
    }
  }

  /** `eval` for the harness (loop_until ...): every error becomes a status, as in bash */
  eval(source: string): number {
    const saved = this.pos;
    try {
      return this.evalBuiltin(source);
    } catch (e) {
      if (e instanceof FatalError) return (this.status = 1);
      throw e;
    } finally {
      this.pos = saved;
    }
  }

  // ---- for builtins ----

  /** `bash: line N: `, the prefix of the shell's own messages */
  prefix(): string {
    let line = 1;
    for (let i = this.source.indexOf('\n'); i >= 0 && i < this.pos; i = this.source.indexOf('\n', i + 1)) line++;
    return `bash: line ${line}: `;
  }

  /** the eval builtin: parse and run in this shell; a syntax error is status 2 */
  evalBuiltin(source: string): number {
    let script: Script;
    try {
      script = parse(source);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.io.err(`bash: eval: line 1: ${e.message}\n`);
      return (this.status = 2);
    }
    return this.runScript(script);
  }

  /** NAME=VALUE from a builtin; false (after a message) for a readonly variable */
  assignScalar(name: string, value: string, io: CommandIO): boolean {
    if (this.vars.isReadonly(name)) {
      io.err(`${this.prefix()}${name}: readonly variable\n`);
      return false;
    }
    this.vars.setScalar(name, value);
    return true;
  }

  /** unset NAME or unset 'NAME[i]' */
  unsetVar(spec: string, io: CommandIO): boolean {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(spec);
    if (!m) {
      io.err(`${this.prefix()}unset: \`${spec}': not a valid identifier\n`);
      return false;
    }
    if (this.vars.isReadonly(m[1])) {
      io.err(`${this.prefix()}unset: ${m[1]}: cannot unset: readonly variable\n`);
      return false;
    }
    if (m[2] === undefined) this.vars.unset(m[1]);
    else this.vars.unsetElement(m[1], Number(this.arith(m[2])));
    return true;
  }

  // ---- variables ----

  /** $name, including the special parameters */
  private value(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '!':
        return this.lastBg === undefined ? undefined : String(this.lastBg);
      case '$':
        return String(this.pid);
      case '#':
        return String(this.positional.length);
      case '0':
        return 'bash';
      case '-':
        return 'hB';
      case '@':
      case '*':
        return this.positional.join(' ');
    }
    if (name[0] >= '1' && name[0] <= '9') return this.positional[Number(name) - 1];
    return this.vars.scalar(name);
  }

  private setElement(name: string, index: number, value: string): void {
    if (!this.vars.setElement(name, index, value)) this.fail(`${name}[${index}]: bad array subscript`);
  }

  /** X=..., X+=..., X[i]=..., X=(...); false (after a message) for a readonly variable */
  private assign(a: Assign): boolean {
    if (this.vars.isReadonly(a.name)) {
      this.io.err(`${this.prefix()}${a.name}: readonly variable\n`);
      return false;
    }
    if (a.array) {
      this.vars.setArray(a.name, this.expander.words(a.array), a.append);
      return true;
    }
    const value = this.expander.string(a.value!);
    if (a.index) {
      const i = Number(this.arith(this.expander.string(a.index)));
      this.setElement(a.name, i, a.append ? (this.vars.element(a.name, i) ?? '') + value : value);
    } else this.vars.setScalar(a.name, a.append ? (this.vars.scalar(a.name) ?? '') + value : value);
    return true;
  }

  private arith(expr: string): bigint {
    try {
      return evalArith(expr, this.arithVars);
    } catch (e) {
      if (e instanceof ArithError) this.fail(e.message);
      throw e;
    }
  }

  /** print an error and abandon the command line */
  private fail(message: string): never {
    this.io.err(`${this.prefix()}${message}\n`);
    throw new FatalError(message);
  }

  // ---- lists and pipelines ----

  private runScript(script: Script): number {
    const saved = { source: this.source, pos: this.pos };
    this.source = script.source;
    try {
      return this.execList(script.body);
    } finally {
      this.source = saved.source;
      this.pos = saved.pos;
    }
  }

  private execList(list: List): number {
    let status = 0;
    for (const item of list.items) {
      status = item.background ? this.background(item.cmd.first.commands[0] as SimpleCommand) : this.execAndOr(item.cmd);
      this.status = status;
    }
    return status;
  }

  private execAndOr(a: AndOr): number {
    let status = this.execPipeline(a.first);
    for (const { op, pipeline } of a.rest) if ((op === '&&') === (status === 0)) status = this.execPipeline(pipeline);
    return status;
  }

  /** each part of a longer pipeline runs in a subshell, its output the next one's input */
  private execPipeline(p: Pipeline): number {
    let status = 0;
    if (p.commands.length === 1) status = this.execCommand(p.commands[0]);
    else {
      const saved = this.io;
      let input = saved.stdin;
      try {
        p.commands.forEach((c, i) => {
          let buffer = '';
          const last = i === p.commands.length - 1;
          this.io = { stdin: input, out: last ? saved.out : (t) => void (buffer += t), err: saved.err };
          status = this.subshell(() => this.execCommand(c));
          input = buffer;
        });
      } finally {
        this.io = saved;
      }
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    return (this.status = status);
  }

  /** run in a copy of the shell: nothing it changes survives, and exit only ends it */
  private subshell(fn: () => number): number {
    const restoreVars = this.vars.snapshot();
    const saved = { functions: new Map(this.functions), positional: this.positional, lastBg: this.lastBg, loopDepth: this.loopDepth, pos: this.pos };
    try {
      return fn();
    } catch (e) {
      if (e instanceof ShellExit || e instanceof ReturnSignal) return e.status;
      if (e instanceof LoopSignal) return 0;
      if (e instanceof FatalError) return 1;
      throw e;
    } finally {
      restoreVars();
      this.functions.clear();
      for (const [k, v] of saved.functions) this.functions.set(k, v);
      this.positional = saved.positional;
      this.lastBg = saved.lastBg;
      this.loopDepth = saved.loopDepth;
      this.pos = saved.pos;
    }
  }

  /** $(...): the output, captured; its status becomes $? */
  private commandSubst(body: List): string {
    const saved = this.io;
    let out = '';
    this.io = { stdin: saved.stdin, out: (t) => void (out += t), err: saved.err };
    try {
      this.subStatus = this.subshell(() => this.execList(body));
    } finally {
      this.io = saved;
    }
    this.status = this.subStatus;
    // a shell variable is a C string: bash drops the NUL bytes, and says so
    if (out.includes('\0')) {
      this.io.err(`${this.prefix()}warning: command substitution: ignored null byte in input\n`);
      out = out.replaceAll('\0', '');
    }
    return out;
  }

  // ---- commands ----

  private execCommand(c: Command): number {
    switch (c.kind) {
      case 'simple':
        return this.execSimple(c);
      case 'function':
        this.functions.set(c.name, { body: c.body, source: this.source });
        return 0;
      case 'group':
        return this.redirected(c.redirs, () => this.execList(c.body));
      case 'subshell':
        return this.redirected(c.redirs, () => this.subshell(() => this.execList(c.body)));
      case 'if':
        return this.redirected(c.redirs, () => {
          for (const clause of c.clauses) if (this.execList(clause.cond) === 0) return this.execList(clause.body);
          return c.orElse ? this.execList(c.orElse) : 0;
        });
      case 'while':
        return this.redirected(c.redirs, () =>
          this.loop(() => (this.execList(c.cond) === 0) !== c.until, () => this.execList(c.body)),
        );
      case 'for':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          const items = c.words ? this.expander.words(c.words) : this.positional.slice();
          let i = 0;
          const next = () => {
            if (i >= items.length) return false;
            if (this.vars.isReadonly(c.name)) this.fail(`${c.name}: readonly variable`);
            this.vars.setScalar(c.name, items[i++]);
            return true;
          };
          return this.loop(next, () => this.execList(c.body));
        });
      case 'arithfor':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          const ev = (w: Word) => this.arith(this.expander.string(w));
          ev(c.init);
          let first = true;
          const next = () => {
            if (!first) ev(c.step);
            first = false;
            return c.cond.parts.length === 0 || ev(c.cond) !== 0n;
          };
          return this.loop(next, () => this.execList(c.body));
        });
      case 'cond':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          return condStatus(c.expr, this.condContext);
        });
      case 'arithcmd':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          const expr = this.expander.string(c.expr);
          try {
            return evalArith(expr, this.arithVars) !== 0n ? 0 : 1;
          } catch (e) {
            if (!(e instanceof ArithError)) throw e;
            this.io.err(`${this.prefix()}${e.message}\n`);
            return 1;
          }
        });
    }
  }

  /**
   * A loop: `more` says whether to go on (a while condition, the next for item); a break
   * ends the loop, a continue the iteration; `break N` unwinds N loops.
   */
  /** loop iterations since the command line began (run()), and how deep run() is nested */
  private iterations = 0;
  private runDepth = 0;

  private loop(more: () => boolean, body: () => number): number {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        if (++this.iterations > MAX_ITERATIONS) {
          // bash would spin here for ever: the run cannot go on
          throw new ShellHang(`a loop never ends (stopped after ${MAX_ITERATIONS} iterations in one command line)`);
        }
        if (!more()) break;
        try {
          status = body();
        } catch (e) {
          if (!(e instanceof LoopSignal)) throw e;
          if (e.levels > 1) {
            e.levels--;
            throw e;
          }
          status = 0;
          if (e.kind === 'break') break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private execSimple(c: SimpleCommand): number {
    this.pos = c.pos;
    this.subStatus = undefined;
    const argv = this.expandArgs(c.words);
    this.pos = c.pos;
    if (!argv.length) {
      return this.redirected(c.redirs, () => {
        // a failed assignment (readonly) abandons the line, as in bash
        for (const a of c.assigns) if (!this.assign(a)) throw new FatalError(a.name);
        return this.subStatus ?? 0;
      });
    }
    return this.redirected(c.redirs, () => {
      if (!c.assigns.length) return this.invoke(argv);
      // NAME=value cmd: the assignments hold for this command only
      const saved = c.assigns.map((a) => [a.name, this.vars.raw(a.name)] as const);
      try {
        // bash reports a readonly variable here but still runs the command
        for (const a of c.assigns) this.assign(a);
        return this.invoke(argv);
      } finally {
        for (const [name, v] of saved) this.vars.restore(name, v);
      }
    });
  }

  /** command words; after export/local/readonly, NAME=value words are not split or globbed */
  private expandArgs(words: Word[]): string[] {
    const first = words[0]?.parts;
    const head = first?.length === 1 && first[0].kind === 'lit' && !first[0].quoted ? first[0].text : undefined;
    if (head === undefined || !DECLARATION_BUILTINS.has(head)) return this.expander.words(words);
    const out: string[] = [];
    for (const w of words) {
      const p = w.parts[0];
      if (p?.kind === 'lit' && !p.quoted && /^[A-Za-z_][A-Za-z0-9_]*=/.test(p.text)) out.push(this.expander.string(w));
      else out.push(...this.expander.words([w]));
    }
    return out;
  }

  /** `cmd &`: the host starts the program; $! is its pid */
  private background(c: SimpleCommand): number {
    this.pos = c.pos;
    const argv = this.expander.words(c.words);
    this.pos = c.pos;
    if (!argv.length) return 0;
    const r = this.host.spawn(argv);
    if (typeof r === 'number') this.lastBg = r;
    else this.io.err(`${this.prefix()}${argv[0]}: ${r.message}\n`);
    return 0;
  }

  /** functions, then builtins, then the host's commands, then coreutils */
  private invoke(argv: string[]): number {
    const name = argv[0];
    const fn = this.functions.get(name);
    if (fn) return this.callFunction(fn, argv);
    let impl: CommandImpl | undefined;
    let gnu = false;
    const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
    if (builtin) impl = (args, io) => builtin(this, [name, ...args], io);
    else impl = this.host.command(name);
    if (!impl) {
      impl = coreutil(name, this.host);
      gnu = impl !== undefined;
    }
    if (!impl) {
      this.io.err(`${this.prefix()}${name}: ${name.includes('/') ? 'No such file or directory' : 'command not found'}\n`);
      return 127;
    }
    // a command stops writing at its first failed write and reports it once
    const io = this.io;
    let writeError: FsError | undefined;
    const cio: CommandIO = {
      stdin: io.stdin,
      out: (t) => {
        if (t && !writeError) writeError = io.out(t);
      },
      err: (t) => void io.err(t),
      shell: this,
    };
    const pos = this.pos;
    let status = impl(argv.slice(1), cio) & 255;
    if (writeError) {
      this.pos = pos;
      // bash's builtins say `bash: line N: echo: write error: ...`, GNU programs `cat: write error: ...`
      io.err(`${gnu ? '' : this.prefix()}${name}: write error: ${writeError.message}\n`);
      status = gnu ? writeErrorStatus(name) : 1;
    }
    return status;
  }

  private callFunction(fn: ShellFunction, argv: string[]): number {
    if (this.vars.depth >= MAX_FUNCTION_DEPTH) this.fail(`${argv[0]}: maximum function nesting level exceeded (${MAX_FUNCTION_DEPTH})`);
    const saved = { positional: this.positional, source: this.source, pos: this.pos };
    this.positional = argv.slice(1);
    this.vars.pushFrame();
    this.source = fn.source;
    try {
      return this.execCommand(fn.body);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.vars.popFrame();
      this.positional = saved.positional;
      this.source = saved.source;
      this.pos = saved.pos;
    }
  }

  /** run with the redirections applied, then close what they opened; status 1 when one fails */
  private redirected(redirs: Redir[], run: () => number): number {
    if (!redirs.length) return run();
    const saved = this.io;
    const r = applyRedirections(redirs, saved, { fs: this.host.fs, expand: (w) => this.expander.string(w), prefix: () => this.prefix() });
    if (!r) return 1;
    this.io = r.io;
    try {
      return run();
    } finally {
      this.io = saved;
      for (const f of r.opened) f.close();
    }
  }
}
