/**
 * The run report, shaped like kselftest's: KTAP with one result line per test, the test's
 * diff (as check_result prints it) or error as diagnostics, a `# Totals:` line, and the
 * plain `N passed, N failed` line CI reads.
 */
import { styleText } from 'node:util';
import { unifiedDiff } from './check_result.js';
import type { SuiteRun, TestRun } from './runner.js';

export type Verdict = 'pass' | 'fail' | 'skip';

export interface Judged {
  run: TestRun;
  verdict: Verdict;
  /** diagnostic lines, without the "# " prefix */
  details: string[];
}

export interface Counts {
  pass: number;
  fail: number;
  skip: number;
}

/** compare one test's log with its golden text (undefined: the golden file is missing) */
export function judge(run: TestRun, golden: string | undefined, goldenFile: string): Judged {
  if (run.status === 'skipped') return { run, verdict: 'skip', details: [] };
  if (run.status === 'not-run') return { run, verdict: 'fail', details: [run.error ?? 'not run'] };
  if (run.status === 'error') return { run, verdict: 'fail', details: [run.error ?? 'error'] };
  if (golden === undefined)
    return { run, verdict: 'fail', details: [`missing golden file ${goldenFile} (create it with: klp-selftest update)`] };
  if (golden === run.log) return { run, verdict: 'pass', details: [] };
  return { run, verdict: 'fail', details: ['', ...unifiedDiff(golden, run.log ?? '').replace(/\n$/, '').split('\n'), ''] };
}

export class KtapReporter {
  private n = 0;
  readonly counts: Counts = { pass: 0, fail: 0, skip: 0 };

  constructor(
    private readonly write: (text: string) => void,
    private readonly colour: boolean,
  ) {}

  header(total: number): void {
    this.write(`TAP version 13\n1..${total}\n`);
  }

  suite(run: SuiteRun): void {
    this.write(`# selftests: ${run.suite.model.name}: ${run.suite.name} (${run.suite.file})\n`);
  }

  result(suiteName: string, j: Judged): void {
    this.n++;
    this.counts[j.verdict]++;
    const desc = `${suiteName}: ${j.run.test.title}`;
    for (const d of j.details) this.write(`#${d ? ' ' + this.paint(d) : ''}\n`);
    const line =
      j.verdict === 'pass' ? `ok ${this.n} ${desc}` : j.verdict === 'skip' ? `ok ${this.n} ${desc} # SKIP ${j.run.reason ?? ''}`.trimEnd() : `not ok ${this.n} ${desc}`;
    this.write(`${this.colour ? styleText(j.verdict === 'fail' ? 'red' : j.verdict === 'skip' ? 'yellow' : 'green', line) : line}\n`);
  }

  totals(): void {
    const { pass, fail, skip } = this.counts;
    this.write(`# Totals: pass:${pass} fail:${fail} xfail:0 xpass:0 skip:${skip} error:0\n`);
    this.write(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}\n`);
  }

  private paint(line: string): string {
    if (!this.colour) return line;
    if (line.startsWith('+') && !line.startsWith('+++')) return styleText('green', line);
    if (line.startsWith('-') && !line.startsWith('---')) return styleText('red', line);
    if (line.startsWith('@@')) return styleText('cyan', line);
    return line;
  }
}
