/**
 * The mini shell on a small in-memory machine: the lines the selftest suites use, plus
 * the bash behaviour they depend on (quoting, splitting, globbing, redirections, errors).
 */
import t from 'tap';
import { evalArith } from '../harness/selftest/shell/arith.js';
import { coreutil } from '../harness/selftest/shell/coreutils.js';
import {
  ShellExit,
  ShellSyntaxError,
  type CommandImpl,
  type FileStat,
  type FsError,
  type OpenFile,
  type ShellHost,
  type VirtualFs,
} from '../harness/selftest/shell/host.js';
import { parse, Shell, validate } from '../harness/selftest/shell/interpreter.js';

const ENOENT: FsError = { code: 'ENOENT', message: 'No such file or directory' };
const EINVAL: FsError = { code: 'EINVAL', message: 'Invalid argument' };

/** files and directories in maps; every write(2) is recorded, and chosen files fail writes */
class FakeFs implements VirtualFs {
  files = new Map<string, { data: string; mode: string }>();
  dirs = new Map<string, string>([
    ['/', 'drwxr-xr-x'],
    ['/tmp', 'drwxrwxrwt'],
  ]);
  writes: { path: string; data: string }[] = [];
  failWrites = new Map<string, FsError>();

  private parent(path: string): string {
    return path.slice(0, path.lastIndexOf('/')) || '/';
  }

  mkdir(path: string, mode = 'drwxr-xr-x'): this {
    if (path !== '/' && !this.dirs.has(this.parent(path))) this.mkdir(this.parent(path));
    this.dirs.set(path, mode);
    return this;
  }

  rm(path: string): void {
    for (const p of [...this.dirs.keys(), ...this.files.keys()]) {
      if (p === path || p.startsWith(`${path}/`)) {
        this.dirs.delete(p);
        this.files.delete(p);
      }
    }
  }

  file(path: string, data: string, mode = '-rw-r--r--'): this {
    this.mkdir(this.parent(path));
    this.files.set(path, { data, mode });
    return this;
  }

  readFile(path: string): string | FsError {
    if (this.dirs.has(path)) return { code: 'EISDIR', message: 'Is a directory' };
    return this.files.get(path)?.data ?? ENOENT;
  }

  openWrite(path: string, append: boolean): OpenFile | FsError {
    if (!this.dirs.has(this.parent(path))) return ENOENT;
    if (this.dirs.has(path)) return { code: 'EISDIR', message: 'Is a directory' };
    const f = this.files.get(path) ?? { data: '', mode: '-rw-r--r--' };
    if (!append) f.data = '';
    this.files.set(path, f);
    return {
      write: (data) => {
        this.writes.push({ path, data });
        const err = this.failWrites.get(path);
        if (err) return err;
        f.data += data;
        return undefined;
      },
      close: () => {},
    };
  }

  stat(path: string): FileStat | undefined {
    const d = this.dirs.get(path);
    if (d) return { type: 'dir', modeString: d };
    const f = this.files.get(path);
    return f && { type: 'file', modeString: f.mode };
  }

  readdir(path: string): string[] | undefined {
    if (!this.dirs.has(path)) return undefined;
    const prefix = path === '/' ? '/' : `${path}/`;
    const names = [...this.dirs.keys(), ...this.files.keys()]
      .filter((p) => p !== path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length));
    // unsorted on purpose: the shell must sort
    return names.reverse();
  }
}

