import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit, ZooOptionError } from '@zoo/core-blocks/family';
import { profileModel } from '@zoo/profiler';
import { expectOneFitStep, itHasFeatureMaps } from '@zoo/test-support';
import { __FAMILY___SPECS, type __Family__Spec, __model__, catalog } from '../src/index.js';
import '../src/register.js';

// Importing the wasm backend makes it the default; it is chosen per test where it is wanted.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Parameters and MACs derived from a specification row by hand, layer by layer, as PyTorch
 * counts them. A family with reference figures checks against `@zoo/reference` instead
 * (`getReference(name)`, see packages/cnn-classic/test/resnet.test.ts).
 */
function expectedFigures(spec: __Family__Spec, size: number, numClasses: number) {
  let [h, w, c] = [size, size, 3];
  let params = 0;
  let macs = 0;
  const conv = (out: number, k: number, stride: number, pad: number, groups: number, bias: boolean, norm: boolean) => {
    h = Math.floor((h + 2 * pad - k) / stride) + 1;
    w = Math.floor((w + 2 * pad - k) / stride) + 1;
    params += k * k * (c / groups) * out + (bias ? out : 0) + (norm ? 2 * out : 0);
    macs += h * w * out * (c / groups) * k * k;
    c = out;
  };
  conv(spec.stem, 3, 2, 1, 1, true, false);
  spec.depths.forEach((depth, stage) => {
    for (let i = 0; i < depth; i++) {
      conv(c, 3, i === 0 ? 2 : 1, 1, c, false, true);
      conv(spec.widths[stage], 1, 1, 0, 1, false, true);
    }
  });
  params += c * numClasses + numClasses;
  macs += c * numClasses;
  return { params, macs };
}

describe('__Family__ catalog', () => {
  it('lists every specification row once', () => {
    expect(catalog.map((e) => e.name).sort()).toEqual(Object.keys(__FAMILY___SPECS).sort());
  });

  it.each(catalog.map((e) => [e.name, e] as const))(
    '%s: params and MACs equal the figures derived from its specification',
    (name, entry) => {
      const spec: __Family__Spec = __FAMILY___SPECS[name as keyof typeof __FAMILY___SPECS];
      const expected = expectedFigures(spec, entry.defaultInputSize, 1000);
      const model = withZeroInit(() => entry.create());
      const p = profileModel(model);
      model.dispose();
      expect(p.uncounted).toEqual([]);
      expect(p.params.trainable).toBe(expected.params);
      expect(p.macs.convLinear).toBe(expected.macs);
      expect(p.macs.total).toBe(expected.macs);
      expect(p.outputShape).toEqual([1, 1000]);
    },
  );
});

describe('__model__', () => {
  it('names its layers after the reference module paths', () => {
    const m = withZeroInit(() => __model__.create());
    const names = new Set(m.layers.map((l) => l.name));
    for (const n of ['stem.conv', 'stages.0.0.conv_dw', 'stages.0.0.bn_dw', 'stages.0.0.conv_pw', 'fc']) expect(names.has(n)).toBe(true);
    m.dispose();
  });

  it('runs a forward pass at an odd size with a new number of classes', async () => {
    await tf.setBackend('wasm');
    const m = __model__.create({ inputShape: [37, 29, 3], numClasses: 5, classifierActivation: 'softmax' });
    const y = m.predict(tf.randomNormal([2, 37, 29, 3], 0, 1, 'float32', 1)) as tf.Tensor;
    expect(y.shape).toEqual([2, 5]);
    for (const s of tf.sum(y, 1).arraySync() as number[]) expect(s).toBeCloseTo(1, 5);
    m.dispose();
    await tf.setBackend('cpu');
  });

  it('rejects bad options with typed errors', () => {
    expect(() => __model__.create({ numClasses: 0 })).toThrow(ZooOptionError);
    expect(() => __model__.create({ includeTop: true, pooling: 'avg' })).toThrow(ZooOptionError);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(__model__, { size: 16, watch: ['stages.0.0.conv_pw', 'fc'] });
  });
});

// featuresOnly: the maps at the stages, equal to the full model's layers (a family with a timm
// counterpart also checks itMatchesTimmFeatureInfo and checkFeatureParity, see @zoo/cnn-classic).
itHasFeatureMaps(catalog, { size: () => 33 });
