import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, Conv2d, defineModel, ZooOptionError, ZooShapeError } from '../src/family.js';

// A tiny two-conv model, enough to exercise every common option.
const tiny = defineModel({
  name: 'tiny',
  family: 'Test',
  package: '@zoo/core-blocks',
  paper: { title: 't', authors: 'a', year: 2026, url: 'https://example.org' },
  defaultInputSize: 32,
  extraOptions: {
    width: { default: 4, check: (v) => (Number.isInteger(v) && (v as number) > 0 ? null : 'a positive integer'), doc: 'channels' },
  },
  architecture: {
    features(input, o) {
      const x = apply(
        new Conv2d({ name: 'conv1', filters: (o as { width?: number }).width ?? 4, kernelSize: 3, strides: 2, padding: 1 }),
        input,
      );
      return apply(new Conv2d({ name: 'conv2', filters: 8, kernelSize: 3, strides: 2 }), x);
    },
    stages: (o) => [
      { layer: 'conv1', channels: (o as { width?: number }).width ?? 4, reduction: 2 },
      { layer: 'conv2', channels: 8, reduction: 4 },
    ],
  },
});

describe('creation options', () => {
  it('builds the classifier by default, with logits', () => {
    const m = tiny.create();
    expect(m.outputs[0].shape).toEqual([null, 1000]);
    expect(m.layers.map((l) => l.name)).toEqual(['input', 'conv1', 'conv2', 'avgpool', 'fc']);
  });

  it('applies numClasses, softmax and dropRate', () => {
    const m = tiny.create({ numClasses: 10, classifierActivation: 'softmax', dropRate: 0.2 });
    expect(m.outputs[0].shape).toEqual([null, 10]);
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Conv2d',
      'Conv2d',
      'GlobalAveragePooling2D',
      'Dropout',
      'Dense',
      'Softmax',
    ]);
  });

  it.each([
    [null, [null, 5, 5, 8]],
    ['avg', [null, 8]],
    ['max', [null, 8]],
  ] as const)('includeTop false with pooling %p gives %p', (pooling, shape) => {
    const m = tiny.create({ includeTop: false, pooling, inputShape: [24, 24, 3] });
    expect(m.outputs[0].shape).toEqual(shape);
  });

  it('takes family options and rejects bad ones', () => {
    expect(
      tiny
        .create({ width: 6 } as never)
        .getLayer('conv1')
        .getWeights()[0].shape,
    ).toEqual([3, 3, 3, 6]);
    expect(() => tiny.create({ width: 0 } as never)).toThrow(ZooOptionError);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['numClasses 0', { numClasses: 0 }, /`numClasses`: got 0; expected a positive integer/],
    ['numClasses 2.5', { numClasses: 2.5 }, /`numClasses`/],
    ['includeTop string', { includeTop: 'yes' }, /`includeTop`: got "yes"; expected true or false/],
    ['inputShape rank 4', { inputShape: [1, 32, 32, 3] }, /Leave out the batch axis/],
    ['inputShape NCHW', { inputShape: [3, 32, 32] }, /channels-first \(NCHW\); use \[32, 32, 3\]/],
    ['inputShape negative', { inputShape: [32, -1, 3] }, /`inputShape`/],
    ['pooling unknown', { includeTop: false, pooling: 'mean' }, /'avg', 'max' or null/],
    ['pooling with top', { pooling: 'avg' }, /null when includeTop is true/],
    ['activation unknown', { classifierActivation: 'sigmoid' }, /'softmax' or null/],
    ['activation without top', { includeTop: false, classifierActivation: 'softmax' }, /null when includeTop is false/],
    ['dropRate 1', { dropRate: 1 }, /`dropRate`: got 1; expected a number in \[0, 1\)/],
    ['dropRate NaN', { dropRate: Number.NaN }, /got NaN/],
    ['unknown option', { numclasses: 10 }, /`numclasses`.*no such option for tiny.*Known options: numClasses/],
  ];
  it.each(bad)('rejects %s with a typed error', (_what, options, message) => {
    let err: unknown;
    try {
      tiny.create(options as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZooOptionError);
    expect((err as Error).message).toMatch(message);
  });

  it('rejects an input too small for the downsampling at creation, naming the model and layer', () => {
    expect(() => tiny.create({ inputShape: [4, 4, 3] })).toThrow(ZooShapeError);
    expect(() => tiny.create({ inputShape: [4, 4, 3] })).toThrow(/tiny cannot take a 4x4 input.*`conv2`/);
  });

  it('is a functional tf.LayersModel that trains', async () => {
    const m = tiny.create({ numClasses: 3 });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(m).toBeInstanceOf(tfl.LayersModel);
  });
});
