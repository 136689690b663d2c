/**
 * What $(...) does to a command's output: every trailing newline goes. A loop rather than
 * /\n+$/: the expression is tried at every newline of the output, and outputs are whole logs.
 */
export function stripTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return end === text.length ? text : text.slice(0, end);
}
