/**
 * The contract between the mini shell (parser, interpreter, coreutils) and the simulated
 * machine it runs on. The shell never touches Node's file system or clock: every path,
 * process and second belongs to the simulated kernel behind this interface.
 */

/** What a write or an open of a simulated file can fail with, as strerror() text ("Invalid argument"). */
export interface FsError {
  /** errno name, e.g. "EINVAL" */
  code: string;
  /** strerror() text as glibc prints it, e.g. "Invalid argument" */
  message: string;
}

export interface FileStat {
  type: 'file' | 'dir';
  /** permission string as `stat --format %A` prints it, e.g. "-rw-r--r--" or "drwxr-xr-x" */
  modeString: string;
}

/** An open file: writes go through the kernel's store handlers one write() at a time. */
export interface OpenFile {
  /** one write(2); returns an error for a failed write, undefined on success */
  write(data: string): FsError | undefined;
  close(): void;
}

export interface VirtualFs {
  /** read the whole file; an FsError when it cannot be opened or read */
  readFile(path: string): string | FsError;
  /** open for writing (truncate or append); an FsError when open(2) fails */
  openWrite(path: string, append: boolean): OpenFile | FsError;
  stat(path: string): FileStat | undefined;
  /** names in a directory, unsorted; undefined when not a directory */
  readdir(path: string): string[] | undefined;
}

/** Everything a command implementation gets. */
export interface CommandIO {
  /** standard input as one string (pipelines and here-strings feed it) */
  stdin: string;
  out(text: string): void;
  err(text: string): void;
  /** the shell's current variables and helpers, for builtins that need them (loop_until) */
  shell: ShellApi;
}

/** A command: returns its exit status. Throwing ShellExit ends the whole script. */
export type CommandImpl = (argv: string[], io: CommandIO) => number;

/** What the harness may do with a running shell. */
export interface ShellApi {
  /** parse and run a command string in the current shell (like `eval`); returns its status */
  eval(source: string): number;
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  /** the exit status of the last command ($?) */
  readonly lastStatus: number;
}

/** The machine behind the shell. */
export interface ShellHost {
  fs: VirtualFs;
  /** a command implemented by the host (insmod, rmmod, sysctl, load_lp, ...), or undefined */
  command(name: string): CommandImpl | undefined;
  /** advance virtual time by the given number of seconds, running what falls due */
  sleep(seconds: number): void;
  /**
   * start a program in the background (`prog &`); returns its pid. The host decides what
   * programs exist; an unknown one returns an FsError (ENOENT, "No such file or directory").
   */
  spawn(argv: string[]): number | FsError;
  /** send a signal to a pid (for `kill`); returns an FsError for ESRCH */
  kill(pid: number, signal: string): FsError | undefined;
  /** number of online CPUs (`getconf _NPROCESSORS_ONLN`, `nproc`) */
  nproc(): number;
}

/** Thrown by `exit`, `die` and `skip`: ends the script with this status. */
export class ShellExit extends Error {
  constructor(public readonly status: number) {
    super(`exit ${status}`);
  }
}

/** A script that does not parse, or names a command that does not exist. */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the source, when known */
    public readonly offset?: number,
  ) {
    super(message);
  }
}

/** A script that would never end in bash (a loop that does not stop): the run stops there. */
export class ShellHang extends Error {}