/** a machine with functions.sh-like helpers: die, loop_until, a background test program */
class FakeHost implements ShellHost {
  fs = new FakeFs();
  clock = 0;
  /** things that happen at a virtual time, as a transition finishing */
  timers: { at: number; run: () => void }[] = [];
  died: string[] = [];
  spawned: string[][] = [];
  killed: string[] = [];
  calls: string[][] = [];
  private nextPid = 100;
  readonly live = new Set<number>();
  commands: Record<string, CommandImpl> = {
    die: ([msg = ''], io) => {
      this.died.push(msg);
      io.err(`${msg}\n`);
      throw new ShellExit(1);
    },
    loop_until: (args, io) => {
      for (let i = 0; i < 10; i++) {
        if (io.shell.eval(args.join(' ')) === 0) return 0;
        this.sleep(0.1);
      }
      return 1;
    },
    // like functions.sh's helpers, host commands get their arguments without their name
    record: (args, io) => {
      this.calls.push(args);
      io.out(`recorded ${args.join(' ')}\n`);
      io.err('record: to stderr\n');
      return 0;
    },
  };

  command(name: string): CommandImpl | undefined {
    return this.commands[name];
  }

  sleep(seconds: number): void {
    this.clock = Math.round((this.clock + seconds) * 1000) / 1000;
    for (const timer of this.timers.filter((x) => x.at <= this.clock)) {
      timer.run();
      this.timers.splice(this.timers.indexOf(timer), 1);
    }
  }

  spawn(argv: string[]): number | FsError {
    if (argv[0] !== './test_klp-call_getpid') return ENOENT;
    this.spawned.push(argv);
    this.live.add(this.nextPid);
    return this.nextPid++;
  }

  kill(pid: number, signal: string): FsError | undefined {
    if (!this.live.delete(pid)) return { code: 'ESRCH', message: 'No such process' };
    this.killed.push(`${signal} ${pid}`);
    return undefined;
  }

  nproc(): number {
    return 4;
  }
}

function setup(init?: (h: FakeHost) => void) {
  const host = new FakeHost();
  init?.(host);
  const res = { out: '', err: '' };
  const sh = new Shell(host, { stdout: (s) => (res.out += s), stderr: (s) => (res.err += s) });
  const run = (src: string) => {
    res.out = res.err = '';
    return sh.run(src);
  };
  return { host, fs: host.fs, sh, res, run };
}

/** run one script on a fresh machine; returns status, stdout and stderr */
function sh1(src: string, init?: (h: FakeHost) => void) {
  const m = setup(init);
  const status = m.run(src);
  return { status, out: m.res.out, err: m.res.err, host: m.host };
}

/** what fn throws, or undefined */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function exitStatus(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ShellExit) return e.status;
    throw e;
  }
  return undefined;
}

const KLP = '/sys/kernel/livepatch';
const withPatches = (...names: string[]) => (h: FakeHost) => {
  for (const n of names) h.fs.mkdir(`${KLP}/${n}`).file(`${KLP}/${n}/enabled`, '1\n');
};

t.test('suite lines: counting livepatches with a glob', async (t) => {
  const line = `mods=(${KLP}/*); nmods=\${#mods[@]}; if [ "$nmods" -ne 3 ]; then die "Expecting three modules listed, found $nmods"; fi`;
  const ok = setup(withPatches('p1', 'p2', 'p3'));
  t.equal(ok.run(line), 0);
  t.same(ok.host.died, []);
  t.equal(ok.sh.getVar('nmods'), '3');

  const bad = setup(withPatches('p1', 'p2'));
  t.equal(exitStatus(() => bad.run(line)), 1);
  t.same(bad.host.died, ['Expecting three modules listed, found 2']);

  // sorted, whatever order readdir gives; hidden names skipped
  const m = setup(withPatches('zeta', 'alpha', 'mid', '.hidden'));
  m.run(`mods=(${KLP}/*); echo "\${mods[@]}"; echo \${mods[1]}`);
  t.equal(m.res.out, `${KLP}/alpha ${KLP}/mid ${KLP}/zeta\n${KLP}/mid\n`);

  // a pattern that matches nothing stays as it is: one element
  m.run('empty=(/sys/kernel/nothing/*); echo "${#empty[@]} ${empty[0]}"');
  t.equal(m.res.out, '1 /sys/kernel/nothing/*\n');
  // quoted glob characters are literal
  m.run(`echo "${KLP}/*" ${KLP}/m*d ${KLP}/"m"*`);
  t.equal(m.res.out, `${KLP}/* ${KLP}/mid ${KLP}/mid\n`);
  m.run(`echo ${KLP}/*/enabled`);
  t.equal(m.res.out, `${KLP}/alpha/enabled ${KLP}/mid/enabled ${KLP}/zeta/enabled\n`);
  m.run(`echo ${KLP}/[am]*`);
  t.equal(m.res.out, `${KLP}/alpha ${KLP}/mid\n`);
});

