import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  Conv2d,
  classify,
  dataConfig,
  defineModel,
  embed,
  preprocess,
  type ZooError,
  ZooInputTypeError,
  ZooOptionError,
  ZooShapeError,
  ZooValueError,
} from '../src/family.js';
import { makeImage } from './helpers/images.js';
import { tiny } from './helpers/tiny-model.js';

/**
 * Bad input across creation, preprocessing and prediction: each case names the typed error it
 * must raise and words of the message that tell the user what to do, and must leave no tensor
 * behind. Bad checkpoints and weight files have their own catalogue (weight-loading-catalogue.test.ts,
 * checkpoint-malformed.test.ts).
 */

type ErrorClass = new (...args: never[]) => ZooError;
interface Case {
  stage: 'creation' | 'preprocessing' | 'prediction';
  what: string;
  run: () => unknown;
  error: ErrorClass;
  says: string | RegExp;
}

const S = tiny.defaultInputSize;
const small = dataConfig({ cropSize: 8, resizeSize: 10 });
const rgb = makeImage(3, 12, 14);
const pixels = { data: rgb, width: 14, height: 12 };
const withValue = (v: number) => {
  const data = new Float32Array(rgb).map((x) => x / 255);
  data[40] = v;
  return { data, width: 14, height: 12 };
};
/** A stem that needs at least 7x7 inputs: a 7x7 convolution without padding. */
const needs7 = defineModel({
  name: 'needs7',
  family: 'Test',
  package: '@zoo/core-blocks',
  paper: tiny.paper,
  defaultInputSize: 16,
  architecture: {
    features: (x) => apply(new Conv2d({ name: 'conv1', filters: 4, kernelSize: 7 }), x),
    stages: () => [{ layer: 'conv1', channels: 4, reduction: 1 }],
  },
});

let model: tfl.LayersModel;
// Tensors are made inside each case, so that a leak shows in the count around it.
const t = {
  nchw: () => tf.zeros([1, 3, S, S]),
  bytes: () => tf.tensor4d(makeImage(4, S, S), [1, S, S, 3], 'int32'),
  floatBytes: () => tf.tensor4d(makeImage(4, S, S), [1, S, S, 3], 'float32'),
};
const owned: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(x: T) => {
  owned.push(x);
  return x;
};

