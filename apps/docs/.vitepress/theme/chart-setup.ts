// Chart.js is bundled with the site (no CDN) and loaded on the client only. What every chart of
// the site shares: the scheme's colours (following VitePress's `dark` class live), one colour and
// marker per family, log axes that tick at 1-2-5 values, and the layout record the site test reads.
import type { Chart as ChartType, Plugin, Scale } from 'chart.js';

type ChartModule = typeof import('chart.js');
let loading: Promise<ChartModule['Chart']> | undefined;

/** Chart.js with its parts and the layout recorder registered (once). */
export function loadChart() {
  loading ??= import('chart.js').then(({ Chart, registerables }) => {
    Chart.register(...registerables, layoutRecorder);
    Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    Chart.defaults.font.size = 12;
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    // Every chart colours its datasets itself (familyStyles, paletteColor): no default palette.
    Chart.defaults.plugins.colors.enabled = false;
    return Chart;
  });
  return loading;
}

// ---- Colour scheme -------------------------------------------------------------------------

export const isDark = () => typeof document !== 'undefined' && document.documentElement.classList.contains('dark');

/** The page's text, muted text, grid and background colours now (VitePress's variables). */
export function schemeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const dark = isDark();
  return {
    dark,
    text: v('--vp-c-text-1', dark ? '#dfdfd6' : '#3c3c43'),
    muted: v('--vp-c-text-2', dark ? '#98989f' : '#67676c'),
    grid: v('--vp-c-divider', dark ? '#2e2e32' : '#e2e2e3'),
    bg: v('--vp-c-bg', dark ? '#1b1b1f' : '#ffffff'),
  };
}

