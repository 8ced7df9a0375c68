import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TINTS } from '../src/docs/innovation-figure.js';
import {
  channelShuffleFigure,
  channelShuffleOrder,
  columnsFigure,
  depthwiseSeparableFigure,
  FIGURE_FONT,
  FIGURE_MAX_WIDTH,
  textWidth,
  windowPartitionFigure,
} from '../src/docs.js';
import { ChannelShuffle, shiftedWindowMask } from '../src/family.js';

type Box = { x0: number; y0: number; x1: number; y1: number };
type Element = { tag: string; attrs: Record<string, string>; dx: number; dy: number; text?: string };

/** The elements of a figure, each with the offset of the translate groups around it. */
function elements(svg: string): Element[] {
  const out: Element[] = [];
  const offsets: [number, number][] = [[0, 0]];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>(?:([^<]*)<\/text>)?/g)) {
    const [, closing, tag, attrText, , content] = m;
    const [dx, dy] = offsets[offsets.length - 1];
    if (closing) {
      if (tag === 'g') offsets.pop();
      continue;
    }
    const attrs = Object.fromEntries([...attrText.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    if (tag === 'g') {
      const t = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(attrs.transform ?? '');
      offsets.push(t ? [dx + Number(t[1]), dy + Number(t[2])] : [dx, dy]);
      continue;
    }
    out.push({ tag, attrs, dx, dy, text: tag === 'text' ? unescapeXml(content ?? '') : undefined });
  }
  return out;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const num = (e: Element, a: string) => Number(e.attrs[a]);

function viewBox(svg: string): Box {
  const [x, y, w, h] = /viewBox="([^"]+)"/.exec(svg)![1].split(' ').map(Number);
  return { x0: x, y0: y, x1: x + w, y1: y + h };
}

/** Each text's box in the figure's coordinates, from the same conservative estimate the layout uses. */
function textBoxes(svg: string): { text: string; box: Box }[] {
  return elements(svg)
    .filter((e) => e.tag === 'text')
    .map((e) => {
      const w = textWidth(e.text!, FIGURE_FONT, e.attrs['font-weight'] === '600');
      const x = num(e, 'x') + e.dx;
      const y = num(e, 'y') + e.dy;
      const anchor = e.attrs['text-anchor'] ?? 'start';
      const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
      return { text: e.text!, box: { x0, y0: y - FIGURE_FONT, x1: x0 + w, y1: y + 0.3 * FIGURE_FONT } };
    });
}

/** What every figure must satisfy: text inside the viewBox and apart, a width that keeps it legible. */
function expectLegible(svg: string): void {
  const view = viewBox(svg);
  const width = view.x1 - view.x0;
  expect(width).toBeLessThanOrEqual(FIGURE_MAX_WIDTH);
  // The check on the site: text ≥ 9 px in a 342 px phone column, ≥ 11 px at 560 px.
  expect((FIGURE_FONT * 342) / width).toBeGreaterThanOrEqual(9);
  expect((FIGURE_FONT * Math.min(560, width * 1.2)) / width).toBeGreaterThanOrEqual(11);
  const boxes = textBoxes(svg);
  expect(boxes.length).toBeGreaterThan(0);
  for (const { text, box } of boxes) {
    expect({ text, inside: box.x0 >= view.x0 && box.x1 <= view.x1 && box.y0 >= view.y0 && box.y1 <= view.y1 }).toEqual({
      text,
      inside: true,
    });
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i].box, boxes[j].box];
      const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5;
      expect({ pair: [boxes[i].text, boxes[j].text], overlap }).toEqual({ pair: [boxes[i].text, boxes[j].text], overlap: false });
    }
  }
  expect(svg).not.toMatch(/href=|<script|<image/);
}

describe('textWidth', () => {
  it('estimates wide characters wider, bold wider, and grows with the font size', () => {
    expect(textWidth('mmmm')).toBeGreaterThan(textWidth('iiii'));
    expect(textWidth('Block', FIGURE_FONT, true)).toBeGreaterThan(textWidth('Block'));
    expect(textWidth('abc', 26)).toBeCloseTo(2 * textWidth('abc', 13));
    // At least the advance of DejaVu Sans, the widest common sans-serif: 0.64 em per digit.
    expect(textWidth('0123456789', 10)).toBeGreaterThanOrEqual(64);
  });
});