t.test('suite lines: loop_until evaluates its string until it succeeds', async (t) => {
  const line = `loop_until 'mods=(${KLP}/*); nmods=\${#mods[@]}; [[ "$nmods" -eq 1 ]]' || die "Expecting only one moduled listed, found $nmods"`;
  const m = setup((h) => {
    withPatches('a', 'b', 'c')(h);
    h.timers.push({ at: 0.3, run: () => (h.fs.rm(`${KLP}/a`), h.fs.rm(`${KLP}/b`)) });
  });
  t.equal(m.run(line), 0);
  t.equal(m.host.clock, 0.3);
  t.same(m.host.died, []);

  const stuck = setup(withPatches('a', 'b'));
  t.equal(exitStatus(() => stuck.run(line)), 1);
  t.same(stuck.host.died, ['Expecting only one moduled listed, found 2']);
  t.equal(stuck.host.clock, 1);
});

t.test('suite lines: grep into /dev/kmsg is one write per line of output', async (t) => {
  const m = setup((h) => {
    h.fs.file('/proc/cmdline', 'test_klp_livepatch: this has been live patched\n').file('/proc/meminfo', 'MemTotal: 1 kB\n').file('/dev/kmsg', '');
  });
  t.equal(m.run("grep 'live patched' /proc/cmdline > /dev/kmsg"), 0);
  t.same(m.fs.writes, [{ path: '/dev/kmsg', data: 'test_klp_livepatch: this has been live patched\n' }]);
  // no match: status 1 and not even an empty write
  t.equal(m.run("grep 'live patched' /proc/meminfo > /dev/kmsg"), 1);
  t.equal(m.fs.writes.length, 1);
  t.equal(m.res.err, '');
});

t.test('suite lines: background programs, $!, pid lists and kill', async (t) => {
  const m = setup();
  const status = m.run(
    'NPROC=$(getconf _NPROCESSORS_ONLN); MAXPROC=128; ' +
      'for i in $(seq 1 $(($NPROC < $MAXPROC ? $NPROC : $MAXPROC))); do ./test_klp-call_getpid & pids[$i]="$!"; done; ' +
      "pid_list=$(echo ${pids[@]} | tr ' ' ','); echo \"$pid_list\"",
  );
  t.equal(status, 0);
  t.equal(m.res.out, '100,101,102,103\n');
  t.equal(m.host.spawned.length, 4);
  t.equal(m.sh.getVar('NPROC'), '4');
  t.equal(m.sh.getVar('!'), '103');

  m.host.live.delete(101); // exited on its own
  t.equal(m.run('for pid in ${pids[@]}; do kill $pid || true; done'), 0);
  t.same(m.host.killed, ['TERM 100', 'TERM 102', 'TERM 103']);
  t.equal(m.res.err, 'bash: line 1: kill: (101) - No such process\n');
  t.equal(m.run('kill -9 100'), 1);
  t.equal(m.run('kill -KILL 102'), 1);
  m.host.live.add(7);
  t.equal(m.run('kill -s KILL 7'), 0);
  t.same(m.host.killed.at(-1), 'KILL 7');

  // an unknown program in the background: bash's message, $! untouched
  t.equal(m.run('./nope & echo $!'), 0);
  t.equal(m.res.err, 'bash: line 1: ./nope: No such file or directory\n');
  t.equal(m.res.out, '103\n');
  t.throws(() => parse('a && b &'), /background/);
});

