// Checks of the innovation figures of one page at the page's current viewport and colour scheme,
// measured in the page from the rendered boxes: for every `main svg.zoo-figure`, each <text> lies
// inside the viewBox (so it is not clipped) and inside the svg's box on screen, no two texts
// overlap, the text renders large enough to read, and its colour contrasts with the page.

/** Below this viewport width the page is a phone's: text may render smaller. */
export const NARROW_BELOW = 600;
/** Smallest rendered font size, in CSS px, on a phone and on a wider window. */
export const MIN_FONT_PX = { narrow: 9, wide: 11 };
/** Smallest contrast ratio (WCAG) between a text's fill and the background, page and figure. */
export const MIN_CONTRAST = 4.5;
/** How far boxes may cross (px on screen, user units in the viewBox) before it counts. */
const SLACK = 0.5;

/** Runs in the page: every problem of every figure, as a sentence naming the figure, the text and the boxes. */
function figureProblems({ minFont, minContrast, slack }) {
  const problems = [];
  const figures = [...document.querySelectorAll('main svg.zoo-figure')];
  const r1 = (v) => Math.round(v * 10) / 10;
  const box = (b) => `[${r1(b.left)}, ${r1(b.top)} – ${r1(b.right)}, ${r1(b.bottom)}]`;
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c ?? '');
    if (!m) return null;
    const [r, g, b, a = 1] = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom, alpha) => ({
    r: top.r * alpha + bottom.r * (1 - alpha),
    g: top.g * alpha + bottom.g * (1 - alpha),
    b: top.b * alpha + bottom.b * (1 - alpha),
  });
  const luminance = ({ r, g, b }) => {
    const lin = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const css = ({ r, g, b }) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
  /** The page's colour behind an element: its ancestors' backgrounds composited over the white canvas. */
  const pageBackground = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) layers.push(c);
    }
    return layers.reverse().reduce((under, c) => over(c, under, c.a), { r: 255, g: 255, b: 255 });
  };

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
    const background = pageBackground(svg);
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
      const fill = parse(st.fill);
      if (!fill) problems.push(`${label} has a fill (${st.fill}) that is not a colour`);
      else {
        const alpha = fill.a * Number(st.fillOpacity) * Number(st.opacity);
        const colour = over(fill, background, alpha);
        const page = contrast(colour, background);
        if (page < minContrast)
          problems.push(`${label} is ${css(colour)} on the page's ${css(background)}: contrast ${page.toFixed(2)}, under ${minContrast}`);
        // What the figure paints behind the text's centre, over the page.
        const centre = new DOMPoint((user.left + user.right) / 2, (user.top + user.bottom) / 2);
        let behind = background;
        for (const s of fills) {
          if (!(s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
          const local = centre.matrixTransform(rootInverse.multiply(s.getScreenCTM()).inverse());
          if (!s.isPointInFill(local)) continue;
          const ss = getComputedStyle(s);
          const c = parse(ss.fill);
          if (c) behind = over(c, behind, c.a * Number(ss.fillOpacity) * Number(ss.opacity));
        }
        const onFigure = contrast(over(fill, behind, alpha), behind);
        if (behind !== background && onFigure < minContrast)
          problems.push(
            `${label} is ${css(colour)} on ${css(behind)} drawn behind it: contrast ${onFigure.toFixed(2)}, under ${minContrast}`,
          );
      }
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
  return { count: figures.length, problems };
}

/** The problems of the page's figures at its current viewport (see `figureProblems`). */
export function figureIssues(page) {
  const narrow = page.viewportSize().width < NARROW_BELOW;
  return page.evaluate(figureProblems, {
    minFont: narrow ? MIN_FONT_PX.narrow : MIN_FONT_PX.wide,
    minContrast: MIN_CONTRAST,
    slack: SLACK,
  });
}

/** Asserts that the page has figures and that their text is whole, apart, legible and contrasted. */
export async function checkFigures({ page, assert }) {
  const { count, problems } = await figureIssues(page);
  const where = `${new URL(page.url()).pathname} at ${page.viewportSize().width} px`;
  assert.ok(count > 0, `${where}: no svg.zoo-figure in main`);
  assert.ok(problems.length === 0, [`${where}: ${problems.length} figure problem(s):`, ...problems].join('\n'));
}