/** Calls `cb` whenever VitePress switches between light and dark; returns the unsubscribe. */
export function onSchemeChange(cb: (dark: boolean) => void): () => void {
  let dark = isDark();
  const observer = new MutationObserver(() => {
    if (isDark() === dark) return;
    dark = isDark();
    cb(dark);
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

// biome-ignore lint/suspicious/noExplicitAny: Chart.js's option types do not follow a chart's own keys
type Raw = Record<string, any>;

/**
 * The options `chart` was created with, to change before `chart.update()` (which resolves them
 * again); Chart.js's resolved `chart.options` is a cache, not the place to write.
 */
export const rawOptions = (chart: ChartType) => chart.config.options as Raw;

/** Text and grid colours of every scale and the title of `chart`, for the scheme now. */
export function applyScheme(chart: ChartType) {
  const c = schemeColors();
  const o = rawOptions(chart);
  for (const scale of Object.values((o.scales ?? {}) as Record<string, Raw>)) {
    scale.ticks = { ...scale.ticks, color: c.muted };
    scale.grid = { ...scale.grid, color: c.grid };
    scale.border = { ...scale.border, color: c.grid };
    // An axis title coloured after its dataset keeps that colour (see StageChart).
    if (!scale.title?.keepColor) scale.title = { ...scale.title, color: c.text };
  }
  o.plugins ??= {};
  o.plugins.title = { ...o.plugins.title, color: c.text };
  o.plugins.legend = { ...o.plugins.legend, labels: { ...o.plugins.legend?.labels, color: c.text } };
}

// ---- One colour and one marker per family ---------------------------------------------------

/**
 * Eleven hues, evenly spaced in OKLCH, at a lightness that keeps each at ≥ 4.5:1 against
 * VitePress's light (#fff) and dark (#1b1b1f) backgrounds, and seven markers. The i-th family
 * gets hue slot 2i mod 11 and marker i mod 7: as 11 and 7 are coprime, the pair is unique for the
 * first 77 families; consecutive families are two slots (65°) apart, and the families sharing a
 * marker (i, i + 7, i + 14) at least three slots (98°) apart.
 */
const HUES = 11;
const MARKERS = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot', 'star', 'cross'] as const;
export type Marker = (typeof MARKERS)[number];
const BACKGROUND = { light: [255, 255, 255], dark: [27, 27, 31] } as const;

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toGamma = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
/** WCAG relative luminance of 0-255 sRGB channels. */
export const luminance = ([r, g, b]: readonly number[]) =>
  0.2126 * toLinear(r / 255) + 0.7152 * toLinear(g / 255) + 0.0722 * toLinear(b / 255);
export const contrast = (a: readonly number[], b: readonly number[]) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

/** OKLCH (lightness 0-1, chroma, hue in degrees) to linear-light sRGB, possibly out of gamut. */
function oklchToLinear(l: number, c: number, h: number) {
  const a = c * Math.cos((h * Math.PI) / 180);
  const b = c * Math.sin((h * Math.PI) / 180);
  const l3 = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m3 = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s3 = (l - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3,
    -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3,
    -0.0041960863 * l3 - 0.7034186147 * m3 + 1.707614701 * s3,
  ];
}

/** The sRGB colour nearest to OKLCH (l, c, h) in gamut: chroma is reduced until it fits. */
function oklch(l: number, c: number, h: number) {
  for (let chroma = c; ; chroma -= 0.005) {
    const lin = oklchToLinear(l, Math.max(chroma, 0), h);
    if (chroma <= 0 || lin.every((v) => v >= -1e-6 && v <= 1 + 1e-6))
      return lin.map((v) => Math.round(toGamma(Math.min(Math.max(v, 0), 1)) * 255));
  }
}

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const paletteCache = new Map<string, string>();

/** The i-th colour of the palette for a scheme, as #rrggbb. */
export function paletteColor(i: number, dark: boolean): string {
  const key = `${i % HUES}${dark}`;
  const cached = paletteCache.get(key);
  if (cached) return cached;
  const hue = (25 + ((i * 2) % HUES) * (360 / HUES)) % 360;
  const bg = dark ? BACKGROUND.dark : BACKGROUND.light;
  // Light: as light as 4.5:1 against white allows; dark: as dark as 4.5:1 against #1b1b1f allows.
  let l = dark ? 0.68 : 0.6;
  let rgb = oklch(l, 0.16, hue);
  while (contrast(rgb, bg) < 4.6) {
    l += dark ? 0.01 : -0.01;
    rgb = oklch(l, 0.16, hue);
  }
  const color = hex(rgb);
  paletteCache.set(key, color);
  return color;
}

export interface FamilyStyle {
  color: string;
  marker: Marker;
}

/** Each family's colour (for the scheme now) and marker, from its place in `families`. */
export function familyStyles(families: readonly string[], dark = isDark()): Map<string, FamilyStyle> {
  return new Map(families.map((f, i) => [f, { color: paletteColor(i, dark), marker: MARKERS[i % MARKERS.length] }]));
}

/** SVG path data of each marker in a 12 × 12 box centred on 0, for HTML legends; line markers are stroked only. */
export const MARKER_PATHS: Record<Marker, { d: string; filled: boolean }> = {
  circle: { d: 'M4.5 0A4.5 4.5 0 1 1 -4.5 0A4.5 4.5 0 1 1 4.5 0Z', filled: true },
  triangle: { d: 'M0 -5L4.6 3.6H-4.6Z', filled: true },
  rect: { d: 'M-4 -4H4V4H-4Z', filled: true },
  rectRot: { d: 'M0 -5.2L5.2 0L0 5.2L-5.2 0Z', filled: true },
  crossRot: { d: 'M-4 -4L4 4M4 -4L-4 4', filled: false },
  star: { d: 'M0 -5V5M-5 0H5M-3.5 -3.5L3.5 3.5M3.5 -3.5L-3.5 3.5', filled: false },
  cross: { d: 'M0 -5V5M-5 0H5', filled: false },
};

/** `#rrggbb` with an alpha, for translucent fills under a solid outline. */
export const withAlpha = (color: string, alpha: number) =>
  `${color}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0')}`;

// ---- Log axes ------------------------------------------------------------------------------

const STEPS = [[1, 2, 5], [1, 3], [1]];
const round = (v: number) => Number(v.toPrecision(6));

/** The 1-2-5 value at or below (`dir` -1) or at or above (`dir` 1) v. */
function nice125(v: number, dir: -1 | 1) {
  const e = Math.floor(Math.log10(v));
  const candidates = [-1, 0, 1].flatMap((d) => [1, 2, 5].map((m) => round(m * 10 ** (e + d))));
  return dir < 0 ? Math.max(...candidates.filter((c) => c <= v * (1 + 1e-9))) : Math.min(...candidates.filter((c) => c >= v * (1 - 1e-9)));
}

/**
 * Options for a log axis that ticks at 1-2-5 values per decade, or 1-3, or decades only, or
 * every other decade: the densest that leaves each label room (and autoskip as a last resort),
 * bounded by the 1-2-5 values around the data with a little margin. `format` writes a tick.
 */
export function logAxis(format: (v: number) => string = formatNumber) {
  return {
    type: 'logarithmic' as const,
    bounds: 'data' as const,
    afterDataLimits(scale: Scale) {
      if (!(scale.min > 0) || !(scale.max > 0)) return;
      scale.min = nice125(scale.min / 1.15, -1);
      scale.max = nice125(scale.max * 1.15, 1);
    },
    afterBuildTicks(scale: Scale) {
      const { min, max } = scale;
      if (!(min > 0) || !(max > min)) return;
      const horizontal = scale.isHorizontal();
      const length = horizontal ? scale.width : scale.height;
      const font = scale.options.ticks.font as { size?: number } | undefined;
      const size = font?.size ?? 12;
      const ctx = scale.ctx;
      ctx.save();
      ctx.font = `${size}px ${scale.chart.options.font?.family ?? 'sans-serif'}`;
      let chosen: number[] = [];
      const e0 = Math.floor(Math.log10(min));
      const e1 = Math.ceil(Math.log10(max));
      for (const [stepIndex, mantissas] of [...STEPS, [1]].entries()) {
        const every = stepIndex === STEPS.length ? 2 : 1;
        const values: number[] = [];
        for (let e = e0; e <= e1; e++) {
          if (every === 2 && e % 2) continue;
          for (const m of mantissas) {
            const v = round(m * 10 ** e);
            if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) values.push(v);
          }
        }
        chosen = values;
        // The room a label needs: its width (plus a gap) across, its height (plus a gap) up.
        const need = (v: number) => (horizontal ? ctx.measureText(format(v)).width + 14 : size * 1.2 + 8);
        let fits = true;
        for (let i = 1; i < values.length && fits; i++) {
          const gap = (Math.log10(values[i]) - Math.log10(values[i - 1])) / (Math.log10(max) - Math.log10(min));
          fits = gap * length >= (need(values[i]) + need(values[i - 1])) / 2;
        }
        if (fits && values.length >= 2) break;
      }
      ctx.restore();
      scale.ticks = chosen.map((value) => ({ value, major: Number.isInteger(round(Math.log10(value))) }));
    },
    ticks: { autoSkip: true, maxRotation: 0, callback: (v: number | string) => format(Number(v)) },
  };
}

/** 0.05, 0.5, 5, 50, 500, 5k, 50k: short and exact for 1-2-5 values. */
export function formatNumber(v: number) {
  if (v >= 1e4) return `${round(v / 1e3)}k`;
  return String(round(v));
}

// ---- The layout record --------------------------------------------------------------------

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
interface TextRecord {
  text: string;
  /** 'tick:<scale id>', 'axis-title:<scale id>', 'title', 'legend' or 'text'. */
  kind: string;
  box: Box;
  color: string;
  font: string;
  /** Set when the text was wider than the room Chart.js gave it and the browser squeezed it. */
  squeezed?: true;
}

const recording = new WeakMap<ChartType, TextRecord[] | null>();
const drawing = new WeakMap<CanvasRenderingContext2D, ChartType>();
const r1 = (v: number) => Math.round(v * 10) / 10;

/** The box, in CSS pixels of the canvas, of `text` drawn at (x, y) with the context's state now. */
function textBox(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth: number | undefined, dpr: number) {
  const m = ctx.measureText(text);
  const squeeze = maxWidth !== undefined && m.width > maxWidth ? maxWidth / m.width : 1;
  const corners = [
    [x - m.actualBoundingBoxLeft * squeeze, y - m.actualBoundingBoxAscent],
    [x + m.actualBoundingBoxRight * squeeze, y - m.actualBoundingBoxAscent],
    [x - m.actualBoundingBoxLeft * squeeze, y + m.actualBoundingBoxDescent],
    [x + m.actualBoundingBoxRight * squeeze, y + m.actualBoundingBoxDescent],
  ].map(([px, py]) => ctx.getTransform().transformPoint({ x: px, y: py }));
  const xs = corners.map((p) => p.x / dpr);
  const ys = corners.map((p) => p.y / dpr);
  return {
    box: { left: r1(Math.min(...xs)), top: r1(Math.min(...ys)), right: r1(Math.max(...xs)), bottom: r1(Math.max(...ys)) },
    squeezed: squeeze < 1,
  };
}

/**
 * What each string drawn on `chart` may be: a scale's tick or title, the chart's title, a legend
 * label; with the box of the scale, to tell apart a "0" on two axes.
 */
function textKinds(chart: ChartType) {
  const kinds = new Map<string, { kind: string; box?: Box }[]>();
  const add = (t: unknown, kind: string, box?: Box) => {
    for (const s of Array.isArray(t) ? t : [t]) if (typeof s === 'string') kinds.set(s, [...(kinds.get(s) ?? []), { kind, box }]);
  };
  const title = chart.options.plugins?.title;
  if (title?.display) add(title.text, 'title');
  for (const scale of Object.values(chart.scales)) {
    const box = { left: scale.left, top: scale.top, right: scale.right, bottom: scale.bottom };
    if (scale.options.title?.display) add(scale.options.title.text, `axis-title:${scale.id}`, box);
    for (const t of scale.ticks) add(t.label, `tick:${scale.id}`, box);
  }
  for (const item of chart.legend?.legendItems ?? []) add(item.text, 'legend');
  return (t: TextRecord) => {
    const candidates = kinds.get(t.text) ?? [];
    const x = (t.box.left + t.box.right) / 2;
    const y = (t.box.top + t.box.bottom) / 2;
    const inside = candidates.find(({ box: b }) => b && x >= b.left - 1 && x <= b.right + 1 && y >= b.top - 1 && y <= b.bottom + 1);
    return (inside ?? candidates[0])?.kind ?? 'text';
  };
}

/**
 * Records, after every draw, what the chart drew as plain JSON in the canvas's `data-layout`
 * attribute, for the site test (test/checks/charts.mjs) to measure:
 *
 *   { type, scheme: 'light'|'dark', meta (the chart's `plugins.zooLayout.meta`),
 *     canvas: {width, height}, chartArea: {left, top, right, bottom},
 *     scales: {<id>: {type, min, max, left, top, right, bottom}},
 *     texts: [{text, kind, box: {left, top, right, bottom}, color, font, squeezed?}],
 *     datasets: [{label, family, kind, color, pointStyle, uniform, hidden, points: [{id, x, y}] | number[]}],
 *     labels: string[] }
 *
 * Boxes are in CSS pixels from the canvas's top left corner. Every text box is the ink box of a
 * `fillText` call made while the chart (not its tooltip) drew, measured with `measureText` in the
 * context's font, alignment and transform: ticks, titles, axis titles and legend labels alike.
 * A dataset's colour and marker are those Chart.js resolved for its drawn elements.
 */
const layoutRecorder: Plugin = {
  id: 'zooLayout',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    // A canvas keeps its context across charts: the wrapper asks which chart draws now.
    if (!drawing.has(ctx)) {
      const fillText = ctx.fillText;
      ctx.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth?: number) {
        const current = drawing.get(this);
        const texts = current && recording.get(current);
        if (current && texts) {
          const { box, squeezed } = textBox(this, String(text), x, y, maxWidth, current.currentDevicePixelRatio);
          const color = typeof this.fillStyle === 'string' ? this.fillStyle : '';
          texts.push({ text: String(text), kind: '', box, color, font: this.font, ...(squeezed ? { squeezed: true as const } : {}) });
        }
        if (maxWidth === undefined) fillText.call(this, text, x, y);
        else fillText.call(this, text, x, y, maxWidth);
      };
    }
    drawing.set(ctx, chart);
    recording.set(chart, []);
  },
  beforeTooltipDraw(chart) {
    finish(chart);
  },
  afterDraw(chart) {
    finish(chart);
  },
  afterDestroy(chart) {
    recording.delete(chart);
  },
};

