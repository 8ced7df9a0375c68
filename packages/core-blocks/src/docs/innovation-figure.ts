/**
 * Inline SVG diagrams for the innovation pages. Inline markup keeps the docs site free of external
 * files. Every figure is built from small `Drawing`s (markup plus the box it covers, text boxes
 * estimated conservatively from their characters), so the viewBox of the finished figure is
 * computed, never guessed: no text is clipped. The layouts keep every figure at most
 * `FIGURE_MAX_WIDTH` user units wide (wrapping columns and labels rather than shrinking fonts),
 * which keeps its text legible on a phone. Colours come from the site's CSS classes
 * (`.zoo-figure .zoo-*`), with `currentColor` fallbacks, so the figures follow the dark mode.
 */

/** Font size of all figure text, in user units. */
export const FIGURE_FONT = 13;
/**
 * The widest viewBox a figure may have: 36 em. Shown in a 342 px phone column, its text renders at
 * 342 / 36 = 9.5 px; at the 560 px of a wider page, at 15.5 px.
 */
export const FIGURE_MAX_WIDTH = 36 * FIGURE_FONT;
/** Pixels per user unit at which a figure asks to be shown (the CSS caps it at its column). */
const DISPLAY_SCALE = 1.2;
const LINE = Math.round(FIGURE_FONT * 1.35);
const MARGIN = 6;

// Advance widths in em, at least those of the widest common sans-serif fonts (DejaVu Sans,
// Liberation Sans, Inter) at weight 400; bold adds 15 %. Characters not listed count 1.05 em.
const EM_WIDTHS: readonly [string, number][] = [
  ["'′|.,:;!ijlI· ", 0.36],
  ['ftr()[]/\\-²³₁₂ᵀ⌊⌋"*', 0.5],
  ['szcLF_`–', 0.62],
  ['0123456789abdeghknopquvxy{}$√P?J', 0.72],
  ['ABCDEGKRSTUVXYZ&', 0.82],
  ['HNOQw#+<=>^~×⊕', 0.92],
  ['mMW@%—…→←', 1.05],
];
const EM = new Map<string, number>(EM_WIDTHS.flatMap(([chars, w]) => [...chars].map((c) => [c, w] as [string, number])));

/** Estimated (never under-estimated) width of `s` in user units at `size`. */
export function textWidth(s: string, size = FIGURE_FONT, bold = false): number {
  let em = 0;
  for (const c of s) em += EM.get(c) ?? 1.05;
  return em * size * (bold ? 1.15 : 1);
}

/** The pieces a line may break between: words, and the parts of a hyphenated word after each hyphen. */
function pieces(s: string): { text: string; space: boolean }[] {
  return s.split(' ').flatMap((word, i) => word.split(/(?<=-)(?=.)/).map((text, j) => ({ text, space: i > 0 && j === 0 })));
}

