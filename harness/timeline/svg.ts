/**
 * A test's timeline as one self-contained SVG: no script, no external font or file, and
 * the same bytes for the same run (every number is rounded the same way; nothing reads a
 * clock). x runs through the samples in order: each change of the machine's state is a
 * small step even within one instant, and the gap between two samples grows with the
 * logarithm of the virtual time between them, so quiet stretches are compressed; the axis
 * says the time.
 */
import type { PatchSample, Sample, TaskState, TestTimeline } from './record.js';

const LABEL_W = 230;
const LANE_H = 14;
const LANE_GAP = 4;
const TICK_ROW = 13;
const LABEL_CHARS = 80;

const TASK_FILL: Record<TaskState, string> = { unpatched: '#d9d9d9', patched: '#43a047', pending: '#ffb300', sleeping: '#e53935' };
const PATCH_FILL: Record<PatchSample['state'], string> = { enabled: '#43a047', patching: '#42a5f5', unpatching: '#7e57c2', disabled: '#bdbdbd' };
const COUNT_FILL = '#fdd835';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();
const secs = (t: number) => `${(t / 1e9).toFixed(3)} s`;

/** x of each sample: the gap to the previous one grows with the logarithm of the virtual time between them */
function sampleScale(samples: Sample[]): number[] {
  const pos: number[] = [];
  let x = 10;
  samples.forEach((s, i) => {
    if (i > 0) x += Math.min(140, 5 + 24 * Math.log10(1 + (s.t - samples[i - 1].t) / 1e6));
    pos.push(x);
  });
  pos.push(x + 30);
  return pos;
}

interface Segment {
  /** sample indices: from `from` up to (not including) `to`; samples.length is the end */
  from: number;
  to: number;
}

/** one lane: segments where `value` is defined, merged while it stays the same */
function segments<V>(samples: Sample[], value: (s: Sample) => V | undefined, same: (a: V, b: V) => boolean): Array<Segment & { v: V }> {
  const out: Array<Segment & { v: V }> = [];
  samples.forEach((s, i) => {
    const v = value(s);
    if (v === undefined) return;
    const last = out[out.length - 1];
    if (last && last.to === i && same(last.v, v)) last.to = i + 1;
    else out.push({ from: i, to: i + 1, v });
  });
  return out;
}

export interface Picture {
  svg: string;
  width: number;
  height: number;
}

