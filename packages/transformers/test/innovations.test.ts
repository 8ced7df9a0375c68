import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelProfile, profileComparison } from '@zoo/profiler';
import { catalog } from '../src/catalog.js';
import { innovations } from '../src/innovations.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const byId = (id: string) => innovations.find((i) => i.id === id)!;
const attention = (p: ModelProfile) => p.macs.total - p.macs.convLinear;

describe('innovations of @zoo/transformers (the docs site profiles them)', () => {
  it('have unique ids, name only families this package has, state and draw their idea', () => {
    expect(new Set(innovations.map((i) => i.id)).size).toBe(innovations.length);
    const families = new Set(catalog.map((e) => e.family));
    for (const i of innovations) {
      for (const f of i.families) expect(families.has(f)).toBe(true);
      expect(i.body.length).toBeGreaterThan(400);
      expect(i.figure).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(i.comparisons?.length).toBeGreaterThan(0);
    }
  });

  it.each(innovations.flatMap((i) => (i.comparisons ?? []).map((c) => [i.id, c.title, c] as const)))(
    '%s / %s: every variant is fully counted',
    (_id, _title, c) => {
      for (const p of profileComparison(c)) expect(p.uncounted).toEqual([]);
    },
  );

  it('ViT: the attention products of one block are 2 (N + 1)² D for N patches and the class token', () => {
    const c = byId('patch-tokens-self-attention').comparisons![0];
    const profiles = profileComparison(c);
    profiles.forEach((p) => {
      const [, tokens, dim] = p.outputShape;
      expect(attention(p)).toBe(2 * tokens ** 2 * dim);
    });
    expect(profiles.map((p) => p.outputShape[1] - 1)).toEqual([7 * 7, 14 * 14, 28 * 28]);
  });

  it('Swin: window attention costs 2 N w² D, global attention 2 N² D, and shifting costs nothing', () => {
    const c = byId('shifted-windows').comparisons![0];
    const [global, windows, shifted] = profileComparison(c);
    const [h, w, d] = c.input;
    expect(attention(global)).toBe(2 * (h * w) ** 2 * d);
    expect(attention(windows)).toBe(2 * h * w * 7 * 7 * d);
    expect(shifted.macs).toEqual(windows.macs);
    expect(windows.macs.convLinear).toBe(global.macs.convLinear);
  });
});