function finish(chart: ChartType) {
  const texts = recording.get(chart);
  if (!texts) return;
  recording.set(chart, null);
  const kindOf = textKinds(chart);
  for (const t of texts) t.kind = kindOf(t);
  const { left, top, right, bottom } = chart.chartArea;
  const opts = (chart.options.plugins as Record<string, unknown> | undefined)?.zooLayout as { meta?: unknown } | undefined;
  const layout = {
    type: (chart.config as { type?: string }).type,
    scheme: isDark() ? 'dark' : 'light',
    meta: opts?.meta ?? null,
    canvas: { width: chart.width, height: chart.height },
    chartArea: { left: r1(left), top: r1(top), right: r1(right), bottom: r1(bottom) },
    scales: Object.fromEntries(
      Object.values(chart.scales).map((sc) => [
        sc.id,
        { type: sc.type, min: sc.min, max: sc.max, left: r1(sc.left), top: r1(sc.top), right: r1(sc.right), bottom: r1(sc.bottom) },
      ]),
    ),
    texts,
    datasets: chart.data.datasets.map((d, i) => {
      const ds = d as typeof d & { family?: string; zooKind?: string };
      // What was drawn: the colour and marker Chart.js resolved for the dataset's elements.
      const meta = chart.getDatasetMeta(i);
      const drawn = (meta.data as unknown as { options?: { borderColor?: unknown; pointStyle?: unknown } }[]).map((e) => e.options ?? {});
      const line = (meta.dataset as unknown as { options?: { borderColor?: unknown } } | undefined)?.options;
      const first = drawn[0] ?? {};
      const color = [ds.zooKind === 'front' ? line?.borderColor : first.borderColor, first.borderColor, line?.borderColor].find(
        (c) => typeof c === 'string',
      );
      return {
        label: ds.label ?? null,
        family: ds.family ?? null,
        kind: ds.zooKind ?? 'data',
        color: (color as string | undefined) ?? null,
        pointStyle: typeof first.pointStyle === 'string' ? first.pointStyle : null,
        /** Whether every element was drawn in the same colour and marker. */
        uniform: drawn.every((o) => o.borderColor === first.borderColor && o.pointStyle === first.pointStyle),
        hidden: !chart.isDatasetVisible(i),
        points: (ds.data as unknown[]).map((p) => {
          if (p && typeof p === 'object') {
            const q = p as { id?: string; x?: number; y?: number };
            return { id: q.id ?? null, x: q.x, y: q.y };
          }
          return p;
        }),
      };
    }),
    labels: (chart.data.labels ?? []).map(String),
  };
  chart.canvas.dataset.layout = JSON.stringify(layout);
}
