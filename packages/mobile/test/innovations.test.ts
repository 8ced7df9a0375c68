import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { makeDivisible } from '@zoo/core-blocks/family';
import { type ModelProfile, profileComparison } from '@zoo/profiler';
import { catalog } from '../src/catalog.js';
import { innovations } from '../src/innovations.js';
import { MOBILENET_V3_SPECS } from '../src/mobilenet-v3.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('innovations of @zoo/mobile (the docs site profiles them)', () => {
  it('have unique ids and name only families this package has', () => {
    expect(new Set(innovations.map((i) => i.id)).size).toBe(innovations.length);
    const families = new Set(catalog.map((e) => e.family));
    // EfficientNet lives in @zoo/cnn-classic; the ideas it shares with the MobileNets are declared here.
    for (const i of innovations) for (const f of i.families) expect(families.has(f) || f === 'EfficientNet').toBe(true);
  });

  it.each(innovations.flatMap((i) => (i.comparisons ?? []).map((c) => [i.id, c.title, c] as const)))(
    '%s / %s: every variant is fully counted',
    (_id, _title, c) => {
      for (const p of profileComparison(c)) expect(p.uncounted).toEqual([]);
    },
  );

  it('every innovation states its idea, draws it and has numbers', () => {
    for (const i of innovations) {
      expect(i.body.length).toBeGreaterThan(400);
      expect(i.figure).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(i.figure).not.toMatch(/href="http|<script|<image/);
      expect(i.comparisons?.length).toBeGreaterThan(0);
    }
  });

  it('a depthwise separable pair costs k²·C + C·C per position against k²·C·C', () => {
    const c = innovations.find((i) => i.id === 'depthwise-separable-convolution')!.comparisons![0];
    const [standard, separable] = profileComparison(c);
    const [h, w, ch] = c.input;
    expect(standard.macs.convLinear).toBe(h * w * 9 * ch * ch);
    expect(separable.macs.convLinear).toBe(h * w * (9 * ch + ch * ch));
    expect(separable.params.trainable).toBe(9 * ch + ch * ch);
  });

  const byId = (id: string) => innovations.find((i) => i.id === id)!;

  it('an inverted residual hands the next block the thin tensor, the classic bottleneck the wide one', () => {
    const c = byId('inverted-residuals-linear-bottlenecks').comparisons![0];
    const [classic, inverted] = profileComparison(c);
    expect(inverted.outputShape).toEqual([1, ...c.input]);
    expect(classic.outputShape).toEqual([1, ...c.variants[0].input!]);
    expect(classic.outputShape[3]).toBeGreaterThan(inverted.outputShape[3]);
  });

  it('SE adds its two 1x1 layers to a MobileNetV3 block: parameters and MACs on one value per channel; activations add nothing', () => {
    const [withoutSe, withSe] = profileComparison(byId('squeeze-excitation-hard-swish').comparisons![0]);
    const block = MOBILENET_V3_SPECS.mobilenet_v3_large.blocks.find(([, , , se, , stride]) => se && stride === 1)!;
    const exp = block[1];
    const s = makeDivisible(Math.floor(exp / 4));
    expect(withSe.params.trainable - withoutSe.params.trainable).toBe(exp * s + s + s * exp + exp);
    expect(withSe.macs.convLinear - withoutSe.macs.convLinear).toBe(2 * exp * s);
    const [relu, silu, hardswish] = profileComparison(byId('squeeze-excitation-hard-swish').comparisons![1]);
    expect(silu.macs).toEqual(relu.macs);
    expect(hardswish.macs).toEqual(relu.macs);
  });

  it('grouped 1x1 convolutions with a shuffle cost what the formula says', () => {
    const c = byId('group-convolution-channel-shuffle').comparisons![0];
    const [dense, g3] = profileComparison(c);
    const [h, w, ch] = c.input;
    const mid = ch / 4;
    expect(dense.macs.convLinear).toBe(h * w * (ch * mid + 9 * mid + mid * ch));
    expect(g3.macs.convLinear).toBe(h * w * ((ch * mid) / 3 + 9 * mid + (mid * ch) / 3));
  });

  it('G1 and G2: every variant has the same MACs, hw * c1 * c2 / g', () => {
    const [g1, g2] = byId('shufflenet-v2-guidelines').comparisons!;
    for (const c of [g1, g2]) {
      const profiles = profileComparison(c);
      const macs = profiles.map((p) => p.macs.convLinear);
      expect(new Set(macs).size).toBe(1);
      const [h, w, c1] = c.variants[0].input!;
      expect(macs[0]).toBe(h * w * c1 * profiles[0].outputShape[3]);
    }
  });

  it('EdgeViT: attention products are 2 N² D for all tokens, and for one in sr² with the sparse attention', () => {
    const c = byId('edgevit-local-global-local').comparisons![0];
    const [full, sparse, lgl] = profileComparison(c);
    const [h, w, d] = c.input;
    const attn = (p: ModelProfile) => p.macs.total - p.macs.convLinear;
    expect(attn(full)).toBe(2 * (h * w) ** 2 * d);
    expect(attn(sparse)).toBe(2 * ((h * w) / 16) ** 2 * d);
    expect(attn(lgl)).toBe(attn(sparse));
    expect(lgl.macs.total).toBeLessThan(full.macs.total / 10);
  });
});
