/**
 * The interpreter: runs parsed scripts against a ShellHost as a non-interactive bash would
 * (`bash -c`), keeping variables, functions and $? from one run to the next so a suite's
 * steps behave like the lines of one script.
 *
 * Output goes through sinks, one per file descriptor; a sink's write is one write(2) on the
 * simulated machine and may fail, which the command that wrote sees as a write error.
 */
import { ArithError, evalArith, type ArithVars } from './arith.js';
import type { AndOr, Assign, Command, CondExpr, List, Pipeline, Redir, Script, SimpleCommand } from './ast.js';
import { BUILTINS, DECLARATION_BUILTINS, fileTest } from './builtins.js';
import { FatalError, LoopSignal, ReturnSignal } from './control.js';
import { coreutil, writeErrorStatus } from './coreutils.js';
import { Expander, type ExpandHost } from './expand.js';
import { globMatch } from './glob.js';
import { ShellExit, ShellSyntaxError, type CommandImpl, type CommandIO, type FsError, type OpenFile, type ShellApi, type ShellHost } from './host.js';
import { parse } from './parser.js';
import { posixToJs, RegexError } from './regex.js';

export { validate } from './validate.js';
export { parse } from './parser.js';

export interface ShellOptions {
  stdout?(text: string): void;
  stderr?(text: string): void;
  /** what $$ expands to */
  pid?: number;
}

/** a variable: a string, or an indexed array (sparse: unset elements are holes) */
type Value = string | string[];

/** one write(2) to a file descriptor: undefined, or why it failed */
type Sink = (text: string) => FsError | undefined;

interface Io {
  stdin: string;
  out: Sink;
  err: Sink;
}

const nullSink: Sink = () => undefined;
const closedSink: Sink = () => ({ code: 'EBADF', message: 'Bad file descriptor' });
/** a script stuck in a loop is a bug in the script; stop it rather than hang the run */
const MAX_ITERATIONS = 1_000_000;
const MAX_FUNCTION_DEPTH = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** thrown inside [[ ]] evaluation: the command's status, after a message when there is one */
class CondFailure {
  constructor(readonly status: number) {}
}

interface Snapshot {
  vars: Map<string, Value>;
  readonlyVars: Set<string>;
  functions: Map<string, ShellFunction>;
  positional: string[];
  frames: Map<string, Value | undefined>[];
  lastBg: number | undefined;
  loopDepth: number;
}

interface ShellFunction {
  body: Command;
  /** the text the body was parsed from, for line numbers */
  source: string;
}

const copyValue = (v: Value): Value => (Array.isArray(v) ? v.slice() : v);
const compact = (a: string[]): string[] => a.filter(() => true);

export class Shell implements ShellApi {
  readonly functions = new Map<string, ShellFunction>();
  positional: string[] = [];
  loopDepth = 0;
  private vars = new Map<string, Value>();
  private readonlyVars = new Set<string>();
  /** per function call: the values `local` hid, restored on return */
  private frames: Map<string, Value | undefined>[] = [];
  private io: Io;
  private status = 0;
  private lastBg: number | undefined;
  private readonly pid: number;
  /** the text being run and the offset of the current command, for `line N` in messages */
  private source = '';
  private pos = 0;
  /** status of the last command substitution, the status of a command without a name */
  private subStatus: number | undefined;
  private readonly expander: Expander;
  private readonly arithVars: ArithVars;

