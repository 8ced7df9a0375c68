import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { ecaKernelSize, withZeroInit, ZooOptionError } from '@zoo/core-blocks/family';
import { getReference } from '@zoo/reference';
import { expectOneFitStep } from '@zoo/test-support';
import { catalog, ECA_RESNET_SPECS, eca_resnet18, eca_resnet50 } from '../src/index.js';

const entries = catalog.filter((e) => e.name in ECA_RESNET_SPECS);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Kernel size of every ECA convolution, by block. */
function ecaKernels(m: { layers: { name: string; getWeights(): tf.Tensor[] }[] }): Map<string, number> {
  return new Map(m.layers.filter((l) => l.name.endsWith('.eca.conv')).map((l) => [l.name, l.getWeights()[0].shape[0]]));
}

describe('ECA-ResNet options and layout', () => {
  it("uses the released weights' kernel sizes per stage, as the reference's constructor names them", () => {
    for (const e of entries) {
      const ref = getReference(e.name)?.reference.implementation ?? '';
      const m = withZeroInit(() => e.create());
      const kernels = ecaKernels(m);
      const perStage = [1, 2, 3, 4].map((s) => kernels.get(`layer${s}.0.eca.conv`));
      expect(ref).toContain(`k_size=[${perStage.join(', ')}]`);
      m.dispose();
    }
  });

  it("applies the paper's adaptive rule to each block's channels on request", () => {
    const m = withZeroInit(() => eca_resnet50.create({ kernelSizes: 'adaptive' }));
    const channels = [256, 512, 1024, 2048];
    for (const [name, k] of ecaKernels(m)) expect([name, k]).toEqual([name, ecaKernelSize(channels[Number(name[5]) - 1])]);
    m.dispose();
  });

  it('takes explicit kernel sizes and rejects bad ones with a typed error', () => {
    const m = withZeroInit(() => eca_resnet18.create({ kernelSizes: [1, 3, 9, 11] }));
    expect(ecaKernels(m).get('layer3.1.eca.conv')).toBe(9);
    m.dispose();
    expect(() => eca_resnet18.create({ kernelSizes: [3, 4, 5, 7] })).toThrow(ZooOptionError);
    expect(() => eca_resnet18.create({ kernelSizes: 'paper' } as never)).toThrow(/released/);
  });

  it('puts ECA on the residual branch, after the last BatchNorm, before the add', () => {
    const m = withZeroInit(() => eca_resnet18.create());
    expect(m.getLayer('layer2.0.add').inboundNodes[0].inboundLayers.map((l) => l.name)).toEqual([
      'layer2.0.eca.scale',
      'layer2.0.downsample.1',
    ]);
    expect(m.getLayer('layer2.0.eca.avg_pool').inboundNodes[0].inboundLayers[0].name).toBe('layer2.0.bn2');
    m.dispose();
  });

  it.each([
    ['avg', [null, 512]],
    [null, [null, 7, 7, 512]],
  ] as const)('includeTop false with pooling %p gives %p', (pooling, shape) => {
    const m = withZeroInit(() => eca_resnet18.create({ includeTop: false, pooling }));
    expect(m.outputs[0].shape).toEqual(shape);
    m.dispose();
  });
});

describe('ECA-ResNet forward and training', () => {
  it('runs on wasm at an odd input size', async () => {
    await tf.setBackend('wasm');
    const m = eca_resnet18.create({ inputShape: [75, 61, 3] });
    const y = m.predict(tf.randomNormal([1, 75, 61, 3], 0, 1, 'float32', 4)) as tf.Tensor;
    expect(y.shape).toEqual([1, 1000]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    m.dispose();
    await tf.setBackend('cpu');
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(eca_resnet18, { size: 16, watch: ['layer1.0.conv1', 'layer1.0.eca.conv'] });
  });
});
