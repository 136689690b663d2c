/**
 * When V8's optimizing compiler (TurboFan) and parallel scavenges are worth having.
 *
 * bin/klp-selftest.js starts every command with both off (`--no-turbofan
 * --no-parallel-scavenge`): a short command is over before optimized code could pay back its
 * compiling, which on a 2-core machine takes the core the garbage collector would have used,
 * and its scavenges are too small to gain from helper threads. Measured on this project's
 * machine, a whole `run` of the shipped suites went from about 355 to 300 ms without the
 * compiler, and used 13 ms less CPU without parallel scavenges. A long command needs both:
 * the explorer runs about 3.7 times slower without the compiler. So the loops that can run
 * long call `mayRunLong()` as they go, and once the process has been up for LONG_MS both are
 * switched on for the rest of it; the explorer, always long, switches them on at its start
 * (`runsLong()`). Where the process was started some other way (the tests, the benchmark),
 * both are on from the start and these change nothing.
 */
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';

/** process uptime after which a command counts as long (the shipped suites end before) */
const LONG_MS = 500;

let optimizing = false;

/** the work at hand will run long: let V8 optimize from now on */
export function runsLong(): void {
  if (optimizing) return;
  optimizing = true;
  v8.setFlagsFromString('--turbofan --parallel-scavenge');
}

/** called as a loop goes: once the process has run long, as runsLong() */
export function mayRunLong(): void {
  if (!optimizing && performance.now() > LONG_MS) runsLong();
}
