/**
 * Tiny inline SVG diagrams for the innovation pages: a column of labelled boxes joined by arrows,
 * with an optional skip path. Inline markup keeps the docs site free of external files.
 */
export interface Column {
  title: string;
  boxes: readonly string[];
  /** Draw a shortcut from the input to the sum at the bottom, labelled. */
  skip?: string;
}

const BOX_W = 170;
const BOX_H = 30;
const GAP = 22;
const COL_W = 250;

export function columnsFigure(columns: readonly Column[], caption: string): string {
  const rows = Math.max(...columns.map((c) => c.boxes.length + (c.skip ? 1 : 0)));
  const height = 60 + rows * (BOX_H + GAP) + 20;
  const width = columns.length * COL_W;
  const parts: string[] = [];
  columns.forEach((col, i) => {
    const cx = i * COL_W + COL_W / 2 - 20;
    parts.push(`<text x="${cx}" y="22" text-anchor="middle" font-weight="600">${esc(col.title)}</text>`);
    let y = 40;
    col.boxes.forEach((label, j) => {
      parts.push(
        `<rect x="${cx - BOX_W / 2}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="5" class="zoo-box"/>`,
        `<text x="${cx}" y="${y + 20}" text-anchor="middle">${esc(label)}</text>`,
      );
      if (j < col.boxes.length - 1 || col.skip) {
        parts.push(
          `<line x1="${cx}" y1="${y + BOX_H}" x2="${cx}" y2="${y + BOX_H + GAP - 3}" class="zoo-arrow" marker-end="url(#zoo-head)"/>`,
        );
      }
      y += BOX_H + GAP;
    });
    if (col.skip) {
      const top = 40 + BOX_H / 2;
      parts.push(
        `<circle cx="${cx}" cy="${y + 10}" r="10" class="zoo-box"/>`,
        `<text x="${cx}" y="${y + 15}" text-anchor="middle">+</text>`,
        `<path d="M ${cx - BOX_W / 2} ${top} h -22 V ${y + 10} H ${cx - 12}" fill="none" class="zoo-arrow" marker-end="url(#zoo-head)"/>`,
        `<text x="${cx - BOX_W / 2 - 28}" y="${(top + y) / 2}" text-anchor="end" font-size="11">${esc(col.skip)}</text>`,
      );
    }
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-60 0 ${width + 60} ${height}" role="img" aria-label="${esc(caption)}" class="zoo-figure" font-size="13" font-family="sans-serif">`,
    '<defs><marker id="zoo-head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="currentColor"/></marker></defs>',
    ...parts,
    '</svg>',
  ].join('');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
