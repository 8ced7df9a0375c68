import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit, ZooOptionError, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { cbam_resnet18, cbam_resnet50 } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CBAM-ResNet layout', () => {
  let m: tfl.LayersModel;
  beforeAll(() => {
    m = withZeroInit(() => cbam_resnet50.create());
  });
  afterAll(() => {
    m.dispose();
  });

  it('puts CBAM on the residual branch, after the last BatchNorm, before the add', () => {
    const add = m.getLayer('layer1.0.add');
    const inputs = add.inboundNodes[0].inboundLayers.map((l) => l.name);
    expect(inputs).toEqual(['layer1.0.cbam.SpatialGate.scale', 'layer1.0.downsample.1']);
    const gateInput = m.getLayer('layer1.0.cbam.ChannelGate.avg_pool').inboundNodes[0].inboundLayers[0].name;
    expect(gateInput).toBe('layer1.0.bn3');
  });

  it("ends with the authors' head: AvgPool2d(7), fc", () => {
    expect(m.getLayer('avgpool').getClassName()).toBe('AvgPool2d');
    expect(m.getLayer('avgpool').getConfig().poolSize).toEqual([7, 7]);
    expect(m.getLayer('fc').getWeights()[0].shape).toEqual([2048, 1000]);
  });

  it('uses the momentum 0.01 of the authors for the spatial gate BatchNorm and starts its scale at zero', () => {
    const bn = m.getLayer('layer3.5.cbam.SpatialGate.spatial.bn');
    expect(bn.getConfig().momentum).toBeCloseTo(0.99, 10);
    expect(m.getLayer('layer3.5.bn1').getConfig().momentum).toBeCloseTo(0.9, 10);
  });

  it.each([
    ['avg', [null, 2048]],
    ['max', [null, 2048]],
    [null, [null, 7, 7, 2048]],
  ] as const)('includeTop false with pooling %p gives %p', (pooling, shape) => {
    const f = withZeroInit(() => cbam_resnet50.create({ includeTop: false, pooling }));
    expect(f.outputs[0].shape).toEqual(shape);
    f.dispose();
  });

  it("refuses inputs the authors' head cannot take, with a typed error that names the way out", () => {
    expect(() => withZeroInit(() => cbam_resnet18.create({ inputShape: [448, 448, 3] }))).toThrow(/headPool: 'adaptive'/);
    expect(() => withZeroInit(() => cbam_resnet18.create({ inputShape: [64, 64, 3] }))).toThrow(ZooShapeError);
    expect(() => cbam_resnet18.create({ headPool: 'global' } as never)).toThrow(ZooOptionError);
    const adaptive = withZeroInit(() => cbam_resnet18.create({ inputShape: [448, 448, 3], headPool: 'adaptive' }));
    expect(adaptive.outputs[0].shape).toEqual([null, 1000]);
    adaptive.dispose();
  });
});

describe('CBAM-ResNet forward and training', () => {
  it("runs on wasm at 224x224, where the adaptive head equals the authors' AvgPool2d(7)", async () => {
    await tf.setBackend('wasm');
    const fixed = cbam_resnet18.create();
    const adaptive = cbam_resnet18.create({ headPool: 'adaptive' });
    for (const layer of fixed.layers) {
      if (layer.getWeights().length) adaptive.getLayer(layer.name).setWeights(layer.getWeights());
    }
    const x = tf.randomNormal([1, 224, 224, 3], 0, 1, 'float32', 3);
    const a = fixed.predict(x) as tf.Tensor;
    const b = adaptive.predict(x) as tf.Tensor;
    expect(a.shape).toEqual([1, 1000]);
    expect(Array.from(a.dataSync()).every(Number.isFinite)).toBe(true);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-4);
    fixed.dispose();
    adaptive.dispose();
    await tf.setBackend('cpu');
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    // A 16x16 input with the adaptive head (AvgPool2d(7) needs a 7-pixel map). The spatial gate's
    // BatchNorm scale starts at zero, so its convolution gets no gradient on the first step; the scale does.
    await expectOneFitStep(cbam_resnet18, {
      size: 16,
      createOptions: { headPool: 'adaptive' },
      watch: ['layer1.0.conv1', 'layer1.0.cbam.ChannelGate.mlp.1', 'layer1.0.cbam.SpatialGate.spatial.bn'],
    });
  });
});
