/**
 * Virtual time. Nothing in the simulator reads the host's clock: a run is a pure function
 * of its input, so a golden log is the same on every machine and every run.
 */

export const NSEC_PER_MSEC = 1_000_000;
export const NSEC_PER_SEC = 1_000_000_000;
/** CONFIG_HZ of the modelled kernel; jiffies are derived from the virtual clock */
export const HZ = 250;

export class VirtualClock {
  /** nanoseconds since boot (local_clock(), what printk stamps records with) */
  private ns: number;

  constructor(
    startNs: number,
    /** wall-clock time at boot, in ms since the epoch (for `date`) */
    private readonly bootEpochMs: number,
  ) {
    this.ns = startNs;
  }

  /** observation point for tools outside the kernel (the timeline): called before time moves on */
  beforeAdvance: ((ns: number) => void) | undefined;

  now(): number {
    return this.ns;
  }

  /** time only moves forward; the scheduler is the only caller */
  set(ns: number): void {
    if (ns < this.ns) throw new Error(`virtual clock cannot go back (${ns} < ${this.ns})`);
    if (ns !== this.ns) this.beforeAdvance?.(this.ns);
    this.ns = ns;
  }

  jiffies(): number {
    return Math.floor(this.ns / (NSEC_PER_SEC / HZ));
  }

  /** `date --rfc-3339=ns` in UTC, derived from virtual time */
  rfc3339ns(): string {
    // epoch ms * 1e6 + ns is beyond a double's exact integers: split it at the second instead
    // (exact while virtual time stays under 104 days), without BigInt's slow arithmetic
    const ms = this.bootEpochMs + Math.floor(this.ns / 1_000_000);
    const d = new Date(ms);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const frac = String(((this.bootEpochMs % 1000) * 1_000_000 + this.ns) % 1_000_000_000).padStart(9, '0');
    return (
      `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${frac}+00:00`
    );
  }
}
