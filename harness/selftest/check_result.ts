/**
 * check_result's filter, as functions.sh spells it:
 *
 *   dmesg | awk -v last_dmesg="$LAST_DMESG" 'p; $0 == last_dmesg { p=1 }' |
 *           grep -e 'livepatch:' -e 'test_klp' |
 *           grep -v '\(tainting\|taints\) kernel' |
 *           sed 's/^\[[ 0-9.]*\] //' | sed 's/^\[[ ]*[CT][0-9]*\] //'
 *
 * and its report on a mismatch: `diff -upr --label expected --label result`.
 */
import { structuredPatch } from 'diff';
import { stripTrailingNewlines } from './shell/trailing_newlines.js';

export interface LogFilter {
  /** lines kept when they contain any of these */
  keep: string[];
  /** lines dropped when they match */
  drop: RegExp;
}

export const MAINLINE_FILTER: LogFilter = {
  keep: ['livepatch:', 'test_klp'],
  drop: /(tainting|taints) kernel/,
};

/** v5.5's check_result: `grep -v 'tainting'` only */
export const V5_5_FILTER: LogFilter = {
  keep: ['livepatch:', 'test_klp'],
  drop: /tainting/,
};

/** the filtered log after the canary line, or undefined when the canary is not in the log */
export function filterLog(dmesg: string, lastDmesg: string, filter: LogFilter = MAINLINE_FILTER): string | undefined {
  const lines = dmesg.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const start = lines.indexOf(lastDmesg);
  if (start < 0) return undefined;
  return applyFilter(lines.slice(start + 1), filter);
}

/**
 * The older check_result: `dmesg | comm --nocheck-order -13 "$SAVED_DMESG" -`, then the
 * same filter. The log only grows, so what comm finds new is what follows the saved lines.
 */
export function filterNewLines(dmesg: string, savedLines: number, filter: LogFilter = MAINLINE_FILTER): string {
  const lines = dmesg.split('\n').filter(Boolean).slice(savedLines);
  return applyFilter(lines, filter);
}

function applyFilter(lines: string[], filter: LogFilter): string {
  // the pipeline's stages in one pass: every test filters the whole log since its start
  const kept: string[] = [];
  for (const l of lines) {
    if (!filter.keep.some((k) => l.includes(k)) || filter.drop.test(l)) continue;
    kept.push(l.replace(/^\[[ 0-9.]*\] /, '').replace(/^\[[ ]*[CT][0-9]*\] /, ''));
  }
  // $(...) drops trailing newlines
  return stripTrailingNewlines(kept.join('\n'));
}

/** GNU diff -p: the last line before the hunk that starts like a C function, cut at 40 */
function functionContext(lines: string[], hunkStart: number): string {
  for (let i = hunkStart - 1; i >= 0; i--) {
    if (/^[A-Za-z$_]/.test(lines[i])) return lines[i].slice(0, 40).replace(/\s+$/, '');
  }
  return '';
}

/**
 * `diff -upr --label expected --label result <(echo "$expect") <(echo "$result")`:
 * unified diff with three lines of context and -p function headers.
 */
export function unifiedDiff(expected: string, result: string): string {
  const a = expected + '\n';
  const b = result + '\n';
  const patch = structuredPatch('expected', 'result', a, b, '', '', { context: 3 });
  const oldLines = a.split('\n');
  let out = '--- expected\n+++ result\n';
  for (const h of patch.hunks) {
    // GNU diff: a one-line range is just its start; an empty one names the line before it
    const range = (start: number, n: number) => (n === 1 ? `${start}` : n === 0 ? `${start - 1},0` : `${start},${n}`);
    const ctx = functionContext(oldLines, h.oldStart - 1);
    out += `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@${ctx ? ' ' + ctx : ''}\n`;
    for (const l of h.lines) if (!l.startsWith('\\')) out += l + '\n';
  }
  return out;
}