t.test('suite lines: [[ ]] on command output, and die', async (t) => {
  const line = '[[ "$(cat /proc/cmdline)" == "$MOD: this has been live patched" ]] || die "livepatch kselftest(s) failed"';
  const m = setup((h) => h.fs.file('/proc/cmdline', 'test_klp_livepatch: this has been live patched\n'));
  m.sh.setVar('MOD', 'test_klp_livepatch');
  t.equal(m.run(line), 0);
  m.fs.file('/proc/cmdline', 'BOOT_IMAGE=/vmlinuz ro\n');
  t.equal(exitStatus(() => m.run(line)), 1);
  t.same(m.host.died, ['livepatch kselftest(s) failed']);
  t.equal(m.run(line.replace('==', '!=')), 0);
});

t.test('suite lines: grep -q on a sysfs value', async (t) => {
  const m = setup((h) => h.fs.file('/sys/x/transition', '1\n'));
  t.equal(m.run("grep -q '^1$' /sys/x/transition"), 0);
  t.equal(m.res.out, '');
  m.fs.file('/sys/x/transition', '10\n');
  t.equal(m.run("grep -q '^1$' /sys/x/transition"), 1);
  m.fs.file('/sys/x/transition', '0\n1\n');
  t.equal(m.run("grep -q '^1$' /sys/x/transition"), 0);
  t.equal(m.run('grep -q 1 /sys/x/missing'), 2);
  t.equal(m.res.err, 'grep: /sys/x/missing: No such file or directory\n');
  t.equal(m.run('grep -qs 1 /sys/x/missing'), 2);
  t.equal(m.res.err, '');
});

t.test('redirections: a failing sysfs write, a missing directory, appends', async (t) => {
  const m = setup((h) => {
    h.fs.file('/sys/x/enabled', '1\n');
    h.fs.failWrites.set('/sys/x/enabled', EINVAL);
  });
  t.equal(m.run('echo 0 > /sys/x/enabled'), 1);
  t.equal(m.res.err, 'bash: line 1: echo: write error: Invalid argument\n');
  t.same(m.fs.writes, [{ path: '/sys/x/enabled', data: '0\n' }]);
  t.equal(m.run('echo 0 > /sys/x/enabled; echo "st=$?"'), 0);
  t.equal(m.res.out, 'st=1\n');
  // the message goes where the command's stderr points
  t.equal(m.run('echo 0 > /sys/x/enabled 2>/dev/null'), 1);
  t.equal(m.res.err, '');
  // a program reports it as GNU programs do
  m.fs.file('/proc/cmdline', 'ro\n');
  t.equal(m.run('cat /proc/cmdline > /sys/x/enabled'), 1);
  t.equal(m.res.err, 'cat: write error: Invalid argument\n');

  t.equal(m.run('record a > /nope/x'), 1);
  t.equal(m.res.err, 'bash: line 1: /nope/x: No such file or directory\n');
  t.same(m.host.calls, [], 'a command whose redirection fails does not run');
  t.equal(m.run('echo hi > /sys/x'), 1);
  t.equal(m.res.err, 'bash: line 1: /sys/x: Is a directory\n');

  m.fs.writes = [];
  m.run('echo a > /tmp/f; echo b >> /tmp/f; printf "c\\nd\\n" >> /tmp/f; echo -n "" > /tmp/g');
  t.equal(m.fs.readFile('/tmp/f'), 'a\nb\nc\nd\n');
  t.same(m.fs.writes.map((w) => w.data), ['a\n', 'b\n', 'c\nd\n'], 'one write per command, none for empty output');
  t.equal(m.fs.readFile('/tmp/g'), '');

  t.equal(m.run('cat < /tmp/f | wc -l'), 0);
  t.equal(m.res.out, '4\n');
  t.equal(m.run('cat < /tmp/none'), 1);
  t.equal(m.res.err, 'bash: line 1: /tmp/none: No such file or directory\n');
  t.equal(m.run('tr a-z A-Z <<< "here"'), 0);
  t.equal(m.res.out, 'HERE\n');
});