  constructor(
    readonly host: ShellHost,
    opts: ShellOptions = {},
  ) {
    const stdout = opts.stdout ?? (() => {});
    const stderr = opts.stderr ?? (() => {});
    this.io = {
      stdin: '',
      out: (t) => void stdout(t),
      err: (t) => void stderr(t),
    };
    this.pid = opts.pid ?? 1000;
    this.expander = new Expander(this.expandHost());
    this.arithVars = {
      get: (name, index) => (index === undefined ? this.value(name) : this.element(name, index)),
      set: (name, value, index) => {
        if (index === undefined) this.setScalar(name, value);
        else this.setElement(name, index, value);
      },
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
    this.setScalar(name, value);
  }

  /** run a script; a syntax error is thrown (ShellSyntaxError), `exit` throws ShellExit */
  run(source: string | Script): number {
    const script = typeof source === 'string' ? parse(source) : source;
    try {
      return this.runScript(script);
    } catch (e) {
      if (e instanceof FatalError) return (this.status = 1);
      if (e instanceof LoopSignal) return this.status;
      throw e;
    }
  }

  /** `eval` for the harness (loop_until ...): errors become a status, as in bash */
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

  inFunction(): boolean {
    return this.frames.length > 0;
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

  declareLocal(name: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame.has(name)) {
      const v = this.vars.get(name);
      frame.set(name, v === undefined ? undefined : copyValue(v));
      this.vars.delete(name);
    }
  }

  markReadonly(name: string): void {
    this.readonlyVars.add(name);
  }

  /** NAME=VALUE from a builtin; false (after a message) for a readonly variable */
  assignScalar(name: string, value: string, io: CommandIO): boolean {
    if (this.readonlyVars.has(name)) {
      io.err(`${this.prefix()}${name}: readonly variable\n`);
      return false;
    }
    this.setScalar(name, value);
    return true;
  }

  /** unset NAME or unset 'NAME[i]' */
  unsetVar(spec: string, io: CommandIO): boolean {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(spec);
    if (!m) {
      io.err(`${this.prefix()}unset: \`${spec}': not a valid identifier\n`);
      return false;
    }
    if (this.readonlyVars.has(m[1])) {
      io.err(`${this.prefix()}unset: ${m[1]}: cannot unset: readonly variable\n`);
      return false;
    }
    if (m[2] === undefined) {
      this.vars.delete(m[1]);
      return true;
    }
    const v = this.vars.get(m[1]);
    const i = Number(evalArith(m[2], this.arithVars));
    if (Array.isArray(v)) delete v[i < 0 ? v.length + i : i];
    else if (i === 0) this.vars.delete(m[1]);
    return true;
  }

  // ---- variables ----

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
    const v = this.vars.get(name);
    return Array.isArray(v) ? v[0] : v;
  }

  private elements(name: string): string[] {
    if (name === '@' || name === '*') return this.positional;
    const v = this.vars.get(name);
    if (v === undefined) {
      const s = this.value(name);
      return s === undefined ? [] : [s];
    }
    return Array.isArray(v) ? compact(v) : [v];
  }

  private element(name: string, index: bigint): string | undefined {
    const v = this.vars.get(name);
    if (!Array.isArray(v)) return index === 0n ? this.value(name) : undefined;
    const i = Number(index);
    return v[i < 0 ? v.length + i : i];
  }

  private setScalar(name: string, value: string): void {
    const v = this.vars.get(name);
    if (Array.isArray(v)) v[0] = value;
    else this.vars.set(name, value);
  }

  private setElement(name: string, index: bigint, value: string): void {
    let v = this.vars.get(name);
    if (!Array.isArray(v)) {
      v = v === undefined ? [] : [v];
      this.vars.set(name, v);
    }
    let i = Number(index);
    if (i < 0) i += v.length;
    if (i < 0) this.fail(`${name}[${index}]: bad array subscript`);
    v[i] = value;
  }

