/**
 * Recursive-descent parser for the bash subset: lists, and-or chains, pipelines, simple
 * commands with assignments and redirections, and the compound commands if / while /
 * until / for / { } / ( ) / [[ ]] / (( )) / function definitions.
 *
 * Reserved words are only reserved where a command starts, as in bash: `echo fi` is an
 * echo with one argument.
 */
import type {
  AndOr,
  ArithForCommand,
  ForCommand,
  IfCommand,
  LoopCommand,
  Assign,
  CondCommand,
  CondExpr,
  Command,
  FunctionDef,
  List,
  ListItem,
  Pipeline,
  Redir,
  Script,
  SimpleCommand,
  Word,
} from './ast.js';
import { ShellSyntaxError } from './host.js';
import { Lexer, type Token } from './lexer.js';

/** words that end a list when they appear where a command would start */
const CLOSERS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}']);
const RESERVED = new Set([...CLOSERS, 'if', 'while', 'until', 'for', '{', '[[', ']]', '!', 'function', 'in', 'case', 'esac', 'select']);
const COND_UNARY = new Set(['-a', '-b', '-c', '-d', '-e', '-f', '-g', '-h', '-k', '-p', '-r', '-s', '-t', '-u', '-w', '-x', '-G', '-L', '-N', '-O', '-S', '-z', '-n', '-v', '-o']);
const COND_BINARY = new Set(['==', '=', '!=', '=~', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parse(source: string): Script {
  const p = new Parser(source, 0);
  const body = p.parseList();
  p.expectEnd();
  return { kind: 'script', body, source };
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of input';
    case 'op':
      return t.op === '\n' ? 'newline' : t.op;
    case 'redir':
      return `${t.fd ?? ''}${t.op}`;
    case 'word':
      return t.literal ?? 'word';
  }
}

class Parser {
  private readonly lx: Lexer;
  private peeked: Token | undefined;

  constructor(readonly src: string, pos: number) {
    this.lx = new Lexer(src, pos, (at) => this.commandSubstitution(at));
  }

  /** $( ... ): a nested parser on the same text, ending at the matching `)` */
  private commandSubstitution(at: number): { body: List; end: number } {
    const sub = new Parser(this.src, at);
    const body = sub.parseList();
    const t = sub.take();
    if (t.type === 'eof') throw new ShellSyntaxError("unexpected end of input: missing ')' of $(", at - 2);
    if (t.type !== 'op' || t.op !== ')') sub.unexpected(t);
    return { body, end: sub.lx.pos };
  }

  private peek(): Token {
    return (this.peeked ??= this.lx.next());
  }

  private take(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private isOp(t: Token, op: string): boolean {
    return t.type === 'op' && t.op === op;
  }

  private isWord(t: Token, literal: string): boolean {
    return t.type === 'word' && t.literal === literal;
  }

  private unexpected(t: Token, missing?: string): never {
    if (t.type === 'eof') throw new ShellSyntaxError(`unexpected end of input${missing ? `: missing '${missing}'` : ''}`, t.pos);
    throw new ShellSyntaxError(`syntax error near unexpected token \`${describe(t)}'`, t.pos);
  }

  private skipNewlines(): void {
    while (this.isOp(this.peek(), '\n')) this.take();
  }

  private expectWord(literal: string): void {
    const t = this.take();
    if (!this.isWord(t, literal)) this.unexpected(t, literal);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.type !== 'eof') this.unexpected(t);
  }

  /** commands separated by ; & or newlines, up to a closer, `)` or the end */
  parseList(): List {
    const items: ListItem[] = [];
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof' || this.isOp(t, ')') || (t.type === 'word' && t.literal !== undefined && CLOSERS.has(t.literal))) break;
      const cmd = this.parseAndOr();
      const sep = this.peek();
      const background = this.isOp(sep, '&');
      if (background) this.checkBackground(cmd, sep.pos);
      items.push({ cmd, background });
      if (!background && !this.isOp(sep, ';') && !this.isOp(sep, '\n')) break;
      this.take();
      this.skipNewlines();
    }
    return { kind: 'list', items };
  }

  /** a list that must hold at least one command, ended by one of `closers` */
  private parseBody(closers: string[]): List {
    const list = this.parseList();
    const t = this.peek();
    if (!list.items.length || !(t.type === 'word' && closers.includes(t.literal ?? ''))) this.unexpected(t, closers[closers.length - 1]);
    return list;
  }

  private checkBackground(cmd: AndOr, pos: number): void {
    const p = cmd.first;
    if (cmd.rest.length || p.negate || p.commands.length !== 1 || p.commands[0].kind !== 'simple')
      throw new ShellSyntaxError('background jobs (&) are supported only for simple commands', pos);
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '&&') && !this.isOp(t, '||')) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: (t as { op: '&&' | '||' }).op, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    while (this.isWord(this.peek(), '!')) {
      this.take();
      negate = !negate;
    }
    const commands = [this.parseCommand()];
    while (this.isOp(this.peek(), '|')) {
      this.take();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { negate, commands };
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (t.type === 'word' && t.literal !== undefined && RESERVED.has(t.literal)) {
      switch (t.literal) {
        case 'if':
          return this.withRedirs(this.parseIf());
        case 'while':
        case 'until':
          return this.withRedirs(this.parseWhile(t.literal === 'until'));
        case 'for':
          return this.withRedirs(this.parseFor());
        case '{': {
          this.take();
          const body = this.parseBody(['}']);
          this.take();
          return this.withRedirs({ kind: 'group', body, redirs: [], pos: t.pos });
        }
        case '[[':
          this.take();
          return this.withRedirs(this.parseCond(t.pos));
        case 'function':
          return this.parseFunctionKeyword();
        case 'case':
        case 'select':
          // no kselftest script uses them; say so rather than report a stray token
          throw new ShellSyntaxError(`'${t.literal}' is not supported by the step shell`, t.pos);
        default:
          this.unexpected(t);
      }
    }
    if (this.isOp(t, '(')) {
      this.take();
      if (this.lx.peekChar() === '(') {
        this.lx.pos++;
        const expr = this.lx.readArith(['))']).word;
        return this.withRedirs({ kind: 'arithcmd', expr, redirs: [], pos: t.pos });
      }
      const body = this.parseList();
      const close = this.take();
      if (!this.isOp(close, ')') || !body.items.length) this.unexpected(close, ')');
      return this.withRedirs({ kind: 'subshell', body, redirs: [], pos: t.pos });
    }
    if (t.type === 'word' || t.type === 'redir') return this.parseSimple();
    this.unexpected(t);
  }

  /** redirections after a compound command: `{ ...; } > file`, `done < file` */
  private withRedirs<C extends Exclude<Command, FunctionDef | SimpleCommand>>(cmd: C): C {
    while (this.peek().type === 'redir') cmd.redirs.push(this.parseRedir());
    return cmd;
  }

  private parseRedir(): Redir {
    const t = this.take();
    if (t.type !== 'redir') this.unexpected(t);
    const target = this.take();
    if (target.type !== 'word') this.unexpected(target);
    const fd = t.fd ?? (t.op === '<' || t.op === '<&' || t.op === '<<<' ? 0 : 1);
    return { fd, op: t.op, target: target.word, pos: t.pos };
  }

  private parseSimple(): Command {
    const pos = this.peek().pos;
    const cmd: SimpleCommand = { kind: 'simple', assigns: [], words: [], redirs: [], pos };
    for (;;) {
      const t = this.peek();
      if (t.type === 'redir') {
        cmd.redirs.push(this.parseRedir());
        continue;
      }
      if (t.type !== 'word') break;
      this.take();
      if (t.assign && !cmd.words.length) {
        cmd.assigns.push(this.parseAssign(t));
        continue;
      }
      if (t.assign && t.assign.value === undefined) throw new ShellSyntaxError("syntax error near unexpected token `('", t.pos);
      cmd.words.push(t.word);
      if (cmd.words.length === 1 && !cmd.assigns.length && !cmd.redirs.length && t.literal && NAME.test(t.literal) && this.isOp(this.peek(), '('))
        return this.parseFunctionBody(t.literal, pos, true);
    }
    return cmd;
  }

  private parseAssign(t: Extract<Token, { type: 'word' }>): Assign {
    const a = t.assign!;
    if (a.value !== undefined) return { name: a.name, index: a.index, append: a.append, value: a.value, pos: t.pos };
    const array: Word[] = [];
    for (;;) {
      this.skipNewlines();
      const e = this.take();
      if (this.isOp(e, ')')) break;
      if (e.type !== 'word') this.unexpected(e, ')');
      array.push(e.word);
    }
    return { name: a.name, append: a.append, array, pos: t.pos };
  }

  /** `function name [()] body` */
  private parseFunctionKeyword(): Command {
    const kw = this.take();
    const name = this.take();
    if (name.type !== 'word' || !name.literal) this.unexpected(name);
    return this.parseFunctionBody(name.literal, kw.pos, this.isOp(this.peek(), '('));
  }

  private parseFunctionBody(name: string, pos: number, parens: boolean): FunctionDef {
    if (parens) {
      this.take();
      const close = this.take();
      if (!this.isOp(close, ')')) this.unexpected(close, ')');
    }
    this.skipNewlines();
    const t = this.peek();
    const body = this.parseCommand();
    if (body.kind === 'simple' || body.kind === 'function') throw new ShellSyntaxError(`function ${name}: the body must be a compound command such as { ...; }`, t.pos);
    return { kind: 'function', name, body, pos };
  }

  private parseIf(): IfCommand {
    const pos = this.take().pos;
    const clauses: { cond: List; body: List }[] = [];
    let orElse: List | undefined;
    for (;;) {
      const cond = this.parseBody(['then']);
      this.take();
      const body = this.parseBody(['elif', 'else', 'fi']);
      clauses.push({ cond, body });
      const t = this.take();
      if (this.isWord(t, 'elif')) continue;
      if (this.isWord(t, 'else')) {
        orElse = this.parseBody(['fi']);
        this.take();
      }
      break;
    }
    return { kind: 'if', clauses, orElse, redirs: [], pos };
  }

  private parseWhile(until: boolean): LoopCommand {
    const pos = this.take().pos;
    const cond = this.parseBody(['do']);
    this.take();
    const body = this.parseBody(['done']);
    this.take();
    return { kind: 'while', until, cond, body, redirs: [], pos };
  }

  private parseFor(): ForCommand | ArithForCommand {
    const pos = this.take().pos;
    let t = this.peek();
    if (this.isOp(t, '(') && this.lx.src[t.pos + 1] === '(') {
      this.take();
      this.lx.pos++;
      const init = this.lx.readArith([';']).word;
      const cond = this.lx.readArith([';']).word;
      const step = this.lx.readArith(['))']).word;
      this.skipSeparator();
      const body = this.doBody();
      return { kind: 'arithfor', init, cond, step, body, redirs: [], pos };
    }
    const name = this.take();
    if (name.type !== 'word' || !name.literal || !NAME.test(name.literal)) this.unexpected(name);
    this.skipNewlines();
    t = this.peek();
    let words: Word[] | undefined;
    if (this.isWord(t, 'in')) {
      this.take();
      words = [];
      while ((t = this.peek()).type === 'word') words.push((this.take() as { word: Word }).word);
      if (!this.isOp(t, ';') && !this.isOp(t, '\n')) this.unexpected(t, 'do');
    }
    this.skipSeparator();
    return { kind: 'for', name: name.literal, words, body: this.doBody(), redirs: [], pos };
  }

  private skipSeparator(): void {
    if (this.isOp(this.peek(), ';')) this.take();
    this.skipNewlines();
  }

  private doBody(): List {
    this.expectWord('do');
    const body = this.parseBody(['done']);
    this.take();
    return body;
  }

  // [[ ... ]]

  private parseCond(pos: number): CondCommand {
    const expr = this.condOr();
    this.skipNewlines();
    const t = this.take();
    if (!this.isWord(t, ']]')) this.unexpected(t, ']]');
    return { kind: 'cond', expr, redirs: [], pos };
  }

  private condOr(): CondExpr {
    let left = this.condAnd();
    while (this.isOp(this.peek(), '||')) {
      this.take();
      left = { kind: 'or', left, right: this.condAnd() };
    }
    return left;
  }

  private condAnd(): CondExpr {
    let left = this.condNot();
    while (this.isOp(this.peek(), '&&')) {
      this.take();
      left = { kind: 'and', left, right: this.condNot() };
    }
    return left;
  }

  private condNot(): CondExpr {
    this.skipNewlines();
    if (this.isWord(this.peek(), '!')) {
      this.take();
      return { kind: 'not', expr: this.condNot() };
    }
    return this.condPrimary();
  }

  private condPrimary(): CondExpr {
    const t = this.take();
    if (this.isOp(t, '(')) {
      const expr = this.condOr();
      this.skipNewlines();
      const close = this.take();
      if (!this.isOp(close, ')')) this.unexpected(close, ')');
      return expr;
    }
    if (t.type !== 'word' || t.literal === ']]') this.unexpected(t, ']]');
    const next = this.peek();
    if (t.literal && COND_UNARY.has(t.literal) && next.type === 'word' && next.literal !== ']]') {
      this.take();
      return { kind: 'unary', op: t.literal, arg: next.word };
    }
    if (next.type === 'word' && next.literal && COND_BINARY.has(next.literal)) {
      this.take();
      if (next.literal === '=~') return { kind: 'binary', op: '=~', left: t.word, right: this.lx.readRegexWord() };
      const right = this.take();
      if (right.type !== 'word') this.unexpected(right);
      return { kind: 'binary', op: next.literal === '=' ? '==' : next.literal, left: t.word, right: right.word };
    }
    if (next.type === 'redir' && next.fd === undefined && (next.op === '<' || next.op === '>')) {
      this.take();
      const right = this.take();
      if (right.type !== 'word') this.unexpected(right);
      return { kind: 'binary', op: next.op, left: t.word, right: right.word };
    }
    return { kind: 'word', word: t.word };
  }
}