t.test('redirections: descriptor order and &>', async (t) => {
  const m = setup();
  m.run('record x > /dev/null');
  t.equal(m.res.out, '');
  t.equal(m.res.err, 'record: to stderr\n');
  m.run('record x > /dev/null 2>&1');
  t.equal(m.res.out + m.res.err, '');
  m.run('record x 2>&1 > /dev/null');
  t.equal(m.res.out, 'record: to stderr\n');
  t.equal(m.res.err, '');
  m.run('record x &> /tmp/both; cat /tmp/both');
  t.equal(m.res.out, 'recorded x\nrecord: to stderr\n');
  m.run('echo to-err >&2');
  t.equal(m.res.err, 'to-err\n');
  m.run('{ echo a; echo b >&2; } > /tmp/g 2>/dev/null; cat /tmp/g');
  t.equal(m.res.out, 'a\n');
  t.equal(m.res.err, '');
});

t.test('words: quoting, splitting and expansions', async (t) => {
  t.equal(sh1(`echo "a  b" 'c  d' e\\ \\ f`).out, 'a  b c  d e  f\n');
  t.equal(sh1(`x='a   b'; printf '[%s]' $x "$x" "" ''; echo`).out, '[a][b][a   b][][]\n');
  t.equal(sh1(`echo "\\$HOME \\"q\\" \\\\ \\a" '$HOME \\n'`).out, '$HOME "q" \\ \\a $HOME \\n\n');
  t.equal(sh1(`x=' lead  trail '; printf '<%s>' $x; echo`).out, '<lead><trail>\n');
  t.equal(sh1('echo -n a; echo -n b; echo').out, 'ab\n');
  t.equal(sh1(`echo -e 'a\\tb'; echo -n -e 'x\\n'; echo -- -n`).out, 'a\tb\nx\n-- -n\n');
  t.equal(sh1('v=$(echo "inner \\"quoted\\" $(echo deep)"); echo "$v"').out, 'inner "quoted" deep\n');
  t.equal(sh1(`x=$(printf 'a\\n\\n\\n'); echo "[$x]"`).out, '[a]\n');
  t.equal(sh1('s=hello.ko; echo ${s:1} ${s:0:2} ${#s} ${s%.ko} ${s#h} ${x:-def} ${s/l/L} ${s//l/L}').out, 'ello.ko he 8 hello ello.ko def heLlo.ko heLLo.ko\n');
  t.equal(sh1('a=(x "y z"); a+=(w); printf "<%s>" "${a[@]}"; echo " ${#a[@]} ${a[*]} ${a[1]} ${#a[1]}"').out, '<x><y z><w> 3 x y z w y z 3\n');
  t.equal(sh1('a=(); printf "<%s>" "${a[@]}" x; echo "${#a[@]}"').out, '<x>0\n');
  t.equal(sh1('echo $? $$ "$#"').out, '0 1000 0\n');
  t.equal(sh1('x=1; x+=2; y=$x$x; echo $y').out, '1212\n');
  t.equal(sh1('a=1 b=2; echo $a$b ${a}b').out, '12 1b\n');
  t.equal(sh1('echo $(( 1 + 2 * 3 )) $((7 / 2)) $((-7 % 3)) $((1 < 2 && 3 >= 3)) $((0 ? 1 : 2)) $(( !0 )) $(( (1 + 2) * 3 ))').out, '7 3 -1 1 2 1 9\n');
  t.equal(sh1('n=4; m=10; echo $((n < m ? n : m)) $(($n * $m)) $((n == 4)) $((n != 4))').out, '4 40 1 0\n');
  t.equal(sh1('echo $(( 1 + ))').err, 'bash: line 1: 1 + : syntax error: operand expected (error token is "+ ")\n');
  t.equal(sh1('echo a; echo $((1/0)); echo not-reached').out, 'a\n');
});