/** the picture's body (without the outer <svg>), its width and height */
export function drawTimeline(tl: TestTimeline): Picture {
  const samples = tl.samples;
  const pos = sampleScale(samples);
  /** x of a sample index (samples.length: the end of the picture) */
  const X = (i: number) => LABEL_W + pos[i];
  const endX = X(samples.length);
  /** virtual time at a sample index */
  const T = (i: number) => samples[Math.min(i, samples.length - 1)].t;
  const span = (seg: Segment) => `${secs(T(seg.from))} – ${secs(T(seg.to))}`;
  const body: string[] = [];
  let y = 8;
  body.push(`<text x="8" y="${y + 12}" font-size="14" font-weight="bold">${esc(`${tl.title}`)}</text>`);
  y += 18;
  body.push(`<text x="8" y="${y + 11}" font-size="11" fill="#555">${esc(`${tl.model} · ${tl.suite} #${tl.index} · x: virtual time, each change of state a step, quiet stretches compressed`)}</text>`);
  y += 18;
  // legend
  const legend: Array<[string, string]> = [
    ['unpatched', TASK_FILL.unpatched],
    ['patched / enabled', TASK_FILL.patched],
    ['in transition, not switched', TASK_FILL.pending],
    ['sleeping in a function of the transition', TASK_FILL.sleeping],
    ['patching →', PATCH_FILL.patching],
    ['← unpatching', PATCH_FILL.unpatching],
    ['count', COUNT_FILL],
  ];
  let lx = 8;
  for (const [label, fill] of legend) {
    body.push(`<rect x="${lx}" y="${y + 2}" width="10" height="10" fill="${fill}" stroke="#333" stroke-width="0.5"/><text x="${lx + 14}" y="${y + 11}" font-size="10">${esc(label)}</text>`);
    lx += 24 + label.length * 6;
  }
  y += 22;

  const lane = (label: string, kind: string, draw: (top: number) => string[]) => {
    body.push(`<g class="lane" data-kind="${kind}" data-name="${esc(label)}"><text x="${LABEL_W - 6}" y="${y + 11}" font-size="11" text-anchor="end">${esc(label)}</text>${draw(y).join('')}</g>`);
    y += LANE_H + LANE_GAP;
  };
  const section = (title: string) => {
    body.push(`<text x="8" y="${y + 12}" font-size="12" font-weight="bold" fill="#333">${esc(title)}</text>`);
    y += 18;
  };
  const rect = (from: number, to: number, top: number, fill: string, title: string, extra = '') => {
    const x0 = X(from);
    const w = Math.max(2, X(to) - x0);
    return `<rect x="${n(x0)}" y="${top}" width="${n(w)}" height="${LANE_H}" fill="${fill}"${extra}><title>${esc(title)}</title></rect>`;
  };
  const label = (from: number, text: string, top: number, colour = '#000') => `<text x="${n(X(from) + 3)}" y="${top + 11}" font-size="10" fill="${colour}">${esc(text)}</text>`;

  const ordered = <T>(pick: (s: Sample) => T[], key: (v: T) => string) => {
    const seen: string[] = [];
    for (const s of samples) for (const v of pick(s)) if (!seen.includes(key(v))) seen.push(key(v));
    return seen;
  };

  section('tasks');
  for (const key of ordered((s) => s.tasks, (t) => t.key))
    lane(key, 'task', (top) =>
      segments(samples, (s) => s.tasks.find((t) => t.key === key), (a, b) => a.state === b.state && a.fn === b.fn).flatMap((seg) => {
        const what = seg.v.state === 'sleeping' ? `sleeping in ${seg.v.fn}` : seg.v.state === 'pending' ? 'in transition, not switched yet' : seg.v.state;
        const out = [rect(seg.from, seg.to, top, TASK_FILL[seg.v.state], `${key}: ${what} (${span(seg)})`)];
        if (seg.v.state === 'sleeping' && X(seg.to) - X(seg.from) > 60) out.push(label(seg.from, `in ${seg.v.fn}`, top, '#fff'));
        return out;
      }),
    );

  section('patches');
  for (const name of ordered((s) => s.patches, (p) => p.name)) {
    lane(name, 'patch', (top) => {
      const segs = segments(samples, (s) => s.patches.find((p) => p.name === name), (a, b) => a.state === b.state && a.forced === b.forced);
      const out: string[] = [];
      segs.forEach((seg, i) => {
        const stalled = (seg.v.state === 'patching' || seg.v.state === 'unpatching') && T(seg.to) - T(seg.from) >= 5e9;
        const what = `${seg.v.state}${seg.v.forced ? ', forced' : ''}${stalled ? ', stalled' : ''}`;
        const stroke = seg.v.forced ? ' stroke="#b71c1c" stroke-width="3"' : '';
        out.push(rect(seg.from, seg.to, top, PATCH_FILL[seg.v.state], `${name}: ${what} (${span(seg)})`, stroke));
        const text = seg.v.state === 'patching' ? '→ patching' : seg.v.state === 'unpatching' ? '← unpatching' : seg.v.state === 'disabled' ? 'disabled' : 'enabled';
        const wide = X(seg.to) - X(seg.from);
        const words = [text, stalled ? `STALLED ${((T(seg.to) - T(seg.from)) / 1e9).toFixed(1)} s` : '', seg.v.forced ? 'FORCED' : ''].filter(Boolean).join(' · ');
        if (wide > words.length * 6) out.push(label(seg.from, words, top, '#fff'));
        const prev = segs[i - 1];
        if (seg.v.forced && !(prev && prev.to === seg.from && prev.v.forced))
          out.push(`<g class="forced"><line x1="${n(X(seg.from))}" y1="${top - 3}" x2="${n(X(seg.from))}" y2="${top + LANE_H + 3}" stroke="#b71c1c" stroke-width="2"/><text x="${n(X(seg.from) + 3)}" y="${top - 1}" font-size="9" font-weight="bold" fill="#b71c1c">FORCED</text><title>${esc(`${name}: transition forced at ${secs(T(seg.from))}`)}</title></g>`);
        const transition = (s: string) => s === 'patching' || s === 'unpatching';
        if (prev && prev.to === seg.from && transition(prev.v.state) && transition(seg.v.state) && prev.v.state !== seg.v.state)
          out.push(`<g class="reversal"><line x1="${n(X(seg.from))}" y1="${top - 3}" x2="${n(X(seg.from))}" y2="${top + LANE_H + 3}" stroke="#000" stroke-width="2"/><text x="${n(X(seg.from) + 3)}" y="${top - 1}" font-size="9" font-weight="bold">REVERSED</text><title>${esc(`${name}: transition reversed at ${secs(T(seg.from))}`)}</title></g>`);
      });
      for (const r of tl.replacements.filter((r) => r.patch === name))
        out.push(`<g class="replaced"><text x="${n(X(r.at) + 3)}" y="${top + 11}" font-size="10" fill="#555">replaced by ${esc(r.by)}</text><title>${esc(`${name} replaced by ${r.by} at ${secs(r.t)}`)}</title></g>`);
      return out;
    });
  }

  const counted = (title: string, kind: string, pick: (s: Sample) => Array<[number, number]>, prefix: string) => {
    const ids = ordered(pick, (e) => String(e[0]));
    if (!ids.length) return;
    section(title);
    for (const id of ids)
      lane(`${prefix} ${id}`, kind, (top) =>
        segments(samples, (s) => pick(s).find((e) => String(e[0]) === id)?.[1], (a, b) => a === b).flatMap((seg) => [
          rect(seg.from, seg.to, top, COUNT_FILL, `${prefix} ${id}: ${seg.v} (${span(seg)})`),
          label(seg.from, `×${seg.v}`, top),
        ]),
      );
  };
  counted('states (patches carrying the id)', 'state', (s) => s.states, 'state');
  counted('shadow variables (count per id)', 'shadow', (s) => s.shadows, 'shadow id');

  // time axis and the log as labelled ticks
  y += 6;
  const axisY = y;
  body.push(`<line x1="${LABEL_W}" y1="${axisY}" x2="${n(endX)}" y2="${axisY}" stroke="#000"/>`);
  let lastLabel = -Infinity;
  samples.forEach((s, i) => {
    if (X(i) - lastLabel < 70 || (i > 0 && s.t === samples[i - 1].t)) return;
    lastLabel = X(i);
    body.push(`<line x1="${n(X(i))}" y1="${axisY}" x2="${n(X(i))}" y2="${axisY + 4}" stroke="#000"/><text x="${n(X(i) + 2)}" y="${axisY + 14}" font-size="9" fill="#333">${secs(s.t)}</text>`);
  });
  body.push(`<text x="${LABEL_W - 6}" y="${axisY + 14}" font-size="11" text-anchor="end">virtual time</text>`);
  y = axisY + 24;
  body.push(`<text x="8" y="${y + 10}" font-size="12" font-weight="bold" fill="#333">kernel log</text>`);
  tl.ticks.forEach((tick, i) => {
    const ty = y + i * TICK_ROW;
    const x = X(tick.at);
    const shown = tick.text.length > LABEL_CHARS ? `${tick.text.slice(0, LABEL_CHARS - 1)}…` : tick.text;
    body.push(
      `<g class="tick" data-seq="${i}"><title>${esc(tick.text)}</title><line x1="${n(x)}" y1="${axisY - 3}" x2="${n(x)}" y2="${ty + 9}" stroke="#90a4ae" stroke-width="0.6"/><text x="${n(x + 3)}" y="${ty + 10}" font-size="10" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(shown)}</text></g>`,
    );
  });
  y += tl.ticks.length * TICK_ROW + 16;
  const lastTickX = tl.ticks.length ? Math.max(...tl.ticks.map((t) => X(t.at))) : 0;
  const width = Math.ceil(Math.max(endX + 20, lastTickX + LABEL_CHARS * 6 + 20, 900));
  return { svg: body.join('\n'), width, height: Math.ceil(y) };
}

function wrap(inner: string, width: number, height: number): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace">\n` +
    `<rect width="${width}" height="${height}" fill="#fff"/>\n${inner}\n</svg>\n`
  );
}

export function timelineSvg(tl: TestTimeline): string {
  const p = drawTimeline(tl);
  return wrap(p.svg, p.width, p.height);
}

/** several models' pictures of one test, stacked */
export function stackedSvg(pictures: Picture[], captions: string[]): string {
  const width = Math.max(900, ...pictures.map((p) => p.width));
  let y = 0;
  const parts: string[] = [];
  pictures.forEach((p, i) => {
    parts.push(`<svg class="model" data-model="${esc(captions[i])}" x="0" y="${y}" width="${p.width}" height="${p.height}">\n${p.svg}\n</svg>`);
    y += p.height;
    parts.push(`<line x1="0" y1="${y + 4}" x2="${width}" y2="${y + 4}" stroke="#000" stroke-width="2"/>`);
    y += 10;
  });
  return wrap(parts.join('\n'), width, y);
}
