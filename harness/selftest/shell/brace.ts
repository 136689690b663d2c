/**
 * Brace expansion, bash's first expansion: `{a,b}` gives one word per item, `{1..5}` and
 * `{a..e}` (with an optional `..step`) a sequence; `{01..10}` pads with zeros. It applies to
 * unquoted literal text; a brace that is none of these (`{}`, `{a}`, `${x}`) stays as written.
 */

/** a sequence or a list longer than this is refused: bash would build it, no step needs it */
export const MAX_BRACE_WORDS = 100_000;

export class BraceLimitError extends Error {}

/** the words one unquoted text expands to (itself alone when it has no brace expression) */
export function expandBraces(text: string): string[] {
  if (!text.includes('{')) return [text];
  for (let open = text.indexOf('{'); open >= 0; open = text.indexOf('{', open + 1)) {
    const found = braceAt(text, open);
    if (!found) continue;
    const prefix = text.slice(0, open);
    const suffixes = expandBraces(text.slice(found.close + 1));
    const out: string[] = [];
    for (const item of found.items)
      for (const middle of found.sequence ? [item] : expandBraces(item))
        for (const suffix of suffixes) {
          if (out.length >= MAX_BRACE_WORDS) throw new BraceLimitError(`brace expansion: more than ${MAX_BRACE_WORDS} words`);
          out.push(prefix + middle + suffix);
        }
    return out;
  }
  return [text];
}

/** the brace expression opening at `open`: its items and where it closes, if it is one */
function braceAt(text: string, open: number): { items: string[]; close: number; sequence: boolean } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (--depth > 0) continue;
      const body = text.slice(open + 1, i);
      if (commas.length) {
        const bounds = [open, ...commas, i];
        return { items: bounds.slice(1).map((end, n) => text.slice(bounds[n] + 1, end)), close: i, sequence: false };
      }
      const items = sequence(body);
      return items ? { items, close: i, sequence: true } : undefined;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return undefined;
}

/** `1..5`, `5..1..2`, `a..e`: the items, or undefined when the body is not a sequence */
function sequence(body: string): string[] | undefined {
  const num = /^([-+]?\d+)\.\.([-+]?\d+)(?:\.\.([-+]?\d+))?$/.exec(body);
  const chr = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.([-+]?\d+))?$/.exec(body);
  const m = num ?? chr;
  if (!m) return undefined;
  const from = num ? Number(m[1]) : m[1].charCodeAt(0);
  const to = num ? Number(m[2]) : m[2].charCodeAt(0);
  // bash takes the step's size only; the direction comes from the ends
  const step = Math.abs(Number(m[3] ?? 1)) || 1;
  const count = Math.floor(Math.abs(to - from) / step) + 1;
  if (count > MAX_BRACE_WORDS) throw new BraceLimitError(`brace expansion: {${body}} has more than ${MAX_BRACE_WORDS} words`);
  // {01..10}: a leading zero on either end pads every number to the longer end's width
  const padded = num !== null && (/^[-+]?0\d/.test(m[1]) || /^[-+]?0\d/.test(m[2]));
  const width = padded ? Math.max(m[1].length, m[2].length) : 0;
  const out: string[] = [];
  for (let n = 0, v = from; n < count; n++, v += to >= from ? step : -step) {
    if (!num) out.push(String.fromCharCode(v));
    else if (width) out.push(v < 0 ? `-${String(-v).padStart(width - 1, '0')}` : String(v).padStart(width, '0'));
    else out.push(String(v));
  }
  return out;
}