t.test('commands: status, pipelines, lists, compound commands', async (t) => {
  t.equal(sh1('false; echo $?; true; echo $?; ! true; echo $?').out, '1\n0\n1\n');
  t.equal(sh1('false || echo or; true && echo and; false && echo no; true || echo no').out, 'or\nand\n');
  t.equal(sh1('true | false; echo $?; seq 3 | tail -n 1').out, '1\n3\n');
  const nf = sh1('nosuch arg; echo $?');
  t.equal(nf.out, '127\n');
  t.equal(nf.err, 'bash: line 1: nosuch: command not found\n');
  t.equal(sh1('if false; then echo 1; elif [ -z "" ]; then echo 2; else echo 3; fi').out, '2\n');
  t.equal(sh1('i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo $i; done').out, '1\n3\n');
  t.equal(sh1('i=0; until [[ $i -ge 2 ]]; do i=$((i+1)); done; echo $i').out, '2\n');
  t.equal(sh1('for x in a "b c"; do echo "[$x]"; done').out, '[a]\n[b c]\n');
  t.equal(sh1('for ((i = 0; i < 3; i++)); do echo -n $i; done; echo').out, '012\n');
  t.equal(sh1('x=1; { x=2; }; (x=3; echo $x); echo $x').out, '3\n2\n');
  t.equal(sh1('f() { local v=in; echo "$1 $# $v"; return 3; }; v=out; f a b; echo $? $v').out, 'a 2 in\n3 out\n');
  t.equal(sh1('eval "x=5; echo \\$x"; echo $x').out, '5\n5\n');
  t.equal(sh1('echo "line\none"\necho two').out, 'line\none\ntwo\n');
  t.equal(exitStatus(() => sh1('echo before; exit 3; echo after')), 3);
  const ro = sh1('readonly R=1; R=2; echo reached');
  t.equal(ro.status, 1);
  t.equal(ro.err, 'bash: line 1: R: readonly variable\n');
});

t.test('[[ ]] and test', async (t) => {
  t.equal(sh1('x="a *"; [[ $x == "a *" ]] && echo nosplit; [[ abc == a* ]] && echo glob; [[ abc == "a*" ]] || echo quoted').out, 'nosplit\nglob\nquoted\n');
  t.equal(sh1('[[ abc =~ ^a(b)c$ ]] && echo ${BASH_REMATCH[1]}; re="^[0-9]+$"; [[ 12 =~ $re ]] && echo num').out, 'b\nnum\n');
  t.equal(sh1('[[ a < b && ! ( 2 -gt 3 ) ]] && echo ok; [[ -n "" || -z "" ]] && echo ok2').out, 'ok\nok2\n');
  t.equal(sh1('n=" 3 "; [[ $n -eq 3 ]] && echo num; [[ 1+2 -eq 3 ]] && echo arith').out, 'num\narith\n');
  const m = setup((h) => h.fs.file('/sys/f', 'v\n', '-r--r--r--').mkdir('/sys/d'));
  m.run('[[ -f /sys/f ]] && echo f; [[ -d /sys/d ]] && echo d; [[ -e /sys/none ]] || echo none; [ -d /sys/f ] || echo notdir; [ -r /sys/f ] && echo r');
  t.equal(m.res.out, 'f\nd\nnone\nnotdir\nr\n');
  t.equal(m.run('[ abc -eq 1 ]'), 2);
  t.equal(m.res.err, 'bash: line 1: [: abc: integer expression expected\n');
  t.equal(m.run('[ 1 -eq 1'), 2);
  t.equal(m.res.err, "bash: line 1: [: missing `]'\n");
  t.equal(m.run('test -n x -a 1 -lt 2 && [ ! -z x ] && [ "(" = "(" ]'), 0);
  t.equal(m.run('[ ]'), 1);
});

