import { describe, expect, it } from '@jest/globals';
import { columnsFigure } from '../src/family.js';

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
});
