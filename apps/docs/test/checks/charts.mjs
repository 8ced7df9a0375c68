// Readability checks of every chart on a page (comparison, model cards, the live benchmark),
// measured from what each chart drew: the layout the site's chart plugin records on its canvas
// (`data-layout`, see .vitepress/theme/chart-setup.ts: CSS-pixel ink boxes of every text drawn,
// the plot area, the colour and marker each dataset was drawn in) and from the page's own boxes and styles.

import { backdrop, contrast, parseColor } from './colour.mjs';

/** The plot area's share of the canvas height, at least. */
export const PLOT_SHARE = 0.6;
/** The plot area's height, at least: px for a scatter plot, px per category for a bar chart. */
export const MIN_PLOT_PX = 200;
export const MIN_BAR_ROW_PX = 18;
/** WCAG contrast against the page background: text (on the canvas, legends, captions) and marks. */
export const TEXT_CONTRAST = 4.5;
export const MARK_CONTRAST = 3;

/** Runs in the page: every chart canvas with what the checks need of its surroundings. */
function collect() {
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
  };
  /** Background colours from the element up to the root, nearest first (composited in Node). */
  const backgrounds = (el) => {
    const out = [];
    for (let e = el; e; e = e.parentElement) out.push(getComputedStyle(e).backgroundColor);
    return out;
  };
  const column = document.querySelector('.vp-doc') ?? document.querySelector('main');
  const text = (el) => (el.textContent ?? '').trim().replace(/\s+/g, ' ');
  return {
    dark: document.documentElement.classList.contains('dark'),
    column: column && rect(column),
    charts: [...document.querySelectorAll('canvas[data-test^="chart-"]')].map((canvas) => {
      const group = canvas.closest('[data-charts]');
      const legend = group?.querySelector('[data-legend]');
      const r = rect(canvas);
      const shown = r.width > 0 && r.height > 0 && getComputedStyle(canvas).visibility !== 'hidden';
      return {
        test: canvas.dataset.test,
        rect: r,
        shown,
        layout: canvas.dataset.layout ? JSON.parse(canvas.dataset.layout) : null,
        background: backgrounds(canvas),
        groupCanvases: group ? [...group.querySelectorAll('canvas')].map(rect) : [rect(canvas)],
        legend: legend && {
          rect: rect(legend),
          items: [...legend.querySelectorAll('li')].map((li) => {
            const label = li.querySelector('button, span') ?? li;
            const swatch = li.querySelector('svg');
            return {
              text: text(li),
              rect: rect(li),
              color: getComputedStyle(label).color,
              background: backgrounds(label),
              family: label.dataset.family ?? null,
              dataColor: label.dataset.color ?? null,
              marker: label.dataset.marker ?? null,
              swatch: swatch ? getComputedStyle(swatch).color : null,
            };
          }),
        },
        captions: group
          ? [...group.querySelectorAll('figcaption, .zoo-chart-caption, .zoo-chart-axis label, .zoo-chart-axis legend')].map((el) => ({
              text: text(el).slice(0, 60),
              color: getComputedStyle(el).color,
              background: backgrounds(el),
            }))
          : [],
      };
    }),
  };
}

const fmtBox = (b) => `[${[b.left, b.top, b.right, b.bottom].map((v) => Math.round(v * 10) / 10).join(', ')}]`;
const overlap = (a, b, tol = 0.5) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > tol && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tol;
const sameColor = (a, b) => a && b && a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) <= 1) && Math.abs(a[3] - b[3]) < 0.02;