t.test('coreutils on the fake machine', async (t) => {
  const m = setup((h) => {
    h.fs.file('/f', 'one\ntwo\nthree\nfoo(1)\n').file('/sys/p/enabled', '1\n', '-rw-r--r--').file('/sys/p/force', '', '--w-------');
  });
  const out = (src: string) => (m.run(src), m.res.out);
  t.equal(out("grep 'o(1)' /f"), 'foo(1)\n', 'BRE: ( is a literal');
  t.equal(out("grep '\\(one\\|two\\)$' /f"), 'one\ntwo\n', 'BRE: \\( \\| are operators');
  t.equal(out("grep -E '^(one|three)$' /f"), 'one\nthree\n');
  t.equal(out("grep -c -v o /f; grep -n -i TWO /f; grep -x -F 'foo(1)' /f; grep -w on /f; echo $?"), '1\n2:two\nfoo(1)\n1\n');
  t.equal(out("grep -e one -e two /f; grep 'e\\{2\\}' /f"), 'one\ntwo\nthree\n');
  t.equal(m.run('grep x /none'), 2);
  t.equal(m.res.err, 'grep: /none: No such file or directory\n');
  t.equal(m.run("grep '\\(' /f"), 2);
  t.equal(m.res.err, 'grep: Unmatched ( or \\(\n');
  t.equal(m.run('cat /f /none'), 1);
  t.equal(m.res.err, 'cat: /none: No such file or directory\n');
  t.equal(out('seq 3; seq 2 4; seq 1 2 5; seq 3 1'), '1\n2\n3\n2\n3\n4\n1\n3\n5\n');
  t.equal(m.run('seq x'), 1);
  t.equal(m.res.err, "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n");
  t.equal(out("echo 'a b c' | tr ' ' ','; echo Hello | tr a-z A-Z; echo hello | tr -d l"), 'a,b,c\nHELLO\nheo\n');
  t.equal(out('wc -l < /f; wc -l /f; head -n 2 /f; tail -n 1 /f; tail -n +4 /f'), '4\n4 /f\none\ntwo\nfoo(1)\nfoo(1)\n');
  t.equal(out("printf '10\\n9\\nb\\na\\n' | sort; printf '10\\n9\\n' | sort -n; printf 'b\\na\\nb\\n' | sort -u -r"), '10\n9\na\nb\n9\n10\nb\na\n');
  t.equal(out('ls /sys/p; ls -1 /sys'), 'enabled\nforce\np\n');
  t.equal(m.run('ls /none'), 2);
  t.equal(m.res.err, "ls: cannot access '/none': No such file or directory\n");
  t.equal(out('stat --format %A /sys/p/enabled; stat -c "%n %A" /sys/p/force /sys/p'), '-rw-r--r--\n/sys/p/force --w-------\n/sys/p drwxr-xr-x\n');
  t.equal(m.run('stat -c %A /none'), 1);
  t.equal(m.res.err, "stat: cannot statx '/none': No such file or directory\n");
  t.equal(out('basename /a/b/c.ko .ko; basename /a/b/; dirname /a/b/c; dirname c; nproc; getconf _NPROCESSORS_ONLN'), 'c\nb\n/a/b\n.\n4\n4\n');
  t.equal(m.run('sleep 0.5; sleep 1.25'), 0);
  t.equal(m.host.clock, 1.75);
  t.equal(m.run('sleep abc'), 1);
  t.equal(m.res.err, "sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information.\n");
  t.equal(m.run('cat -z /f'), 1);
  t.equal(m.res.err, "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n");
  t.equal(coreutil('nosuch', m.host), undefined);
});

