/**
 * The run report, shaped like kselftest's: KTAP where each suite is a test whose tests are
 * its subtests (as run_kselftest.sh nests a collection's scripts), a test's diff (as
 * check_result prints it), error or output as diagnostics, a `# Totals:` line, and the
 * plain `N passed, N failed` line CI reads. `--json` gives the same facts as one document.
 */
import { styleText } from 'node:util';
import { unifiedDiff } from './check_result.js';
import type { TestRun } from './runner.js';
import type { Suite } from './suite.js';

export type Verdict = 'pass' | 'fail' | 'skip' | 'error';

export interface Judged {
  run: TestRun;
  verdict: Verdict;
  /** the unified diff against the golden file, for a mismatch */
  diff?: string;
  /** diagnostic lines, without the "# " prefix */
  details: string[];
}

export type Counts = Record<Verdict, number>;

/** compare one test's log with its golden text (undefined: the golden file is missing) */
export function judge(run: TestRun, golden: string | undefined, goldenFile: string, suiteFile: string): Judged {
  const output = run.output ? run.output.replace(/\n$/, '').split('\n') : [];
  if (run.status === 'skipped' || run.status === 'not-run') return { run, verdict: 'skip', details: output };
  if (run.status === 'error') return { run, verdict: 'error', details: [...output, run.error ?? 'error'] };
  if (golden === undefined)
    return { run, verdict: 'fail', details: [...output, `missing golden file ${goldenFile} (create it with: klp-selftest update ${suiteFile})`] };
  if (golden === run.log) return { run, verdict: 'pass', details: output };
  const diff = unifiedDiff(golden, run.log ?? '');
  return {
    run,
    verdict: 'fail',
    diff,
    details: [
      ...output,
      '',
      ...diff.replace(/\n$/, '').split('\n'),
      '',
      `the log differs from ${goldenFile}; if the change is intended: klp-selftest update ${suiteFile}`,
    ],
  };
}

/** a KTAP description: no '#' (it starts a directive) and no line break (it starts a line) */
export function ktapEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** a diagnostic line: one line, whatever the text held */
function diagnostic(text: string): string[] {
  return text.split(/\r?\n|\r/);
}

/** a subtest's indentation, as KUnit prints it and TAP parsers read it */
const SUBTEST = '    ';

export class KtapReporter {
  private suiteN = 0;
  private testN = 0;
  private suiteVerdict: Verdict = 'skip';
  private suite?: Suite;
  readonly counts: Counts = { pass: 0, fail: 0, skip: 0, error: 0 };

  constructor(
    private readonly write: (text: string) => void,
    private readonly colour: boolean,
  ) {}

  header(suites: number): void {
    this.write(`TAP version 13\n1..${suites}\n`);
  }

  suiteStart(suite: Suite, tests: number): void {
    this.suite = suite;
    this.testN = 0;
    this.suiteVerdict = 'skip';
    this.write(`# selftests: ${suite.model.name}: ${suite.name} (${suite.file})\n    KTAP version 1\n    1..${tests}\n`);
  }

  result(j: Judged): void {
    this.testN++;
    this.counts[j.verdict]++;
    if (j.verdict === 'fail' || j.verdict === 'error') this.suiteVerdict = 'fail';
    else if (j.verdict === 'pass' && this.suiteVerdict === 'skip') this.suiteVerdict = 'pass';
    for (const d of j.details.flatMap(diagnostic)) this.write(`${SUBTEST}#${d ? ' ' + this.paint(d) : ''}\n`);
    this.write(`${SUBTEST}${this.line(j.verdict, this.testN, ktapEscape(j.run.test.title), j.run.reason)}\n`);
  }

  /** the suite's own result line, after its subtests (and its own diagnostics) */
  suiteEnd(notes: string[] = []): void {
    const suite = this.suite!;
    for (const d of notes.flatMap(diagnostic)) this.write(`# ${d}\n`);
    this.write(`${this.line(this.suiteVerdict, ++this.suiteN, ktapEscape(`selftests: ${suite.model.name}: ${suite.name}`), undefined)}\n`);
  }

  totals(): void {
    const { pass, fail, skip, error } = this.counts;
    this.write(`# Totals: pass:${pass} fail:${fail} xfail:0 xpass:0 skip:${skip} error:${error}\n`);
    this.write(`${pass} passed, ${fail + error} failed${error ? ` (${error} could not finish)` : ''}${skip ? `, ${skip} skipped` : ''}\n`);
  }

  private line(verdict: Verdict, n: number, desc: string, reason: string | undefined): string {
    const text =
      verdict === 'pass'
        ? `ok ${n} ${desc}`
        : verdict === 'skip'
          ? `ok ${n} ${desc} # SKIP ${ktapEscape(reason ?? '')}`.trimEnd()
          : `not ok ${n} ${desc}`;
    if (!this.colour) return text;
    return styleText(verdict === 'pass' ? 'green' : verdict === 'skip' ? 'yellow' : 'red', text);
  }

  private paint(line: string): string {
    if (!this.colour) return line;
    if (line.startsWith('+') && !line.startsWith('+++')) return styleText('green', line);
    if (line.startsWith('-') && !line.startsWith('---')) return styleText('red', line);
    if (line.startsWith('@@')) return styleText('cyan', line);
    return line;
  }
}

/** one test in `run --json` */
export interface JsonTest {
  suite: string;
  model: string;
  title: string;
  status: Verdict;
  /** unified diff against the golden file; null unless the log differs */
  diff: string | null;
  /** milliseconds */
  time: number;
  golden: string;
  error: string | null;
  reason: string | null;
  output: string;
}

export function jsonTest(suite: Suite, j: Judged, golden: string): JsonTest {
  return {
    suite: suite.file,
    model: suite.model.name,
    title: j.run.test.title,
    status: j.verdict,
    diff: j.diff ?? null,
    time: Math.round(j.run.time * 1000) / 1000,
    golden,
    error: j.run.error ?? null,
    reason: j.run.reason ?? null,
    output: j.run.output,
  };
}
