/**
 * File descriptors and redirections. A command's standard output and error are sinks; a
 * sink's call is one write(2) and returns why it failed, if it did, so the command that
 * wrote can report the write error. Redirections apply left to right over a small fd
 * table, which is what makes `> f 2>&1` differ from `2>&1 > f`.
 */
import type { Redir, Word } from './ast.js';
import type { FsError, OpenFile, VirtualFs } from './host.js';

/** one write(2): undefined, or why it failed */
export type Sink = (text: string) => FsError | undefined;

/** what a command runs with: its input and its two output descriptors */
export interface Io {
  stdin: string;
  out: Sink;
  err: Sink;
}

export const nullSink: Sink = () => undefined;
/** a descriptor closed with >&- */
export const closedSink: Sink = () => ({ code: 'EBADF', message: 'Bad file descriptor' });

export interface RedirectContext {
  fs: VirtualFs;
  /** the redirection target: expanded, not split */
  expand(word: Word): string;
  /** `bash: line N: ` */
  prefix(): string;
}

/**
 * The io after the redirections, plus the files to close when the command is done; or
 * undefined when one failed (its message already written to the stderr of that moment,
 * and every file opened so far closed): the command must not run, status 1.
 */
export function applyRedirections(redirs: Redir[], io: Io, ctx: RedirectContext): { io: Io; opened: OpenFile[] } | undefined {
  const fds: (Sink | undefined)[] = [nullSink, io.out, io.err];
  let stdin = io.stdin;
  const opened: OpenFile[] = [];
  const fail = (msg: string): false => {
    (fds[2] ?? nullSink)(`${ctx.prefix()}${msg}\n`);
    return false;
  };
  /** the shell itself handles the /dev names; anything else is an open(2) on the machine */
  const open = (path: string, append: boolean): Sink | undefined => {
    if (path === '/dev/null') return nullSink;
    if (path === '/dev/stdout') return fds[1];
    if (path === '/dev/stderr') return fds[2];
    if (path === '') return void fail(': No such file or directory');
    const f = ctx.fs.openWrite(path, append);
    if (!('write' in f)) return void fail(`${path}: ${f.message}`);
    opened.push(f);
    return (t) => f.write(t);
  };
  const apply = (r: Redir): boolean => {
    const target = ctx.expand(r.target);
    switch (r.op) {
      case '>':
      case '>>':
      case '&>':
      case '&>>': {
        const sink = open(target, r.op.endsWith('>>'));
        if (!sink) return false;
        if (r.op[0] === '&') fds[1] = fds[2] = sink;
        else fds[r.fd] = sink;
        return true;
      }
      case '>&':
      case '<&': {
        if (target === '-') {
          if (r.fd === 0) stdin = '';
          fds[r.fd] = closedSink;
          return true;
        }
        if (/^\d+$/.test(target)) {
          const n = Number(target);
          if (r.fd === 0 || n === 0) return fail(`${target}: duplicating input descriptors is not supported`);
          if (!fds[n]) return fail(`${target}: Bad file descriptor`);
          fds[r.fd] = fds[n];
          return true;
        }
        // >&file is &>file
        if (r.op === '>&' && r.fd === 1) {
          const sink = open(target, false);
          if (!sink) return false;
          fds[1] = fds[2] = sink;
          return true;
        }
        return fail(`${target}: ambiguous redirect`);
      }
      case '<': {
        if (r.fd !== 0) return fail(`${r.fd}: only standard input can be read from a file`);
        if (target === '/dev/null') stdin = '';
        else {
          const text = ctx.fs.readFile(target);
          if (typeof text !== 'string') return fail(`${target}: ${text.message}`);
          stdin = text;
        }
        return true;
      }
      case '<<<':
        stdin = `${target}\n`;
        return true;
    }
  };
  for (const r of redirs) {
    if (!apply(r)) {
      for (const f of opened) f.close();
      return undefined;
    }
  }
  return { io: { stdin, out: fds[1] ?? closedSink, err: fds[2] ?? closedSink }, opened };
}