const CASES: Case[] = [
  // Creation
  { stage: 'creation', what: 'numClasses 0', run: () => tiny.create({ numClasses: 0 }), error: ZooOptionError, says: 'positive integer' },
  { stage: 'creation', what: 'numClasses 2.5', run: () => tiny.create({ numClasses: 2.5 }), error: ZooOptionError, says: 'numClasses' },
  {
    stage: 'creation',
    what: 'channels-first inputShape',
    run: () => tiny.create({ inputShape: [3, 224, 224] }),
    error: ZooOptionError,
    says: 'channels-first',
  },
  {
    stage: 'creation',
    what: 'inputShape with the batch axis',
    run: () => tiny.create({ inputShape: [1, 224, 224, 3] as never }),
    error: ZooOptionError,
    says: 'Leave out the batch axis',
  },
  {
    stage: 'creation',
    what: 'an unknown option',
    run: () => tiny.create({ num_classes: 10 } as never),
    error: ZooOptionError,
    says: 'Known options',
  },
  {
    stage: 'creation',
    what: 'options that are not an object',
    run: () => tiny.create(42 as never),
    error: ZooOptionError,
    says: 'object of creation options',
  },
  {
    stage: 'creation',
    what: 'pooling with the top',
    run: () => tiny.create({ pooling: 'avg' }),
    error: ZooOptionError,
    says: 'includeTop: false',
  },
  {
    stage: 'creation',
    what: 'an unknown classifier activation',
    run: () => tiny.create({ classifierActivation: 'sigmoid' as never }),
    error: ZooOptionError,
    says: "'softmax' or null",
  },
  { stage: 'creation', what: 'dropRate 1', run: () => tiny.create({ dropRate: 1 }), error: ZooOptionError, says: '[0, 1)' },
  {
    stage: 'creation',
    what: 'an input too small for the model',
    run: () => needs7.create({ inputShape: [5, 5, 3] }),
    error: ZooShapeError,
    says: 'needs7 cannot take a 5x5 input',
  },
  {
    stage: 'creation',
    what: 'a data configuration with crop 0',
    run: () => dataConfig({ cropSize: 0 }),
    error: ZooOptionError,
    says: 'cropSize',
  },
  {
    stage: 'creation',
    what: 'an unknown interpolation',
    run: () => dataConfig({ interpolation: 'lanczos' as never }),
    error: ZooOptionError,
    says: "'bilinear'",
  },
  // Preprocessing
  {
    stage: 'preprocessing',
    what: 'an NCHW batch',
    run: () => preprocess(keep(t.nchw()), small),
    error: ZooShapeError,
    says: 'tf.transpose(x, [0, 2, 3, 1])',
  },
  {
    stage: 'preprocessing',
    what: 'a CHW image',
    run: () => preprocess(keep(tf.zeros([3, 12, 14])), small),
    error: ZooShapeError,
    says: 'tf.transpose(x, [1, 2, 0])',
  },
  {
    stage: 'preprocessing',
    what: 'a rank-2 tensor',
    run: () => preprocess(keep(tf.zeros([12, 14])), small),
    error: ZooShapeError,
    says: 'tf.tile',
  },
  {
    stage: 'preprocessing',
    what: 'a rank-5 tensor',
    run: () => preprocess(keep(tf.zeros([1, 1, 12, 14, 3])), small),
    error: ZooShapeError,
    says: 'NHWC',
  },
  {
    stage: 'preprocessing',
    what: 'two channels',
    run: () => preprocess(keep(tf.zeros([12, 14, 2])), small),
    error: ZooShapeError,
    says: '3 (RGB) or 4 (RGBA',
  },
  {
    stage: 'preprocessing',
    what: 'a grayscale pixel array',
    run: () => preprocess({ data: new Uint8Array(168), width: 14, height: 12 }, small),
    error: ZooShapeError,
    says: 'grayscale',
  },
  {
    stage: 'preprocessing',
    what: 'pixels that do not fill the size',
    run: () => preprocess({ data: new Uint8Array(100), width: 14, height: 12 }, small),
    error: ZooShapeError,
    says: 'expected 3 (RGB) or 4',
  },
  {
    stage: 'preprocessing',
    what: 'a zero-size image',
    run: () => preprocess(keep(tf.zeros([0, 14, 3])), small),
    error: ZooShapeError,
    says: 'empty',
  },
  { stage: 'preprocessing', what: 'NaN pixels', run: () => preprocess(withValue(Number.NaN), small), error: ZooValueError, says: 'NaN' },
  {
    stage: 'preprocessing',
    what: 'infinite pixels',
    run: () => preprocess(withValue(Number.NEGATIVE_INFINITY), small),
    error: ZooValueError,
    says: 'infinite',
  },
  {
    stage: 'preprocessing',
    what: 'an already normalised image',
    run: () => preprocess(withValue(-1.8), small),
    error: ZooValueError,
    says: 'already normalised',
  },
  { stage: 'preprocessing', what: 'values above 255', run: () => preprocess(withValue(300), small), error: ZooValueError, says: '0-255' },
  {
    stage: 'preprocessing',
    what: '0-255 pixels declared as [0, 1]',
    run: () => preprocess(withValue(200), small, { pixelRange: 1 }),
    error: ZooValueError,
    says: 'pixelRange',
  },
  {
    stage: 'preprocessing',
    what: 'a file name',
    run: () => preprocess('cat.jpg' as never, small),
    error: ZooInputTypeError,
    says: 'HTMLImageElement',
  },
  {
    stage: 'preprocessing',
    what: 'an empty batch',
    run: () => preprocess([], small),
    error: ZooInputTypeError,
    says: 'at least one image',
  },
  {
    stage: 'preprocessing',
    what: 'a bool tensor',
    run: () => preprocess(keep(tf.zeros([12, 14, 3], 'bool')), small),
    error: ZooInputTypeError,
    says: 'int32 pixels',
  },
  // Prediction
  {
    stage: 'prediction',
    what: 'int32 0-255 pixels as the model input',
    run: () => classify(model, keep(t.bytes()), { preprocess: false }),
    error: ZooValueError,
    says: 'preprocess(image, config)',
  },
  {
    stage: 'prediction',
    what: 'float 0-255 pixels as the model input',
    run: () => classify(model, keep(t.floatBytes()), { preprocess: false }),
    error: ZooValueError,
    says: '0-255 pixels',
  },
  {
    stage: 'prediction',
    what: 'NaN as the model input',
    run: () => classify(model, keep(tf.fill([1, S, S, 3], Number.NaN)), { preprocess: false }),
    error: ZooValueError,
    says: 'NaN',
  },
  {
    stage: 'prediction',
    what: 'an NCHW model input',
    run: () => classify(model, keep(t.nchw()), { preprocess: false }),
    error: ZooShapeError,
    says: 'tf.transpose(x, [0, 2, 3, 1])',
  },
  {
    stage: 'prediction',
    what: 'a spatial size the model cannot take',
    run: () => classify(model, keep(tf.zeros([1, 2 * S, 2 * S, 3])), { preprocess: false }),
    error: ZooShapeError,
    says: `[batch, ${S},${S},3]`,
  },
  {
    stage: 'prediction',
    what: 'a crop the model cannot take',
    run: () => classify(model, pixels, { dataConfig: { cropSize: 2 * S } }),
    error: ZooShapeError,
    says: `cropSize ${S}`,
  },
  {
    stage: 'prediction',
    what: 'topK above the class count',
    run: () => classify(model, pixels, { topK: 1001 }),
    error: ZooOptionError,
    says: 'from 1 to 1000',
  },
  {
    stage: 'prediction',
    what: 'labels of another class count',
    run: () => classify(model, pixels, { labels: ['cat', 'dog'] }),
    error: ZooOptionError,
    says: 'one label per class',
  },
  {
    stage: 'prediction',
    what: 'several images to classify',
    run: () => classify(model, [pixels, pixels] as never),
    error: ZooShapeError,
    says: 'classifyBatch',
  },
  {
    stage: 'prediction',
    what: 'skipping preprocessing for pixels',
    run: () => classify(model, pixels, { preprocess: false }),
    error: ZooOptionError,
    says: 'normalised NHWC float tensor',
  },
  {
    stage: 'prediction',
    what: 'an unknown feature layer',
    run: () => embed(model, pixels, { layerName: 'head' }),
    error: ZooShapeError,
    says: 'no layer `head`',
  },
];

beforeAll(async () => {
  await tf.setBackend('wasm');
  model = tiny.create();
});

describe('bad input catalogue', () => {
  it('has at least 30 cases across creation, preprocessing and prediction', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.stage)).size).toBe(3);
  });

  it.each(CASES.map((c) => [`${c.stage}: ${c.what}`, c]))('%s', async (_name, c) => {
    const { run, error, says } = c as Case;
    const before = tf.memory().numTensors;
    let thrown: unknown;
    try {
      await run();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(error);
    const message = (thrown as Error).message;
    if (typeof says === 'string') expect(message).toContain(says);
    else expect(message).toMatch(says);
    tf.dispose(owned.splice(0));
    expect(tf.memory().numTensors).toBe(before);
  });
});