/** Problems of one chart, each a sentence naming the chart, the label and the boxes. */
function chartProblems(chart, page) {
  const name = chart.test;
  const problems = [];
  const L = chart.layout;
  if (!L) return [`${name}: no layout recorded on the canvas (was it drawn?)`];
  const { width: W, height: H } = L.canvas;
  if (Math.abs(W - chart.rect.width) > 1 || Math.abs(H - chart.rect.height) > 1)
    problems.push(`${name}: the recorded layout is for a ${W}×${H} canvas, the canvas is ${chart.rect.width}×${chart.rect.height}`);
  if (L.scheme !== (page.dark ? 'dark' : 'light'))
    problems.push(`${name}: drawn for the ${L.scheme} scheme while the page is ${page.dark ? 'dark' : 'light'}`);

  // Every text inside the canvas, none squeezed, none overlapping another.
  for (const t of L.texts) {
    const b = t.box;
    if (b.left < -0.5 || b.top < -0.5 || b.right > W + 0.5 || b.bottom > H + 0.5)
      problems.push(`${name}: ${t.kind} "${t.text}" at ${fmtBox(b)} is cut off by the ${W}×${H} canvas`);
    if (t.squeezed) problems.push(`${name}: ${t.kind} "${t.text}" at ${fmtBox(b)} is squeezed to fit its room`);
  }
  for (let i = 0; i < L.texts.length; i++)
    for (let j = i + 1; j < L.texts.length; j++) {
      const [a, b] = [L.texts[i], L.texts[j]];
      if (overlap(a.box, b.box))
        problems.push(`${name}: ${a.kind} "${a.text}" ${fmtBox(a.box)} overlaps ${b.kind} "${b.text}" ${fmtBox(b.box)}`);
    }
  if (!L.texts.some((t) => t.kind.startsWith('tick:'))) problems.push(`${name}: no tick label drawn`);

  // The plot area dominates.
  const area = L.chartArea;
  const plotH = area.bottom - area.top;
  if (plotH < PLOT_SHARE * H)
    problems.push(
      `${name}: the plot area ${fmtBox(area)} is ${Math.round(plotH)} px of the ${H} px canvas (${Math.round((100 * plotH) / H)} %, under ${100 * PLOT_SHARE} %)`,
    );
  if (L.type === 'bar') {
    const rows = Math.max(1, L.labels.length);
    if (plotH / rows < MIN_BAR_ROW_PX)
      problems.push(`${name}: ${Math.round(plotH / rows)} px per bar row (${rows} rows), under ${MIN_BAR_ROW_PX}`);
  } else if (plotH < MIN_PLOT_PX) problems.push(`${name}: the plot area is ${Math.round(plotH)} px tall, under ${MIN_PLOT_PX}`);

  // Colours against the page background.
  const bg = backdrop(chart.background);
  for (const t of L.texts) {
    const c = parseColor(t.color);
    if (!c) problems.push(`${name}: ${t.kind} "${t.text}" has a colour the check cannot read (${t.color})`);
    else if (contrast(c, bg) < TEXT_CONTRAST)
      problems.push(
        `${name}: ${t.kind} "${t.text}" (${t.color}) has contrast ${contrast(c, bg).toFixed(2)} against the background, under ${TEXT_CONTRAST}`,
      );
  }
  for (const d of L.datasets) {
    if (d.color === null) continue;
    const c = parseColor(d.color);
    if (!c) problems.push(`${name}: dataset "${d.label}" has a colour the check cannot read (${d.color})`);
    else if (contrast([...c.slice(0, 3), 1], bg) < MARK_CONTRAST)
      problems.push(
        `${name}: dataset "${d.label}" (${d.color}) has contrast ${contrast([...c.slice(0, 3), 1], bg).toFixed(2)}, under ${MARK_CONTRAST}`,
      );
  }

  // One (colour, marker) per family, and none shared.
  const pairs = new Map();
  for (const d of L.datasets.filter((x) => x.family)) {
    const key = `${d.color} ${d.pointStyle}`;
    if (!d.color || !d.pointStyle || !d.uniform)
      problems.push(`${name}: family ${d.family} is not drawn in one colour and marker (${key})`);
    if (pairs.has(key) && pairs.get(key) !== d.family) problems.push(`${name}: families ${pairs.get(key)} and ${d.family} share ${key}`);
    pairs.set(key, d.family);
  }

  // The HTML legend: in the column, clear of the canvases, legible, matching the datasets.
  if (chart.legend) {
    const col = page.column;
    const boxes = [chart.legend, ...chart.legend.items];
    for (const b of boxes) {
      if (col && (b.rect.left < col.left - 1 || b.rect.right > col.right + 1))
        problems.push(`${name}: legend ${b.text ? `item "${b.text}"` : ''} ${fmtBox(b.rect)} is outside the column ${fmtBox(col)}`);
    }
    for (const c of chart.groupCanvases)
      if (overlap(chart.legend.rect, c)) problems.push(`${name}: the legend ${fmtBox(chart.legend.rect)} overlaps a canvas ${fmtBox(c)}`);
    for (const item of chart.legend.items) {
      const fg = parseColor(item.color);
      const ibg = backdrop(item.background);
      if (!fg || contrast(fg, ibg) < TEXT_CONTRAST)
        problems.push(
          `${name}: legend item "${item.text}" (${item.color}) has contrast ${fg ? contrast(fg, ibg).toFixed(2) : '?'}, under ${TEXT_CONTRAST}`,
        );
      if (!item.family) {
        // A legend entry for a dataset that is not a family (the stage chart's MACs and parameters).
        if (item.dataColor && !L.datasets.some((d) => d.color === item.dataColor))
          problems.push(`${name}: legend item "${item.text}" shows ${item.dataColor}, no dataset is drawn in it`);
        continue;
      }
      const d = L.datasets.find((x) => x.family === item.family);
      if (!d) {
        problems.push(`${name}: legend item "${item.family}" has no dataset`);
        continue;
      }
      if (item.dataColor !== d.color || item.marker !== d.pointStyle)
        problems.push(
          `${name}: legend item "${item.family}" shows ${item.dataColor} ${item.marker}, the chart draws ${d.color} ${d.pointStyle}`,
        );
      if (!sameColor(parseColor(item.swatch), parseColor(d.color)))
        problems.push(`${name}: legend swatch of "${item.family}" is painted ${item.swatch}, the chart draws ${d.color}`);
    }
  }
  for (const cap of chart.captions) {
    const fg = parseColor(cap.color);
    const cbg = backdrop(cap.background);
    if (!fg || contrast(fg, cbg) < TEXT_CONTRAST)
      problems.push(
        `${name}: caption "${cap.text}" (${cap.color}) has contrast ${fg ? contrast(fg, cbg).toFixed(2) : '?'}, under ${TEXT_CONTRAST}`,
      );
  }
  return problems;
}