t.test('parse errors', async (t) => {
  t.throws(() => parse('if true; then echo x'), { name: 'Error', message: "unexpected end of input: missing 'fi'" });
  t.throws(() => parse('while true; do echo'), { message: "unexpected end of input: missing 'done'" });
  t.throws(() => parse("echo 'abc"), { message: /unterminated quote/ });
  t.throws(() => parse('echo "abc'), { message: /unterminated quote/ });
  t.throws(() => parse('echo $(echo a'), { message: /missing '\)'/ });
  t.throws(() => parse('[[ a == b'), { message: /missing '\]\]'/ });
  t.throws(() => parse('echo a | | cat'), { message: "syntax error near unexpected token `|'" });
  t.throws(() => parse('fi'), { message: "syntax error near unexpected token `fi'" });
  t.throws(() => parse('echo ${x'), { message: /bad substitution/ });
  const e = thrown(() => parse('echo ok; then'));
  t.ok(e instanceof ShellSyntaxError);
  t.equal((e as ShellSyntaxError).offset, 9);
  // run() throws them; eval reports them as bash does
  const m = setup();
  t.ok(thrown(() => m.run('if')) instanceof ShellSyntaxError, 'run() throws ShellSyntaxError');
  t.equal(m.sh.eval('if'), 2);
  t.equal(m.res.err, "bash: eval: line 1: unexpected end of input: missing 'then'\n");
  // reserved words only count where a command starts
  t.equal(sh1('echo if then fi done }').out, 'if then fi done }\n');
});

t.test('validate names unknown commands before anything runs', async (t) => {
  const known = (name: string) => ['load_lp', 'die', 'loop_until'].includes(name);
  t.doesNotThrow(() => validate(parse('load_lp x; grep -q y /z || die "no"; echo ok; [ 1 ]'), known));
  t.doesNotThrow(() => validate(parse('helper() { echo; }; helper; loop_until "anything at all"'), known));
  t.throws(() => validate(parse('load_lp x && lod_lp y'), known), { message: 'unknown command: lod_lp' });
  t.throws(() => validate(parse('x=$(bogus_cmd)'), known), { message: 'unknown command: bogus_cmd' });
  t.throws(() => validate(parse('if true; then "quoted cmd"; fi'), known), { message: 'unknown command: quoted cmd' });
  const e = thrown(() => validate(parse('echo; nope'), known));
  t.ok(e instanceof ShellSyntaxError);
  t.equal((e as ShellSyntaxError).offset, 6);
  // names built from expansions cannot be known statically
  t.doesNotThrow(() => validate(parse('cmd=echo; $cmd hi'), known));
});

t.test('the shell keeps its state between runs, like lines of one script', async (t) => {
  const m = setup();
  m.run('X=1; f() { echo "f:$X"; }');
  m.run('false');
  t.equal(m.sh.lastStatus, 1);
  m.run('echo "$? $X"; f');
  t.equal(m.res.out, '1 1\nf:1\n');
  m.sh.setVar('Y', 'from harness');
  t.equal(m.sh.eval('[[ $Y == "from harness" ]]'), 0);
  t.equal(m.sh.getVar('X'), '1');
  t.equal(m.sh.getVar('unset_var'), undefined);
  // a parsed script can be run again
  const ast = parse('n=$((n + 1))');
  m.sh.run(ast);
  m.sh.run(ast);
  t.equal(m.sh.getVar('n'), '2');
});

t.test('arithmetic', async (t) => {
  const vars = new Map<string, string>([['a', '5'], ['e', 'a * 2']]);
  const v = { get: (n: string) => vars.get(n), set: (n: string, x: string) => void vars.set(n, x) };
  t.equal(evalArith('a + e', v), 15n);
  t.equal(evalArith('x = a++ + 1, x', v), 6n);
  t.equal(vars.get('a'), '6');
  t.equal(evalArith('0 && (y = 1)', v), 0n);
  t.equal(vars.get('y'), undefined, 'the untaken side has no effect');
  t.equal(evalArith('2 ** 62 * 2', v), -(2n ** 63n), '64-bit wrap-around');
  t.equal(evalArith('0x1f + 010 + 2#101', v), 31n + 8n + 5n);
  t.throws(() => evalArith('1 / 0', v), /division by 0/);
});
