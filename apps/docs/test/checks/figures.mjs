// Checks of the innovation figures of one page at the page's current viewport and colour scheme,
// measured in the page from the rendered boxes: for every `main svg.zoo-figure`, each <text> lies
// inside the viewBox (so it is not clipped) and inside the svg's box on screen, no two texts
// overlap, the text renders large enough to read, and its colour contrasts with the page.

import { backdrop, contrast, cssColor, over, parseColor } from './colour.mjs';

/** Below this viewport width the page is a phone's: text may render smaller. */
export const NARROW_BELOW = 600;
/** Smallest rendered font size, in CSS px, on a phone and on a wider window. */
export const MIN_FONT_PX = { narrow: 9, wide: 11 };
/** Smallest contrast ratio (WCAG) between a text's fill and the background, page and figure. */
export const MIN_CONTRAST = 4.5;
/** How far boxes may cross (px on screen, user units in the viewBox) before it counts. */
const SLACK = 0.5;

/** Runs in the page: every problem of every figure, as a sentence naming the figure, the text and the boxes. */
function figureProblems({ minFont, slack }) {
  const problems = [];
  const figures = [...document.querySelectorAll('main svg.zoo-figure')];
  const r1 = (v) => Math.round(v * 10) / 10;
  const box = (b) => `[${r1(b.left)}, ${r1(b.top)} – ${r1(b.right)}, ${r1(b.bottom)}]`;
  /** The backgrounds of an element and its ancestors, nearest first (composited in Node). */
  const backgrounds = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(getComputedStyle(e).backgroundColor);
    return layers;
  };
  const colours = [];

  figures.forEach((svg, i) => {
    const name = `figure ${i + 1} ("${(svg.getAttribute('aria-label') ?? '').slice(0, 50)}…")`;
    const vb = svg.viewBox.baseVal;
    if (!vb || vb.width === 0 || vb.height === 0) {
      problems.push(`${name} has no viewBox`);
      return;
    }
    const view = { left: vb.x, top: vb.y, right: vb.x + vb.width, bottom: vb.y + vb.height };
    const screen = svg.getBoundingClientRect();
    const rootInverse = svg.getScreenCTM().inverse();
    const background = backgrounds(svg);
    // Shapes that paint a fill, in paint order, for what lies behind each text.
    const fills = [...svg.querySelectorAll('rect, circle, ellipse, polygon, path')].filter((s) => {
      if (s.closest('defs, marker')) return false;
      const st = getComputedStyle(s);
      return st.fill !== 'none' && st.visibility !== 'hidden' && st.display !== 'none';
    });
    const texts = [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim() && getComputedStyle(t).display !== 'none');
    const measured = texts.map((t) => {
      const label = `${name}: "${t.textContent.trim()}"`;
      // The text's box in the svg's user space (through any transforms of its groups).
      const toRoot = rootInverse.multiply(t.getScreenCTM());
      const b = t.getBBox();
      const corners = [
        [b.x, b.y],
        [b.x + b.width, b.y],
        [b.x, b.y + b.height],
        [b.x + b.width, b.y + b.height],
      ].map(([x, y]) => new DOMPoint(x, y).matrixTransform(toRoot));
      const user = {
        left: Math.min(...corners.map((p) => p.x)),
        top: Math.min(...corners.map((p) => p.y)),
        right: Math.max(...corners.map((p) => p.x)),
        bottom: Math.max(...corners.map((p) => p.y)),
      };
      if (
        user.left < view.left - slack ||
        user.top < view.top - slack ||
        user.right > view.right + slack ||
        user.bottom > view.bottom + slack
      )
        problems.push(`${label} has its box ${box(user)} outside the viewBox ${box(view)}: it is clipped`);
      const r = t.getBoundingClientRect();
      if (r.left < screen.left - slack || r.top < screen.top - slack || r.right > screen.right + slack || r.bottom > screen.bottom + slack)
        problems.push(`${label} spans ${box(r)} px on screen, outside the figure's ${box(screen)}`);
      const st = getComputedStyle(t);
      const ctm = t.getScreenCTM();
      const px = Number.parseFloat(st.fontSize) * Math.hypot(ctm.a, ctm.b);
      if (px < minFont - 1e-6) problems.push(`${label} renders at ${r1(px)} px, under ${minFont} px at a ${window.innerWidth} px window`);
      // Its colour, the page's and what the figure paints behind the text's centre (in paint order):
      // judged in Node (contrastProblems).
      const centre = new DOMPoint((user.left + user.right) / 2, (user.top + user.bottom) / 2);
      const behind = [];
      for (const s of fills) {
        if (!(s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
        const local = centre.matrixTransform(rootInverse.multiply(s.getScreenCTM()).inverse());
        if (!s.isPointInFill(local)) continue;
        const ss = getComputedStyle(s);
        behind.push({ fill: ss.fill, alpha: Number(ss.fillOpacity) * Number(ss.opacity) });
      }
      colours.push({ label, fill: st.fill, alpha: Number(st.fillOpacity) * Number(st.opacity), background, behind });
      return { label, r };
    });
    for (let a = 0; a < measured.length; a++) {
      for (let b = a + 1; b < measured.length; b++) {
        const [p, q] = [measured[a].r, measured[b].r];
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > slack && h > slack)
          problems.push(`${measured[a].label} ${box(p)} and "${texts[b].textContent.trim()}" ${box(q)} overlap by ${r1(w)}×${r1(h)} px`);
      }
    }
  });
  return { count: figures.length, problems, colours };
}

