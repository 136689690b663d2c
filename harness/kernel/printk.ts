/**
 * The printk ring buffer, /dev/kmsg and what `dmesg` prints of it.
 *
 * Records keep the kernel's fields (sequence, timestamp, facility, level, caller) so that
 * dmesg's rendering, and therefore the selftests' check_result filter, see exactly the
 * text a real kernel would hand them.
 */
import type { VirtualClock } from './clock.js';
import { EINVAL } from './errno.js';

export const KERN_EMERG = 0;
export const KERN_ALERT = 1;
export const KERN_CRIT = 2;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;

/** facility of records written to /dev/kmsg by user space (LOG_USER) */
const LOG_USER = 1;
/** PRINTKRB_RECORD_MAX: the longest write(2) /dev/kmsg takes, in bytes */
const PRINTKRB_RECORD_MAX = 1024;
/** default_message_loglevel: what a /dev/kmsg line without a <N> prefix gets */
const DEFAULT_MESSAGE_LOGLEVEL = KERN_WARNING;

export interface LogRecord {
  seq: number;
  /** nanoseconds since boot */
  tsNs: number;
  facility: number;
  level: number;
  /** pid of the task that printed it (PRINTK_CALLER's T<pid>) */
  callerPid: number;
  text: string;
}

export class Printk {
  /** console_loglevel: which levels reach the console (the state test modules change it) */
  console_loglevel = 7;
  /** &console_loglevel: one identity for the variable, as the linker resolves its address */
  readonly console_loglevel_addr: object = Object.freeze({});
  private readonly records: LogRecord[] = [];
  private nextSeq = 0;
  /** observation point for tools outside the kernel (the timeline): called with each new record */
  onRecord: ((r: LogRecord) => void) | undefined;
  /** dmesg's text of records[0..formatted): each record is formatted once, so reading the log costs what it grew by */
  private text = '';
  private formatted = 0;
  /** each record's dmesg line once made, by index: the whole log and a test's part of it share them */
  private readonly lines: string[] = [];

  constructor(
    private readonly clock: VirtualClock,
    /** pid of the current task, for the caller field */
    private readonly currentPid: () => number,
  ) {}

  /** vprintk_emit(): one record per call; a trailing newline ends the record */
  printk(level: number, text: string, facility = 0): void {
    // The kernel splits a message at embedded newlines into continuation-free records only
    // for the trailing one; pr_* formats here carry at most that trailing newline.
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    this.records.push({
      seq: this.nextSeq++,
      tsNs: this.clock.now(),
      facility,
      level,
      callerPid: this.currentPid(),
      text: body,
    });
    this.onRecord?.(this.records[this.records.length - 1]);
  }

  /**
   * devkmsg_write(): one write(2) is one record, of at most 1024 bytes (a longer one is
   * refused whole, EINVAL). An optional "<N>" prefix sets the level and facility; user
   * space cannot claim the kernel facility, so 0 becomes LOG_USER.
   */
  devkmsgWrite(data: string): number {
    if (Buffer.byteLength(data) > PRINTKRB_RECORD_MAX) return -EINVAL;
    let level = DEFAULT_MESSAGE_LOGLEVEL;
    let facility = LOG_USER;
    let text = data;
    const m = /^<(\d+)>/.exec(text);
    if (m) {
      const prio = Number(m[1]);
      level = prio & 7;
      facility = prio >> 3 || LOG_USER;
      text = text.slice(m[0].length);
    }
    // printk_emit(..., "%s", line): the record ends at a NUL byte
    const nul = text.indexOf('\0');
    if (nul >= 0) text = text.slice(0, nul);
    this.printk(level, text, facility);
    return data.length;
  }

  all(): readonly LogRecord[] {
    return this.records;
  }

  /** `dmesg` (util-linux): "[%5lu.%06lu] text", one line per record */
  dmesg(): string {
    const parts: string[] = [];
    for (; this.formatted < this.records.length; this.formatted++) parts.push(this.line(this.formatted), '\n');
    if (parts.length) this.text += parts.join('');
    return this.text;
  }

  /** dmesg's lines for the records from sequence number `seq` on, formatting only those */
  dmesgSince(seq: number): string {
    // sequence numbers are consecutive, so the first record's index is a subtraction
    const first = this.records.length ? Math.max(0, seq - this.records[0].seq) : 0;
    let text = '';
    for (let i = first; i < this.records.length; i++) text += `${this.line(i)}\n`;
    return text;
  }

  /** the last dmesg line containing `needle`, searched from the end (a line just logged is found at once) */
  lastLineContaining(needle: string): string | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const line = this.line(i);
      if (line.includes(needle)) return line;
    }
    return undefined;
  }

  private line(i: number): string {
    return (this.lines[i] ??= formatDmesgLine(this.records[i]));
  }

  /** the sequence number the next record will get */
  get seq(): number {
    return this.nextSeq;
  }

  /** `dmesg -C` */
  clear(): void {
    this.records.length = 0;
    this.lines.length = 0;
    this.text = '';
    this.formatted = 0;
  }
}

export function formatDmesgLine(r: LogRecord): string {
  const sec = Math.floor(r.tsNs / 1e9);
  const usec = Math.floor((r.tsNs % 1e9) / 1e3);
  return `[${String(sec).padStart(5, ' ')}.${String(usec).padStart(6, '0')}] ${r.text}`;
}