describe('columnsFigure', () => {
  const svg = columnsFigure(
    [
      { title: 'Plain', boxes: ['3×3 conv', 'BN & ReLU'] },
      { title: 'Residual <x>', boxes: ['3×3 conv', 'BN'], skip: 'identity' },
    ],
    'a "caption"',
  );

  it('draws one box per label and a sum node for a skip path', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('escapes labels and the caption, and loads nothing from elsewhere', () => {
    expect(svg).toContain('BN &amp; ReLU');
    expect(svg).toContain('Residual &lt;x&gt;');
    expect(svg).toContain('aria-label="a &quot;caption&quot;"');
    expect(svg).not.toMatch(/href=|<script|<image/);
  });

  it('keeps the skip label inside the viewBox (MobileNetV2: "wide tensors" was clipped)', () => {
    const inverted = columnsFigure(
      [
        {
          title: 'Residual bottleneck',
          boxes: ['1×1 conv, reduce, ReLU', '3×3 conv, ReLU', '1×1 conv, expand, ReLU'],
          skip: 'wide tensors',
        },
        {
          title: 'Inverted residual',
          boxes: ['1×1 expand ×6, ReLU6', '3×3 depthwise, ReLU6', '1×1 project, linear'],
          skip: 'narrow tensors',
        },
      ],
      'inverted residuals',
    );
    expectLegible(inverted);
    expect(textBoxes(inverted).map((t) => t.text)).toEqual(expect.arrayContaining(['wide', 'tensors', 'narrow']));
  });

  it('wraps columns into rows and long labels into lines rather than growing past the cap', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({
      title: `Branch ${i + 1}`,
      boxes: ['layer 3 on [x0, x1, x2] → k', '1×1 conv, 192→96'],
      skip: i % 2 ? 'identity' : undefined,
    }));
    const wide = columnsFigure(many, 'six columns');
    expectLegible(wide);
    expect(wide.match(/<rect /g)).toHaveLength(12);
    // Six columns of this width cannot share one row: some titles sit lower than others.
    const titleRows = new Set(
      textBoxes(wide)
        .filter((t) => t.text.startsWith('Branch'))
        .map((t) => Math.round(t.box.y0)),
    );
    expect(titleRows.size).toBeGreaterThan(1);
  });
});

describe('windowPartitionFigure', () => {
  const cases = [
    [21, 21, 7],
    [8, 8, 4],
    [12, 12, 4],
    [15, 15, 5],
  ] as const;

  it.each(cases)(
    '%i×%i tokens in windows of M = %i: (H/M)² windows, (H/M + 1)² after the shift, (H/M)² again after the roll',
    (n, _, m) => {
      const svg = windowPartitionFigure({ tokens: n, window: m, caption: 'windows' });
      expectLegible(svg);
      const per = n / m;
      const windows = (panel: string) => elements(svg).filter((e) => e.attrs.class === 'zoo-window' && e.attrs['data-panel'] === panel);
      expect(windows('regular')).toHaveLength(per ** 2);
      expect(windows('shifted')).toHaveLength((per + 1) ** 2);
      expect(windows('rolled')).toHaveLength(per ** 2);
      // The windows of the last row and column hold pieces from elsewhere: 2·H/M − 1 of them.
      expect(windows('rolled').filter((e) => e.attrs['data-masked'] === 'true')).toHaveLength(2 * per - 1);
    },
  );

  it.each(cases)(
    '%i×%i, window %i: the dashed sub-windows are the shifted windows rolled by -⌊M/2⌋, and exactly the regions of the zoo mask',
    (n, _, m) => {
      const s = Math.floor(m / 2);
      const svg = windowPartitionFigure({ tokens: n, window: m, caption: 'windows' });
      const regions = (cls: string, panel: string) =>
        elements(svg)
          .filter((e) => e.attrs.class === cls && e.attrs['data-panel'] === panel)
          .map((e) => e.attrs['data-tokens'].split(' ').map(Number) as [number, number, number, number]);
      const rolled = regions('zoo-window', 'rolled');
      const masked = elements(svg)
        .filter((e) => e.attrs.class === 'zoo-window' && e.attrs['data-panel'] === 'rolled' && e.attrs['data-masked'] === 'true')
        .map((e) => e.attrs['data-tokens']);
      const sub = regions('zoo-subwindow', 'rolled');
      // The partition the roll produces: the sub-windows, and the whole windows that have none.
      const pieces = [...sub, ...rolled.filter((w) => !masked.includes(w.join(' ')))];
      const roll = (a: number, b: number) => {
        const a2 = (a - s + n) % n;
        return [a2, a2 + b - a];
      };
      const expected = regions('zoo-window', 'shifted').map(([r0, r1, c0, c1]) => [...roll(r0, r1), ...roll(c0, c1)].join(' '));
      expect(pieces.map((p) => p.join(' ')).sort()).toEqual(expected.sort());
      // Label every token by its piece; within each window, same piece ⇔ the zoo's mask lets them attend.
      const label = new Int32Array(n * n).fill(-1);
      pieces.forEach(([r0, r1, c0, c1], i) => {
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) label[r * n + c] = i;
      });
      expect(label.includes(-1)).toBe(false);
      const mask = shiftedWindowMask(n, n, m, s, s);
      const t = m * m;
      const nw = n / m;
      let mismatches = 0;
      for (let wi = 0; wi < nw; wi++) {
        for (let wj = 0; wj < nw; wj++) {
          const lab = (k: number) => label[(wi * m + Math.floor(k / m)) * n + wj * m + (k % m)];
          const base = (wi * nw + wj) * t * t;
          for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) if ((mask[base + i * t + j] === 0) !== (lab(i) === lab(j))) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
    },
  );

  it('refuses a map that does not split into windows', () => {
    expect(() => windowPartitionFigure({ tokens: 10, window: 4, caption: 'x' })).toThrow(/do not split/);
  });
});

