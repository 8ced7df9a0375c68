import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { InnovationComparison } from '@zoo/core-blocks/docs';
import { ecaKernelSize } from '@zoo/core-blocks/family';
import { type ModelProfile, profileComparison } from '@zoo/profiler';
import { getReference } from '@zoo/reference';
import { catalog } from '../src/catalog.js';
import { EFFICIENTNET_SPECS, efficientNetStages } from '../src/efficientnet.js';
import { innovations } from '../src/innovations.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Each comparison is built once per file: compound scaling builds B0..B7.
const profiled = new WeakMap<InnovationComparison, ModelProfile[]>();
function profileVariants(c: InnovationComparison): ModelProfile[] {
  const known = profiled.get(c);
  if (known) return known;
  const profiles = profileComparison(c);
  profiled.set(c, profiles);
  return profiles;
}

const byId = (id: string) => {
  const i = innovations.find((x) => x.id === id);
  if (!i) throw new Error(`no innovation ${id}`);
  return i;
};

describe('innovations of @zoo/cnn-classic (the docs site profiles them)', () => {
  it('have unique ids and name only families this package has', () => {
    expect(new Set(innovations.map((i) => i.id)).size).toBe(innovations.length);
    const families = new Set(catalog.map((e) => e.family));
    for (const i of innovations) for (const f of i.families) expect(families.has(f)).toBe(true);
  });

  it.each(innovations.flatMap((i) => (i.comparisons ?? []).map((c) => [i.id, c.title, c] as const)))(
    '%s / %s: every variant is fully counted',
    (_id, _title, c) => {
      for (const p of profileVariants(c)) expect(p.uncounted).toEqual([]);
    },
  );

  it('every innovation states its idea, draws it and links models of this package', () => {
    for (const i of innovations) {
      expect(i.body.length).toBeGreaterThan(400);
      expect(i.figure).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(i.figure).not.toMatch(/href="http|<script|<image/);
      expect(i.families.length).toBeGreaterThan(0);
      expect(i.comparisons?.length).toBeGreaterThan(0);
    }
  });

  it('an identity shortcut adds no parameters and no MACs', () => {
    const [plain, residual] = profileVariants(byId('residual-learning').comparisons![0]);
    expect(residual.params.trainable).toBe(plain.params.trainable);
    expect(residual.macs).toEqual(plain.macs);
  });

  it('32 groups divide the weights and MACs of a 3x3 convolution by 32', () => {
    const c = byId('group-convolution-cardinality').comparisons![0];
    const [dense, grouped] = profileVariants(c);
    const [h, w, ch] = c.input;
    expect(dense.macs.convLinear).toBe(h * w * ch * ch * 9);
    expect(grouped.macs.convLinear * 32).toBe(dense.macs.convLinear);
    expect(grouped.params.trainable * 32).toBe(dense.params.trainable);
  });

  it('1x1 reductions make inception3a cheaper than its naive form, and both cheaper than one 3x3 convolution', () => {
    const c = byId('inception-modules').comparisons![0];
    const [plain, naive, inception] = profileVariants(c);
    const [h, w, ch] = c.input;
    expect(plain.macs.convLinear).toBe(h * w * ch * plain.outputShape[3] * 9);
    expect(new Set([plain, naive, inception].map((p) => p.outputShape.join('x'))).size).toBe(1);
    expect(inception.macs.convLinear).toBeLessThan(naive.macs.convLinear);
    expect(naive.macs.convLinear).toBeLessThan(plain.macs.convLinear);
  });

  it('a dense block of six layers at growth 32 ends with the input plus 6 x 32 channels', () => {
    const c = byId('dense-connectivity').comparisons![0];
    const [resnet, dense] = profileVariants(c);
    expect(dense.outputShape).toEqual([1, c.input[0], c.input[1], c.input[2] + 6 * 32]);
    expect(resnet.outputShape).toEqual(dense.outputShape);
  });

  it('compound scaling: B0 is efficientnet_b0 without its classifier, and B0..B7 grow with the specification', () => {
    const [table] = byId('compound-scaling').comparisons!;
    const profiles = profileVariants(table);
    const ref = getReference('efficientnet_b0')!;
    const last = efficientNetStages(EFFICIENTNET_SPECS.efficientnet_b0).at(-1)!.outChannels * 4;
    expect(profiles[0].macs.convLinear + last * 1000).toBe(ref.macs.convLinear);
    expect(profiles[0].params.trainable + last * 1000 + 1000).toBe(ref.params);
    const specs = Object.values(EFFICIENTNET_SPECS);
    expect(table.variants.map((v) => v.input![0])).toEqual(specs.map((s) => s.inputSize));
    for (let i = 1; i < profiles.length; i++) expect(profiles[i].macs.convLinear).toBeGreaterThan(profiles[i - 1].macs.convLinear);
  });

  it('SE, CBAM and ECA add what their definitions say to a bottleneck at 256 channels', () => {
    const c = byId('cbam-eca-attention').comparisons![0];
    const [plain, se, cbamP, ecaP] = profileVariants(c);
    const ch = c.input[2];
    const r = ch / 16;
    expect(se.params.trainable - plain.params.trainable).toBe(ch * r + r + r * ch + ch);
    expect(ecaP.params.trainable - plain.params.trainable).toBe(ecaKernelSize(ch));
    expect(cbamP.macs.convLinear).toBeGreaterThan(se.macs.convLinear);
    expect((cbamP.macs.convLinear - plain.macs.convLinear) / plain.macs.convLinear).toBeLessThan(0.01);
  });

  it('HRNet fusion adds exactly its exchange layers: 1x1 conv + BN up, strided 3x3 conv + BN down', () => {
    const [separate, fused] = profileVariants(byId('multi-resolution-fusion').comparisons![0]);
    const [c0, c1] = [18, 36];
    expect(fused.params.trainable - separate.params.trainable).toBe(c1 * c0 + 2 * c0 + 9 * c0 * c1 + 2 * c1);
  });

  it("ConvNeXt's patchify stem costs one 4x4 kernel per output position", () => {
    const [resnetStem, patchify] = profileVariants(byId('convnext-modernisation').comparisons![0]);
    const [, h, w, d] = patchify.outputShape;
    expect(patchify.macs.convLinear).toBe(h * w * d * 4 * 4 * 3);
    expect(resnetStem.outputShape).toEqual(patchify.outputShape);
  });
});