/** Splits `s` at spaces and after hyphens into lines no wider than `maxWidth` (a piece wider than that stays whole). */
export function wrapText(s: string, maxWidth: number, size = FIGURE_FONT, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const { text, space } of pieces(s)) {
    const next = line ? `${line}${space ? ' ' : ''}${text}` : text;
    if (line && textWidth(next, size, bold) > maxWidth) {
      lines.push(line);
      line = text;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

/** The narrowest width at which `s` wraps into at most `maxLines` lines. */
function narrowestWrap(s: string, maxLines: number, bold = false): number {
  let width = Math.max(...pieces(s).map((p) => textWidth(p.text, FIGURE_FONT, bold)));
  const full = textWidth(s, FIGURE_FONT, bold);
  while (wrapText(s, width, FIGURE_FONT, bold).length > maxLines && width < full) width += 2;
  return width;
}

// ---------------------------------------------------------------------------------------------
// Drawings: markup and the box it covers, composed by grouping and translating.

export interface Bounds {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface Drawing {
  readonly svg: string;
  readonly bounds: Bounds;
  /** The part that arrows join (a shape without its labels); the whole drawing where absent. */
  readonly core?: Bounds;
}

const NOTHING: Bounds = {
  x0: Number.POSITIVE_INFINITY,
  y0: Number.POSITIVE_INFINITY,
  x1: Number.NEGATIVE_INFINITY,
  y1: Number.NEGATIVE_INFINITY,
};
const f = (v: number) => String(Math.round(v * 100) / 100);
const width = (b: Bounds) => b.x1 - b.x0;
const height = (b: Bounds) => b.y1 - b.y0;

function union(boxes: readonly Bounds[]): Bounds {
  return boxes.reduce(
    (a, b) => ({ x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) }),
    NOTHING,
  );
}

/** Several drawings as one. */
export function group(...items: readonly Drawing[]): Drawing {
  return { svg: items.map((d) => d.svg).join(''), bounds: union(items.map((d) => d.bounds)) };
}

/** A drawing moved by (dx, dy). */
export function translate(d: Drawing, dx: number, dy: number): Drawing {
  const b = d.bounds;
  if (dx === 0 && dy === 0) return d;
  const move = (r: Bounds) => ({ x0: r.x0 + dx, y0: r.y0 + dy, x1: r.x1 + dx, y1: r.y1 + dy });
  return { svg: `<g transform="translate(${f(dx)} ${f(dy)})">${d.svg}</g>`, bounds: move(b), core: d.core && move(d.core) };
}

type Attrs = Record<string, string | number | undefined>;
const attrs = (a: Attrs) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? f(v) : esc(v as string)}"`)
    .join('');

export interface TextOptions {
  anchor?: 'start' | 'middle' | 'end';
  bold?: boolean;
}

/** One line of text with its baseline at y; its box is estimated from its characters. */
export function text(x: number, y: number, s: string, { anchor = 'middle', bold = false }: TextOptions = {}): Drawing {
  const w = textWidth(s, FIGURE_FONT, bold);
  const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
  return {
    svg: `<text${attrs({ x, y, 'text-anchor': anchor, 'font-weight': bold ? 600 : undefined })}>${esc(s)}</text>`,
    bounds: { x0, y0: y - FIGURE_FONT, x1: x0 + w, y1: y + 0.3 * FIGURE_FONT },
  };
}

/** Lines of text centred vertically on `cy`, one `<text>` per line. */
export function textBlock(x: number, cy: number, lines: readonly string[], options: TextOptions = {}): Drawing {
  const first = cy - ((lines.length - 1) * LINE) / 2 + 0.35 * FIGURE_FONT;
  return group(...lines.map((s, i) => text(x, first + i * LINE, s, options)));
}

/** Lines of text whose first line's top is at `top`. */
function textBelow(x: number, top: number, lines: readonly string[], options: TextOptions = {}): Drawing {
  return group(...lines.map((s, i) => text(x, top + FIGURE_FONT + i * LINE, s, options)));
}

/** Height of a block of `n` lines (from the first top to the last bottom). */
const blockHeight = (n: number) => (n - 1) * LINE + 1.3 * FIGURE_FONT;

export function rect(x: number, y: number, w: number, h: number, a: Attrs = {}): Drawing {
  return { svg: `<rect${attrs({ x, y, width: w, height: h, ...a })}/>`, bounds: { x0: x - 1, y0: y - 1, x1: x + w + 1, y1: y + h + 1 } };
}

/** A box with the site's box style (falls back to an outline). */
function box(x: number, y: number, w: number, h: number, a: Attrs = {}): Drawing {
  return rect(x, y, w, h, { rx: 5, class: 'zoo-box', fill: 'none', stroke: 'currentColor', ...a });
}

export function line(x1: number, y1: number, x2: number, y2: number, a: Attrs = {}): Drawing {
  return {
    svg: `<line${attrs({ x1, y1, x2, y2, stroke: 'currentColor', ...a })}/>`,
    bounds: { x0: Math.min(x1, x2) - 1, y0: Math.min(y1, y2) - 1, x1: Math.max(x1, x2) + 1, y1: Math.max(y1, y2) + 1 },
  };
}

/** An arrow from (x1, y1) to (x2, y2), its head ending at the second point. */
export function arrow(x1: number, y1: number, x2: number, y2: number): Drawing {
  const d = line(x1, y1, x2, y2, { class: 'zoo-arrow', 'marker-end': 'url(#zoo-head)' });
  return { svg: d.svg, bounds: union([d.bounds, { x0: x2 - 5, y0: y2 - 5, x1: x2 + 5, y1: y2 + 5 }]) };
}

/** A polyline path through points, with an arrow head at the end. */
function arrowPath(points: readonly (readonly [number, number])[]): Drawing {
  const d = points.map(([x, y], i) => `${i ? 'L' : 'M'} ${f(x)} ${f(y)}`).join(' ');
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return {
    svg: `<path d="${d}" fill="none" stroke="currentColor" class="zoo-arrow" marker-end="url(#zoo-head)"/>`,
    bounds: { x0: Math.min(...xs) - 5, y0: Math.min(...ys) - 5, x1: Math.max(...xs) + 5, y1: Math.max(...ys) + 5 },
  };
}

/**
 * One of six tints that tell groups apart (channels of a group, regions of a map); the CSS gives
 * them the site's palette in light and dark mode.
 */
export const TINTS = 6;
const FALLBACK_TINTS = ['#3451b2', '#18794e', '#915930', '#b8272c', '#6f42c1', '#67676c'];
const tint = (i: number): Attrs => ({
  class: `zoo-tint-${i % TINTS}`,
  fill: FALLBACK_TINTS[i % TINTS],
  'fill-opacity': 0.22,
  stroke: FALLBACK_TINTS[i % TINTS],
});

/**
 * Items laid out left to right in rows no wider than `maxWidth`, each row's items top-aligned
 * (rows are balanced: as few rows as fit, the same number of items in each). With `connect`,
 * arrows join consecutive items of a row (their `core`s) at those heights, in the items' own
 * coordinates (or at the heights `connect(i)` between items i and i + 1).
 */
export function flow(
  items: readonly Drawing[],
  {
    maxWidth = FIGURE_MAX_WIDTH - 2 * MARGIN,
    gap = 24,
    rowGap = 24,
    connect = [],
  }: { maxWidth?: number; gap?: number; rowGap?: number; connect?: readonly number[] | ((gap: number) => readonly number[]) } = {},
): Drawing {
  const fits = (perRow: number) => {
    for (let i = 0; i < items.length; i += perRow) {
      const row = items.slice(i, i + perRow);
      if (row.reduce((s, d) => s + width(d.bounds), 0) + (row.length - 1) * gap > maxWidth) return false;
    }
    return true;
  };
  let perRow = items.length;
  while (perRow > 1 && !fits(perRow)) perRow--;
  perRow = Math.ceil(items.length / Math.ceil(items.length / perRow));
  const out: Drawing[] = [];
  let y = 0;
  for (let i = 0; i < items.length; i += perRow) {
    const row = items.slice(i, i + perRow);
    const top = Math.min(...row.map((d) => d.bounds.y0));
    let x = 0;
    let previous: Bounds | undefined;
    for (const [j, d] of row.entries()) {
      const placed = translate(d, x - d.bounds.x0, y - top);
      const core = placed.core ?? placed.bounds;
      const heights = typeof connect === 'function' ? connect(i + j - 1) : connect;
      if (previous) for (const cy of heights) out.push(arrow(previous.x1 + 3, cy - top + y, core.x0 - 3, cy - top + y));
      out.push(placed);
      previous = core;
      x += width(d.bounds) + gap;
    }
    y += Math.max(...row.map((d) => height(d.bounds))) + rowGap;
  }
  return group(...out);
}

/**
 * Drawings stacked top to bottom, `gap` apart, centred on a common vertical axis (or left-aligned).
 */
export function stack(
  items: readonly Drawing[],
  { gap = 16, align = 'center' }: { gap?: number; align?: 'center' | 'start' } = {},
): Drawing {
  const widest = Math.max(...items.map((d) => width(d.bounds)));
  let y = 0;
  return group(
    ...items.map((d) => {
      const dx = align === 'center' ? (widest - width(d.bounds)) / 2 - d.bounds.x0 : -d.bounds.x0;
      const placed = translate(d, dx, y - d.bounds.y0);
      y += height(d.bounds) + gap;
      return placed;
    }),
  );
}

/**
 * The finished `<svg>`: its viewBox is the drawing's box plus a margin, so nothing in it is clipped.
 * Throws when the drawing is wider than `FIGURE_MAX_WIDTH`: its text would be too small on a phone.
 */
export function figure(d: Drawing, caption: string): string {
  const b = d.bounds;
  const w = width(b) + 2 * MARGIN;
  const h = height(b) + 2 * MARGIN;
  if (w > FIGURE_MAX_WIDTH + 0.01)
    throw new Error(`figure "${caption}" is ${f(w)} units wide, more than ${FIGURE_MAX_WIDTH}: its text would be illegible on a phone`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${f(b.x0 - MARGIN)} ${f(b.y0 - MARGIN)} ${f(w)} ${f(h)}"`,
    ` width="${Math.round(w * DISPLAY_SCALE)}" height="${Math.round(h * DISPLAY_SCALE)}" role="img" aria-label="${esc(caption)}"`,
    ` class="zoo-figure" font-size="${FIGURE_FONT}" font-family="sans-serif" fill="currentColor">`,
    '<defs><marker id="zoo-head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="currentColor"/></marker></defs>',
    d.svg,
    '</svg>',
  ].join('');
}

// ---------------------------------------------------------------------------------------------
// Columns of boxes: a block diagram.

/** A column of labelled boxes joined by arrows. */
export interface Column {
  title: string;
  boxes: readonly string[];
  /** Draw a shortcut from the input to the sum at the bottom, labelled. */
  skip?: string;
}

const PAD_X = 8;
const PAD_Y = 7;
const ARROW_GAP = 20;
const LANE = 16;
const SUM_R = 10;
const COLUMN_GAP = 20;

/**
 * Columns of labelled boxes joined by arrows, side by side where they fit in `FIGURE_MAX_WIDTH`,
 * otherwise wrapped into rows; labels wrap inside their boxes (two lines at most) before a column
 * moves to a new row. A skip path runs from the first box down the left to a sum node, its label
 * beside the node.
 */
export function columnsFigure(columns: readonly Column[], caption: string): string {
  const labels = columns.flatMap((c) => c.boxes);
  const skips = columns.flatMap((c) => (c.skip ? [c.skip] : []));
  // The narrowest box that keeps every label, title and skip label on two lines, and the box that needs no wrapping.
  const need = Math.max(
    ...labels.map((l) => narrowestWrap(l, 2) + 2 * PAD_X),
    ...columns.map((c) => narrowestWrap(c.title, 2, true)),
    ...skips.map((l) => 2 * (SUM_R + 6 + narrowestWrap(l, 2))),
  );
  const prefer = Math.max(
    ...labels.map((l) => textWidth(l) + 2 * PAD_X),
    ...columns.map((c) => textWidth(c.title, FIGURE_FONT, true)),
    ...skips.map((l) => 2 * (SUM_R + 6 + textWidth(l))),
  );
  const avail = FIGURE_MAX_WIDTH - 2 * MARGIN;
  let boxW = need;
  for (let n = columns.length; n >= 1; n--) {
    // Rows are balanced (4 columns that do not fit as 3 go 2 and 2): the boxes widen to the columns a row really has.
    const perRow = Math.ceil(columns.length / Math.ceil(columns.length / n));
    // The slack covers what a column draws beyond its lane and box (arrow heads, outlines).
    const perColumn = (avail - (perRow - 1) * COLUMN_GAP) / perRow - LANE - 4;
    if (perColumn >= need || n === 1) {
      boxW = Math.min(prefer, Math.max(perColumn, need));
      break;
    }
  }
  return figure(
    flow(
      columns.map((c) => drawColumn(c, boxW)),
      { gap: COLUMN_GAP, maxWidth: avail },
    ),
    caption,
  );
}

function drawColumn(col: Column, boxW: number): Drawing {
  const parts: Drawing[] = [];
  const cx = LANE + boxW / 2;
  const titleLines = wrapText(col.title, boxW, FIGURE_FONT, true);
  parts.push(textBelow(cx, 0, titleLines, { bold: true }));
  let y = blockHeight(titleLines.length) + 8;
  let firstMid = 0;
  col.boxes.forEach((label, j) => {
    const lines = wrapText(label, boxW - 2 * PAD_X);
    const h = blockHeight(lines.length) + 2 * PAD_Y;
    parts.push(box(LANE, y, boxW, h), textBlock(cx, y + h / 2, lines));
    if (j === 0) firstMid = y + h / 2;
    if (j < col.boxes.length - 1 || col.skip) parts.push(arrow(cx, y + h, cx, y + h + ARROW_GAP - 3));
    y += h + ARROW_GAP;
  });
  if (col.skip) {
    const cy = y + SUM_R;
    const lane = LANE / 2 - 3;
    parts.push(
      {
        svg: `<circle${attrs({ cx, cy, r: SUM_R, class: 'zoo-box', fill: 'none', stroke: 'currentColor' })}/>`,
        bounds: { x0: cx - SUM_R - 1, y0: cy - SUM_R - 1, x1: cx + SUM_R + 1, y1: cy + SUM_R + 1 },
      },
      line(cx - 5, cy, cx + 5, cy, { class: 'zoo-arrow' }),
      line(cx, cy - 5, cx, cy + 5, { class: 'zoo-arrow' }),
      arrowPath([
        [LANE, firstMid],
        [lane, firstMid],
        [lane, cy],
        [cx - SUM_R - 1, cy],
      ]),
      textBlock(cx + SUM_R + 6, cy, wrapText(col.skip, boxW / 2 - SUM_R - 6), { anchor: 'start' }),
    );
  }
  return group(...parts);
}

// ---------------------------------------------------------------------------------------------
// Shifted windows (Swin).

/** A rectangle of a token map: rows [r0, r1), columns [c0, c1). */
export interface TokenRegion {
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

/** Window boundaries along an axis of n tokens, windows of m shifted by s: 0, s, s + m, ..., n. */
function cuts(n: number, m: number, s: number): number[] {
  const out = [0];
  for (let b = s === 0 ? m : s; b < n; b += m) out.push(b);
  out.push(n);
  return out;
}

/** The windows of an n×n map, M×M, their grid shifted by s (partial windows at the borders). */
export function windowGrid(n: number, m: number, s: number): TokenRegion[] {
  const c = cuts(n, m, s);
  const out: TokenRegion[] = [];
  for (let i = 0; i + 1 < c.length; i++)
    for (let j = 0; j + 1 < c.length; j++) out.push({ r0: c[i], r1: c[i + 1], c0: c[j], c1: c[j + 1] });
  return out;
}

/** Where a roll by -s puts the tokens [a, b) of an axis of n ([a, b) must not straddle s). */
function rollSpan(a: number, b: number, s: number, n: number): [number, number] {
  const a2 = (((a - s) % n) + n) % n;
  return [a2, a2 + (b - a)];
}

/** Which border the roll moves a region from: 0 none, 1 the top rows, 2 the left columns, 3 both. */
const movedBy = (r: TokenRegion, s: number) => (s > 0 && r.r0 < s ? 1 : 0) + (s > 0 && r.c0 < s ? 2 : 0);
const MOVED_LETTER = ['', 'B', 'C', 'A'];

export interface WindowFigureOptions {
  /** Tokens along each side of the feature map H (a multiple of the window). */
  tokens: number;
  /** Window size M, in tokens. */
  window: number;
  caption: string;
}

/**
 * Shifted-window attention on an H×H map of tokens: block l partitions it into M×M windows;
 * block l + 1 shifts the partition by ⌊M/2⌋, which cuts the map into more windows, the border ones
 * smaller; the cyclic shift rolls the map by -⌊M/2⌋ so that M×M windows cover it again, some made
 * of sub-windows from different places, between which attention is masked. The regions the roll
 * moves are tinted and lettered (A, B, C, as in the paper) before and after it.
 */
export function windowPartitionFigure({ tokens: n, window: m, caption }: WindowFigureOptions): string {
  if (!Number.isInteger(n / m) || m < 2) throw new Error(`windowPartitionFigure: ${n} tokens do not split into windows of ${m}`);
  const s = Math.floor(m / 2);
  const cell = Math.max(3, Math.min(16, Math.floor(128 / n)));
  const side = n * cell;
  const textW = side + 20;
  const regular = windowGrid(n, m, 0);
  const shifted = windowGrid(n, m, s);
  const rolled = shifted.map((from) => {
    const [r0, r1] = rollSpan(from.r0, from.r1, s, n);
    const [c0, c1] = rollSpan(from.c0, from.c1, s, n);
    return { r: { r0, r1, c0, c1 }, from };
  });
  const inside = (p: TokenRegion, w: TokenRegion) => p.r0 >= w.r0 && p.r1 <= w.r1 && p.c0 >= w.c0 && p.c1 <= w.c1;
  const masked = regular.filter((w) => rolled.filter(({ r }) => inside(r, w)).length > 1);

  const grid: Drawing = {
    svg: `<path d="${Array.from({ length: n - 1 }, (_, i) => `M ${(i + 1) * cell} 0 V ${side} M 0 ${(i + 1) * cell} H ${side}`).join(' ')}" class="zoo-grid" fill="none" stroke="currentColor" stroke-opacity="0.25" stroke-width="0.5"/>`,
    bounds: { x0: 0, y0: 0, x1: side, y1: side },
  };
  const region = (r: TokenRegion, a: Attrs) => rect(r.c0 * cell, r.r0 * cell, (r.c1 - r.c0) * cell, (r.r1 - r.r0) * cell, a);
  const tokensOf = (r: TokenRegion) => `${r.r0} ${r.r1} ${r.c0} ${r.c1}`;
  type Piece = { r: TokenRegion; from: TokenRegion };
  const tints = (ps: readonly Piece[]) =>
    ps.filter(({ from }) => movedBy(from, s) > 0).map(({ r, from }) => region(r, { ...tint(movedBy(from, s) - 1), 'stroke-width': 0 }));
  const letters = (ps: readonly Piece[]) =>
    ps
      .filter(({ r, from }) => movedBy(from, s) > 0 && Math.min(r.r1 - r.r0, r.c1 - r.c0) * cell >= 1.3 * FIGURE_FONT)
      .map(({ r, from }) =>
        textBlock(((r.c0 + r.c1) / 2) * cell, ((r.r0 + r.r1) / 2) * cell, [MOVED_LETTER[movedBy(from, s)]], { bold: true }),
      );
  const outline = (r: TokenRegion, panel: string, extra: Attrs = {}) =>
    region(r, {
      class: 'zoo-window',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.6,
      'data-panel': panel,
      'data-tokens': tokensOf(r),
      ...extra,
    });

  const titles = ['Block l', 'Block l + 1', 'Cyclic shift'].map((t) => wrapText(t, textW, FIGURE_FONT, true));
  const top = blockHeight(Math.max(...titles.map((t) => t.length))) + 6;
  const panel = (i: number, body: readonly Drawing[], note: string): Drawing => {
    const d = group(
      textBelow(side / 2, 0, titles[i], { bold: true }),
      translate(group(...body), 0, top),
      textBelow(side / 2, top + side + 8, wrapText(note, textW)),
    );
    return { ...d, core: { x0: 0, y0: top, x1: side, y1: top + side } };
  };
  const perSide = n / m;
  const shiftedPieces = shifted.map((r) => ({ r, from: r }));
  const panels = [
    panel(0, [grid, ...regular.map((w) => outline(w, 'regular'))], `${perSide}×${perSide} = ${regular.length} windows of ${m}×${m}`),
    panel(
      1,
      [...tints(shiftedPieces), grid, ...shifted.map((w) => outline(w, 'shifted')), ...letters(shiftedPieces)],
      `grid shifted by ⌊${m}/2⌋ = ${s}: ${shifted.length} windows`,
    ),
    panel(
      2,
      [
        ...tints(rolled),
        grid,
        ...rolled
          .filter(({ r }) => masked.some((w) => inside(r, w)))
          .map(({ r }) =>
            region(r, {
              class: 'zoo-subwindow',
              fill: 'none',
              stroke: 'currentColor',
              'stroke-dasharray': '3 2',
              'data-panel': 'rolled',
              'data-tokens': tokensOf(r),
            }),
          ),
        ...regular.map((w) => outline(w, 'rolled', masked.includes(w) ? { 'data-masked': 'true' } : {})),
        ...letters(rolled),
      ],
      `map rolled by −${s}: ${regular.length} windows, ${masked.length} of them masked`,
    ),
  ];
  const legend = textBelow(
    0,
    0,
    wrapText(
      'Tinted: the regions A, B, C the roll moves from the top and left to the bottom and right. Attention is masked between dashed sub-windows.',
      FIGURE_MAX_WIDTH - 2 * MARGIN,
    ),
    { anchor: 'start' },
  );
  return figure(stack([flow(panels, { gap: 22, connect: [top + side / 2] }), legend], { gap: 12, align: 'start' }), caption);
}

// ---------------------------------------------------------------------------------------------
// Channel shuffle (ShuffleNet).

/**
 * The channel shuffle of g groups of n channels, reshaped to (g, n), transposed and flattened:
 * entry k is the input channel that output position k takes.
 */
export function channelShuffleOrder(groups: number, perGroup: number): number[] {
  return Array.from({ length: groups * perGroup }, (_, k) => (k % groups) * perGroup + Math.floor(k / groups));
}

export interface ChannelShuffleFigureOptions {
  groups: number;
  /** Channels in each group. */
  perGroup: number;
  caption: string;
}

/**
 * A grouped 1×1 convolution, the channel shuffle drawn as one line per channel from its position
 * to its new one, and the next grouped convolution, each of whose groups now receives channels of
 * every group of the first (one of each when n = g). Channels keep the tint of their first group.
 */
export function channelShuffleFigure({ groups: g, perGroup: n, caption }: ChannelShuffleFigureOptions): string {
  const c = g * n;
  const order = channelShuffleOrder(g, n);
  const labelW = 130;
  const groupGap = 6;
  const cellH = 24;
  const x0 = labelW + 10;
  const cellW = Math.min(28, Math.floor((FIGURE_MAX_WIDTH - 2 * MARGIN - x0 - (g - 1) * groupGap - 2) / c));
  if (cellW < 8) throw new Error(`channelShuffleFigure: ${c} channels do not fit`);
  // Channel numbers where the cells have room for them; otherwise the tints alone tell the groups.
  const numbered = cellW >= textWidth(String(c - 1)) + 4;
  const xOf = (k: number) => x0 + k * cellW + Math.floor(k / n) * groupGap;
  const groupOf = (ch: number) => Math.floor(ch / n);
  const parts: Drawing[] = [];
  let y = 0;
  /** A row: its content of height h and its label at the left, centred on each other; returns the content's top. */
  const row = (label: string, h: number, draw: (top: number) => Drawing[]) => {
    const lines = wrapText(label, labelW);
    const rowH = Math.max(h, blockHeight(lines.length) + 2);
    const top = y + (rowH - h) / 2;
    parts.push(textBlock(labelW, y + rowH / 2, lines, { anchor: 'end' }), ...draw(top));
    y += rowH + 8;
    return top;
  };
  const cells = (kind: string, channelAt: (k: number) => number) => (top: number) =>
    Array.from({ length: c }, (_, k) => {
      const ch = channelAt(k);
      return group(
        rect(xOf(k) + 1, top, cellW - 2, cellH, { ...tint(groupOf(ch)), rx: 3, 'data-row': kind, 'data-position': k, 'data-channel': ch }),
        numbered ? textBlock(xOf(k) + cellW / 2, top + cellH / 2, [String(ch)]) : group(),
      );
    });
  const convs = (kind: string) => (top: number) =>
    Array.from({ length: g }, (_, i) =>
      group(
        box(xOf(i * n) + 1, top, n * cellW - 2, cellH, { 'data-conv': kind, 'data-positions': `${i * n} ${(i + 1) * n}` }),
        textBlock(
          xOf(i * n) + (n * cellW) / 2,
          top + cellH / 2,
          [`group ${i + 1}`].filter((t) => textWidth(t) <= n * cellW - 6),
        ),
      ),
    );
  row(
    `${g} groups of ${n} channels`,
    cellH,
    cells('input', (k) => k),
  );
  row('1×1 group conv', cellH, convs('first'));
  const convTop = row(
    'its output',
    cellH,
    cells('conv', (k) => k),
  );
  const linesTop = row(`channel shuffle: reshape to (${g}, ${n}), transpose, flatten`, Math.max(48, 3 * c), () => []);
  const shuffledTop = row(
    'shuffled',
    cellH,
    cells('shuffled', (k) => order[k]),
  );
  row('next 1×1 group conv', cellH, convs('next'));
  const from = convTop + cellH + 1;
  const to = shuffledTop - 1;
  if (!(linesTop > from && linesTop < to)) throw new Error('channelShuffleFigure: the shuffle lines have no room');
  order.forEach((ch, k) => {
    parts.push(
      line(xOf(ch) + cellW / 2, from, xOf(k) + cellW / 2, to, {
        class: `zoo-stroke-${groupOf(ch) % TINTS}`,
        stroke: FALLBACK_TINTS[groupOf(ch) % TINTS],
        'stroke-width': 1.5,
        'data-from': ch,
        'data-to': k,
      }),
    );
  });
  return figure(group(...parts), caption);
}

// ---------------------------------------------------------------------------------------------
// Depthwise separable convolution.

export interface DepthwiseFigureOptions {
  /** Kernel size k. */
  kernel: number;
  /** Input channels C and output channels C′ drawn (a few). */
  channels: number;
  outChannels: number;
  /** The channels of a real layer whose MACs per output position the figure states. */
  example: { channels: number; outChannels: number };
  caption: string;
}

const thousands = (v: number) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * A standard k×k convolution (each of its C′ filters spans all C input channels) above its depthwise
 * separable replacement: a depthwise k×k convolution (C filters of one channel each, channel i
 * to channel i) and a pointwise 1×1 convolution (C′ filters of 1×1×C), each with its MACs per
 * output position, in symbols and for the example layer.
 */
export function depthwiseSeparableFigure({ kernel: k, channels: ci, outChannels: co, example, caption }: DepthwiseFigureOptions): string {
  const px = 6;
  const pitch = Math.max(k * px, 12) + 6;
  const slabW = 40;
  const mixed: Attrs = { class: 'zoo-box', fill: 'none', stroke: 'currentColor' };
  const labelTop = Math.max(ci, co) * pitch + 2;
  /** An object and its label under it, wrapped to its width (or a little more); arrows join the object. */
  const labelled = (d: Drawing, label: string, wrap = 56): Drawing => {
    const cx = (d.bounds.x0 + d.bounds.x1) / 2;
    return { ...group(d, textBelow(cx, labelTop, wrapText(label, Math.max(width(d.bounds), wrap)))), core: d.bounds };
  };
  /** A tensor: a column of channel slabs, tinted by channel, or plain where each mixes all channels. */
  const tensor = (count: number, tinted: boolean, label: string, kind: string) =>
    labelled(
      group(
        ...Array.from({ length: count }, (_, i) =>
          rect(0, i * pitch, slabW, pitch - 6, { ...(tinted ? tint(i) : mixed), 'data-tensor': kind }),
        ),
      ),
      label,
    );
  /** A size×size kernel at (x, y), tinted by its input channel. */
  const kernelAt = (x: number, y: number, size: number, channel: number): Drawing => {
    const d = Array.from(
      { length: size - 1 },
      (_, i) => `M ${f(x + (i + 1) * px)} ${f(y)} v ${size * px} M ${f(x)} ${f(y + (i + 1) * px)} h ${size * px}`,
    );
    return group(rect(x, y, size * px, size * px, tint(channel)), {
      svg: d.length ? `<path d="${d.join(' ')}" fill="none" stroke="currentColor" stroke-opacity="0.4" stroke-width="0.5"/>` : '',
      bounds: NOTHING,
    });
  };
  /** One filter: the kernels for `channels`, one per row from `row0`, in an outline, at column x. */
  const filter = (x: number, row0: number, size: number, channels: readonly number[], kind: string): Drawing => {
    const inset = (pitch - 6 - size * px) / 2;
    const h = (channels.length - 1) * pitch + size * px;
    return group(
      rect(x - 3, row0 * pitch + inset - 3, size * px + 6, h + 6, {
        rx: 2,
        fill: 'none',
        stroke: 'currentColor',
        'data-filter': kind,
        'data-slices': channels.length,
      }),
      ...channels.map((ch, j) => kernelAt(x, (row0 + j) * pitch + inset, size, ch)),
    );
  };
  const allChannels = Array.from({ length: ci }, (_, j) => j);
  /** `count` filters side by side, each spanning all C channels. */
  const dense = (count: number, size: number, kind: string) =>
    group(...Array.from({ length: count }, (_, i) => filter(i * (size * px + 12), 0, size, allChannels, kind)));
  /** One filter per channel, each beside its channel. */
  const perChannel = group(...allChannels.map((ch) => filter(0, ch, k, [ch], 'depthwise')));
  const mid = [(ci * pitch - 6) / 2];
  const perRow = allChannels.map((i) => i * pitch + (pitch - 6) / 2);
  const lines = (s: string, bold = false) =>
    textBelow(0, 0, wrapText(s, FIGURE_MAX_WIDTH - 2 * MARGIN, FIGURE_FONT, bold), { anchor: 'start', bold });
  const panel = (title: string, items: Drawing[], connect: (i: number) => readonly number[], formulas: readonly string[]): Drawing =>
    stack([lines(title, true), flow(items, { gap: 22, connect }), ...formulas.map((s) => lines(s))], { gap: 8, align: 'start' });
  const ex = example;
  const std = k * k * ex.channels * ex.outChannels;
  const dw = k * k * ex.channels;
  const pw = ex.channels * ex.outChannels;
  const kk = `${k}×${k}`;
  const standard = panel(
    `Standard ${kk} convolution`,
    [
      tensor(ci, true, `C = ${ci}`, 'input'),
      labelled(dense(co, k, 'standard'), `C′ = ${co} filters of ${kk}×C`),
      tensor(co, false, `C′ = ${co}`, 'output'),
    ],
    () => mid,
    [`each filter spans all C channels; k²·C·C′ MACs per output position: ${k * k}·${ex.channels}·${ex.outChannels} = ${thousands(std)}`],
  );
  const separable = panel(
    'Depthwise separable replacement',
    [
      tensor(ci, true, `C = ${ci}`, 'input'),
      labelled(perChannel, `depthwise: ${ci} filters of ${kk}×1`, 100),
      tensor(ci, true, `C = ${ci}`, 'middle'),
      labelled(dense(co, 1, 'pointwise'), `pointwise: ${co} filters of 1×1×C`, 100),
      tensor(co, false, `C′ = ${co}`, 'output'),
    ],
    (i) => (i < 2 ? perRow : mid),
    [
      `depthwise k²·C: ${k * k}·${ex.channels} = ${thousands(dw)}; pointwise C·C′: ${ex.channels}·${ex.outChannels} = ${thousands(pw)}`,
      `together ${thousands(dw + pw)}: 1/C′ + 1/k² = ${((dw + pw) / std).toFixed(3)} of the standard convolution`,
    ],
  );
  const rule = line(0, 0, Math.max(width(standard.bounds), width(separable.bounds)), 0, { class: 'zoo-grid', 'stroke-opacity': 0.35 });
  return figure(stack([standard, rule, separable], { gap: 14, align: 'start' }), caption);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