  private assign(a: Assign): boolean {
    if (this.readonlyVars.has(a.name)) {
      this.io.err(`${this.prefix()}${a.name}: readonly variable\n`);
      return false;
    }
    if (a.array) {
      const items = this.expander.words(a.array);
      const old = this.vars.get(a.name);
      const base = !a.append || old === undefined ? [] : Array.isArray(old) ? old : [old];
      const arr = base.slice();
      arr.push(...items);
      this.vars.set(a.name, arr);
      return true;
    }
    const value = this.expander.string(a.value!);
    if (a.index) {
      const index = this.arith(this.expander.string(a.index));
      this.setElement(a.name, index, a.append ? (this.element(a.name, index) ?? '') + value : value);
    } else this.setScalar(a.name, a.append ? (this.value(a.name) ?? '') + value : value);
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

  private expandHost(): ExpandHost {
    return {
      fs: this.host.fs,
      value: (n) => this.value(n),
      elements: (n) => this.elements(n),
      element: (n, i) => this.element(n, i),
      assign: (n, v) => {
        if (this.readonlyVars.has(n)) this.fail(`${n}: readonly variable`);
        this.setScalar(n, v);
      },
      commandSubst: (body) => this.commandSubst(body),
      arith: (e) => this.arith(e),
      fail: (m) => this.fail(m),
      exit: (m, status) => {
        this.io.err(`${this.prefix()}${m}\n`);
        throw new ShellExit(status);
      },
    };
  }

  // ---- running ----

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
    let status: number;
    if (p.commands.length === 1) status = this.execCommand(p.commands[0]);
    else {
      const saved = this.io;
      let input = saved.stdin;
      status = 0;
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
          this.loop(c.pos, () => (this.execList(c.cond) === 0) !== c.until, () => this.execList(c.body)),
        );
      case 'for':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          const items = c.words ? this.expander.words(c.words) : this.positional.slice();
          let i = 0;
          return this.loop(c.pos, () => {
            if (i >= items.length) return false;
            if (this.readonlyVars.has(c.name)) this.fail(`${c.name}: readonly variable`);
            this.setScalar(c.name, items[i++]);
            return true;
          }, () => this.execList(c.body));
        });
      case 'arithfor':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          const ev = (w: typeof c.init) => this.arith(this.expander.string(w));
          ev(c.init);
          let first = true;
          return this.loop(c.pos, () => {
            if (!first) ev(c.step);
            first = false;
            return c.cond.parts.length === 0 || ev(c.cond) !== 0n;
          }, () => this.execList(c.body));
        });
      case 'cond':
        return this.redirected(c.redirs, () => {
          this.pos = c.pos;
          try {
            return this.cond(c.expr) ? 0 : 1;
          } catch (e) {
            if (e instanceof CondFailure) return e.status;
            throw e;
          }
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
   * ends the loop, a continue the iteration; N levels unwind N loops.
   */
  private loop(pos: number, more: () => boolean, body: () => number): number {
    let status = 0;
    this.loopDepth++;
    try {
      for (let n = 0; ; n++) {
        if (n >= MAX_ITERATIONS) {
          this.pos = pos;
          this.fail(`loop stopped after ${MAX_ITERATIONS} iterations`);
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

  /** run in a copy of the shell: nothing it changes survives, and exit only ends it */
  private subshell(fn: () => number): number {
    const snap: Snapshot = {
      vars: new Map([...this.vars].map(([k, v]) => [k, copyValue(v)])),
      readonlyVars: new Set(this.readonlyVars),
      functions: new Map(this.functions),
      positional: this.positional,
      frames: this.frames.map((f) => new Map(f)),
      lastBg: this.lastBg,
      loopDepth: this.loopDepth,
    };
    const pos = this.pos;
    try {
      return fn();
    } catch (e) {
      if (e instanceof ShellExit) return e.status;
      if (e instanceof ReturnSignal) return e.status;
      if (e instanceof LoopSignal) return 0;
      if (e instanceof FatalError) return 1;
      throw e;
    } finally {
      this.vars = snap.vars;
      this.readonlyVars = snap.readonlyVars;
      this.functions.clear();
      for (const [k, v] of snap.functions) this.functions.set(k, v);
      this.positional = snap.positional;
      this.frames = snap.frames;
      this.lastBg = snap.lastBg;
      this.loopDepth = snap.loopDepth;
      this.pos = pos;
    }
  }

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
    return out;
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
      const saved = c.assigns.map((a) => [a.name, this.vars.get(a.name)] as const);
      try {
        // bash reports a readonly variable here but still runs the command
        for (const a of c.assigns) this.assign(a);
        return this.invoke(argv);
      } finally {
        for (const [name, v] of saved) {
          if (v === undefined) this.vars.delete(name);
          else this.vars.set(name, v);
        }
      }
    });
  }

  /** command words; after export/local/readonly, NAME=value words are not split or globbed */
  private expandArgs(words: SimpleCommand['words']): string[] {
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
    // CommandImpl takes the arguments without the command name, as a function sees "$@"
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
      io.err(`${gnu ? '' : this.prefix()}${name}: write error: ${writeError.message}\n`);
      status = gnu ? writeErrorStatus(name) : 1;
    }
    return status;
  }

  private callFunction(fn: ShellFunction, argv: string[]): number {
    if (this.frames.length >= MAX_FUNCTION_DEPTH) this.fail(`${argv[0]}: maximum function nesting level exceeded (${MAX_FUNCTION_DEPTH})`);
    const saved = { positional: this.positional, source: this.source, pos: this.pos };
    const frame = new Map<string, Value | undefined>();
    this.positional = argv.slice(1);
    this.frames.push(frame);
    this.source = fn.source;
    try {
      return this.execCommand(fn.body);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      for (const [name, v] of frame) {
        if (v === undefined) this.vars.delete(name);
        else this.vars.set(name, v);
      }
      this.frames.pop();
      this.positional = saved.positional;
      this.source = saved.source;
      this.pos = saved.pos;
    }
  }

  // ---- redirections ----

  /**
   * Apply redirections left to right (so `> f 2>&1` and `2>&1 > f` differ), run, then
   * restore. Files are opened before the command runs; a failed open skips it, status 1.
   */
  private redirected(redirs: Redir[], run: () => number): number {
    if (!redirs.length) return run();
    const saved = this.io;
    const fds: (Sink | undefined)[] = [nullSink, saved.out, saved.err];
    let stdin = saved.stdin;
    const opened: OpenFile[] = [];
    const error = (msg: string) => {
      (fds[2] ?? nullSink)(`${this.prefix()}${msg}\n`);
      return false;
    };
    const open = (path: string, append: boolean): Sink | undefined => {
      if (path === '/dev/null') return nullSink;
      if (path === '/dev/stdout') return fds[1];
      if (path === '/dev/stderr') return fds[2];
      const f = this.host.fs.openWrite(path, append);
      if (!('write' in f)) return void error(`${path}: ${f.message}`);
      opened.push(f);
      return (t) => f.write(t);
    };
    const apply = (r: Redir): boolean => {
      const target = this.expander.string(r.target);
      switch (r.op) {
        case '>':
        case '>>':
        case '&>':
        case '&>>': {
          if (target === '') return error(': No such file or directory');
          const sink = open(target, r.op.endsWith('>>'));
          if (!sink) return false;
          if (r.op[0] === '&') fds[1] = fds[2] = sink;
          else fds[r.fd] = sink;
          return true;
        }
        case '>&':
        case '<&':
          if (target === '-') {
            if (r.fd === 0) stdin = '';
            fds[r.fd] = closedSink;
            return true;
          }
          if (/^\d+$/.test(target)) {
            const n = Number(target);
            if (r.fd === 0 || n === 0) return error(`${target}: input descriptors are not supported`);
            if (!fds[n]) return error(`${target}: Bad file descriptor`);
            fds[r.fd] = fds[n];
            return true;
          }
          if (r.op === '>&' && r.fd === 1) {
            const sink = open(target, false);
            if (!sink) return false;
            fds[1] = fds[2] = sink;
            return true;
          }
          return error(`${target}: ambiguous redirect`);
        case '<': {
          if (r.fd !== 0) return error(`${r.fd}<: only standard input can be redirected from a file`);
          if (target === '/dev/null') stdin = '';
          else {
            const text = this.host.fs.readFile(target);
            if (typeof text !== 'string') return error(`${target}: ${text.message}`);
            stdin = text;
          }
          return true;
        }
        case '<<<':
          stdin = `${target}\n`;
          return true;
      }
    };
    try {
      for (const r of redirs) if (!apply(r)) return 1;
      this.io = { stdin, out: fds[1] ?? closedSink, err: fds[2] ?? closedSink };
      return run();
    } finally {
      this.io = saved;
      for (const f of opened) f.close();
    }
  }

  // ---- [[ ]] ----

  private cond(e: CondExpr): boolean {
    const str = (w: Parameters<Expander['string']>[0]) => this.expander.string(w);
    switch (e.kind) {
      case 'and':
        return this.cond(e.left) && this.cond(e.right);
      case 'or':
        return this.cond(e.left) || this.cond(e.right);
      case 'not':
        return !this.cond(e.expr);
      case 'word':
        return str(e.word) !== '';
      case 'unary': {
        const arg = str(e.arg);
        if (e.op === '-z') return arg === '';
        if (e.op === '-n') return arg !== '';
        if (e.op === '-v') return NAME.test(arg) ? this.value(arg) !== undefined : /^[A-Za-z_]\w*\[/.test(arg);
        if (e.op === '-o') return false;
        return fileTest(e.op, arg, this.host.fs) ?? false;
      }
      case 'binary':
        return this.condBinary(e.op, str(e.left), e.right);
    }
  }

  private condBinary(op: string, left: string, rightWord: Parameters<Expander['string']>[0]): boolean {
    switch (op) {
      case '==':
        return globMatch(this.expander.pattern(rightWord), left);
      case '!=':
        return !globMatch(this.expander.pattern(rightWord), left);
      case '=~': {
        let re: RegExp;
        try {
          re = new RegExp(posixToJs(this.expander.regex(rightWord), true));
        } catch (e) {
          if (e instanceof RegexError || e instanceof SyntaxError) throw new CondFailure(2);
          throw e;
        }
        const m = re.exec(left);
        this.vars.set('BASH_REMATCH', m ? [...m].map((x) => x ?? '') : []);
        return m !== null;
      }
      case '<':
        return left < this.expander.string(rightWord);
      case '>':
        return left > this.expander.string(rightWord);
      case '-nt':
      case '-ot':
      case '-ef':
        return false;
    }
    // -eq and friends: both sides are arithmetic expressions
    const right = this.expander.string(rightWord);
    let a: bigint;
    let b: bigint;
    try {
      a = evalArith(left, this.arithVars);
      b = evalArith(right, this.arithVars);
    } catch (e) {
      if (!(e instanceof ArithError)) throw e;
      this.io.err(`${this.prefix()}[[: ${e.message}\n`);
      throw new CondFailure(1);
    }
    switch (op) {
      case '-eq': return a === b;
      case '-ne': return a !== b;
      case '-lt': return a < b;
      case '-le': return a <= b;
      case '-gt': return a > b;
      default: return a >= b;
    }
  }
}
