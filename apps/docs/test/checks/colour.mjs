// Colours as the site tests measure them: CSS colours parsed as browsers serialise them,
// composited over what lies behind them, and their WCAG contrast. Shared by the chart and figure checks.

/** [r, g, b, a] (0-255, alpha 0-1) of a CSS colour as browsers serialise it, or null. */
export function parseColor(s) {
  if (typeof s !== 'string') return null;
  const t = s.trim().toLowerCase();
  let m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(t);
  if (m) {
    const n = Number.parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, m[2] ? Number.parseInt(m[2], 16) / 255 : 1];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(t);
  if (m) {
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number.parseFloat(m[4]) / 100 : Number(m[4]);
    return [Number(m[1]), Number(m[2]), Number(m[3]), a];
  }
  return null;
}

/** `top` composited over `bottom` (both [r, g, b, a]). */
export const over = (top, bottom) => {
  const a = top[3] + bottom[3] * (1 - top[3]);
  if (a === 0) return [0, 0, 0, 0];
  return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat(a);
};
/** The opaque colour behind an element: its backgrounds, nearest first, over the canvas's white. */
export function backdrop(layers) {
  let color = [255, 255, 255, 1];
  for (const l of [...layers].reverse()) {
    const c = parseColor(l);
    if (c && c[3] > 0) color = over(c, color);
  }
  return color;
}
const channel = (v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
/** WCAG contrast of colour `fg` (possibly translucent) on the opaque `bg`. */
export function contrast(fg, bg) {
  const [a, b] = [luminance(over(fg, bg)), luminance(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

/** A colour for a message: rgb(r, g, b). */
export const cssColor = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