/** Waits until every shown chart canvas has a layout drawn for the page's scheme. */
export async function chartsDrawn(page, timeout = 20_000) {
  await page
    .waitForFunction(
      () => {
        const dark = document.documentElement.classList.contains('dark') ? 'dark' : 'light';
        return [...document.querySelectorAll('canvas[data-test^="chart-"]')]
          .filter((c) => c.getBoundingClientRect().width > 0)
          .every((c) => c.dataset.layout && JSON.parse(c.dataset.layout).scheme === dark);
      },
      null,
      { timeout },
    )
    .catch(() => {}); // the checks below say which chart is missing what
}

/** The page's charts as measured (see `collect`), once drawn. */
export async function measureCharts(page) {
  await chartsDrawn(page);
  return page.evaluate(collect);
}

/**
 * Asserts that every chart shown on the page is readable: its texts inside the canvas and apart,
 * the plot area most of the canvas, its HTML legend in the column and off the canvas, one colour
 * and marker per family, and text and marks that contrast with the page background.
 */
export async function checkCharts({ page, assert, label }) {
  const measured = await measureCharts(page);
  const problems = [];
  for (const chart of measured.charts.filter((c) => c.shown)) problems.push(...chartProblems(chart, measured));
  // A family looks the same on every chart of the page.
  const seen = new Map();
  for (const chart of measured.charts.filter((c) => c.shown && c.layout))
    for (const d of chart.layout.datasets.filter((x) => x.family)) {
      const key = `${d.color} ${d.pointStyle}`;
      const before = seen.get(d.family);
      if (before && before.key !== key) problems.push(`${d.family} is ${before.key} on ${before.chart} but ${key} on ${chart.test}`);
      else seen.set(d.family, { key, chart: chart.test });
    }
  assert.deepEqual(problems.slice(0, 40), [], `${label}: ${problems.length} chart problem(s)`);
  return measured;
}