describe('channelShuffleFigure', () => {
  /** The channel order the zoo's ChannelShuffle layer produces (as ShuffleNet and torchvision), read at one pixel. */
  function layerOrder(c: number, g: number): number[] {
    const x = tf.tile(tf.reshape(tf.range(0, c, 1, 'float32'), [1, 1, 1, c]), [1, 2, 2, 1]);
    const input = tfl.input({ shape: [2, 2, c] });
    const y = tfl
      .model({ inputs: input, outputs: new ChannelShuffle({ groups: g }).apply(input) as tfl.SymbolicTensor })
      .predict(x) as tf.Tensor;
    return Array.from(tf.slice(y, [0, 0, 0, 0], [1, 1, 1, -1]).dataSync());
  }

  it.each([
    [3, 3],
    [2, 4],
    [4, 2],
    [3, 4],
    [4, 4],
    [8, 2],
  ])('%i groups of %i: its lines implement the permutation of the zoo’s ChannelShuffle', (g, n) => {
    const svg = channelShuffleFigure({ groups: g, perGroup: n, caption: 'shuffle' });
    expectLegible(svg);
    const c = g * n;
    const zoo = layerOrder(c, g);
    expect(channelShuffleOrder(g, n)).toEqual(zoo);
    const all = elements(svg);
    const lines = all.filter((e) => e.tag === 'line' && e.attrs['data-from'] !== undefined);
    expect(lines).toHaveLength(c);
    const cell = (row: string, position: number) =>
      all.find((e) => e.attrs['data-row'] === row && Number(e.attrs['data-position']) === position)!;
    const centre = (e: Element) => num(e, 'x') + e.dx + num(e, 'width') / 2;
    for (const l of lines) {
      const [from, to] = [num(l, 'data-from'), num(l, 'data-to')];
      expect(zoo[to]).toBe(from);
      // Drawn from the channel's cell to its new place, and that place shows the channel in its group's tint.
      expect(num(l, 'x1') + l.dx).toBeCloseTo(centre(cell('conv', from)));
      expect(num(l, 'x2') + l.dx).toBeCloseTo(centre(cell('shuffled', to)));
      expect(num(l, 'y2')).toBeGreaterThan(num(l, 'y1'));
      const target = cell('shuffled', to);
      expect(Number(target.attrs['data-channel'])).toBe(from);
      // Six tints: beyond six groups they repeat.
      expect(target.attrs.class).toBe(`zoo-tint-${Math.floor(from / n) % TINTS}`);
    }
    // Every group of the next convolution gets channels of min(g, n) different groups: all of them,
    // one each, when n = g.
    for (let i = 0; i < g; i++) {
      const groups = zoo.slice(i * n, (i + 1) * n).map((ch) => Math.floor(ch / n));
      expect(new Set(groups).size).toBe(Math.min(g, n));
      if (n === g) expect([...groups].sort()).toEqual(Array.from({ length: g }, (_, k) => k));
    }
  });
});

describe('depthwiseSeparableFigure', () => {
  const svg = depthwiseSeparableFigure({
    kernel: 3,
    channels: 3,
    outChannels: 4,
    example: { channels: 64, outChannels: 64 },
    caption: 'dw',
  });
  const filters = (kind: string) => elements(svg).filter((e) => e.attrs['data-filter'] === kind);

  it('draws C′ filters spanning all C channels, C one-channel depthwise filters, C′ 1×1×C pointwise filters', () => {
    expectLegible(svg);
    expect(filters('standard')).toHaveLength(4);
    expect(filters('standard').every((e) => e.attrs['data-slices'] === '3')).toBe(true);
    expect(filters('depthwise')).toHaveLength(3);
    expect(filters('depthwise').every((e) => e.attrs['data-slices'] === '1')).toBe(true);
    expect(filters('pointwise')).toHaveLength(4);
    expect(filters('pointwise').every((e) => e.attrs['data-slices'] === '3')).toBe(true);
  });

  it('states the MACs per position of each layer of the example: k²·C·C′, k²·C, C·C′ and their ratio', () => {
    const text = textBoxes(svg)
      .map((t) => t.text)
      .join(' ');
    expect(text).toContain(`= ${(9 * 64 * 64).toLocaleString('en-US')}`);
    expect(text).toContain(`9·64 = ${9 * 64}`);
    expect(text).toContain(`64·64 = ${(64 * 64).toLocaleString('en-US')}`);
    expect(text).toContain((9 * 64 + 64 * 64).toLocaleString('en-US'));
    expect(text).toContain((1 / 64 + 1 / 9).toFixed(3));
  });
});