/** Each text's contrast with the page, and with what the figure draws behind it (see `figureProblems`). */
function contrastProblems(colours) {
  const problems = [];
  for (const t of colours) {
    const fill = parseColor(t.fill);
    if (!fill) {
      problems.push(`${t.label} has a fill (${t.fill}) that is not a colour`);
      continue;
    }
    const fg = [...fill.slice(0, 3), fill[3] * t.alpha];
    const page = backdrop(t.background);
    const onPage = contrast(fg, page);
    if (onPage < MIN_CONTRAST)
      problems.push(
        `${t.label} is ${cssColor(over(fg, page))} on the page's ${cssColor(page)}: contrast ${onPage.toFixed(2)}, under ${MIN_CONTRAST}`,
      );
    let behind = page;
    let painted = false;
    for (const s of t.behind) {
      const c = parseColor(s.fill);
      if (!c) continue;
      behind = over([...c.slice(0, 3), c[3] * s.alpha], behind);
      painted = true;
    }
    const onFigure = contrast(fg, behind);
    if (painted && onFigure < MIN_CONTRAST)
      problems.push(
        `${t.label} is ${cssColor(over(fg, behind))} on ${cssColor(behind)} drawn behind it: contrast ${onFigure.toFixed(2)}, under ${MIN_CONTRAST}`,
      );
  }
  return problems;
}

/** The problems of the page's figures at its current viewport (see `figureProblems`). */
export async function figureIssues(page) {
  const narrow = page.viewportSize().width < NARROW_BELOW;
  const { count, problems, colours } = await page.evaluate(figureProblems, {
    minFont: narrow ? MIN_FONT_PX.narrow : MIN_FONT_PX.wide,
    slack: SLACK,
  });
  return { count, problems: [...problems, ...contrastProblems(colours)] };
}

/** Asserts that the page has figures and that their text is whole, apart, legible and contrasted. */
export async function checkFigures({ page, assert }) {
  const { count, problems } = await figureIssues(page);
  const where = `${new URL(page.url()).pathname} at ${page.viewportSize().width} px`;
  assert.ok(count > 0, `${where}: no svg.zoo-figure in main`);
  assert.ok(problems.length === 0, [`${where}: ${problems.length} figure problem(s):`, ...problems].join('\n'));
}
