import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { getModel, withZeroInit } from '@zoo/core-blocks/family';
import { compile } from '../src/index.js';
import { randomizeWeights, relativeError, ZOO } from './support.js';

const require = createRequire(import.meta.url);

// One model of every family, the smallest, at a small input where the model allows one (CBAM's
// head pools a fixed 7x7 window, so it needs 224): the fused plan must compute predict's function.
// A family not listed here (a new one) is checked with its first model at 64 px.
const PICKS: Record<string, { model: string; size: number; batch?: number; options?: object }> = {
  AlexNet: { model: 'alexnet', size: 64 },
  // Without its classifier (AlexNet's, tested above): 9M weights to draw instead of 133M.
  VGG: { model: 'vgg11_bn', size: 32, options: { includeTop: false } },
  GoogLeNet: { model: 'googlenet', size: 64 },
  ResNet: { model: 'resnet18', size: 32 },
  ResNeXt: { model: 'resnext50_32x4d', size: 32 },
  'Wide ResNet': { model: 'wide_resnet50_2', size: 32 },
  DenseNet: { model: 'densenet121', size: 32 },
  EfficientNet: { model: 'efficientnet_b0', size: 32 },
  ConvNeXt: { model: 'convnext_tiny', size: 32 },
  CBAM: { model: 'cbam_resnet18', size: 224, batch: 1 },
  'ECA-Net': { model: 'eca_resnet18', size: 32 },
  HRNet: { model: 'hrnet_w18_small', size: 64 },
  SqueezeNet: { model: 'squeezenet1_1', size: 64 },
  MobileNetV1: { model: 'mobilenet_v1_025', size: 32 },
  MobileNetV2: { model: 'mobilenet_v2', size: 32 },
  MobileNetV3: { model: 'mobilenet_v3_small', size: 32 },
  // The adaptive head: the authors' fixed 7x7 pool needs 193 px or more.
  ShuffleNetV1: { model: 'shufflenet_v1_g3_x0_5', size: 32, options: { headPool: 'adaptive' } },
  ShuffleNetV2: { model: 'shufflenet_v2_x0_5', size: 32 },
  EdgeViT: { model: 'edgevit_xxs', size: 64 },
  ViT: { model: 'vit_b_32', size: 64 },
  'Swin Transformer': { model: 'swin_t', size: 64 },
};

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const FAMILIES = [...new Set(ZOO.map((e) => e.family))];
const CASES = FAMILIES.map((family) => {
  const pick = PICKS[family] ?? { model: ZOO.find((e) => e.family === family)!.name, size: 64 };
  return [family, pick] as const;
});

it('picks models of families of the zoo, and finds every family package this one depends on', () => {
  for (const family of Object.keys(PICKS)) expect([family, FAMILIES.includes(family)]).toEqual([family, true]);
  // The family packages among this package's dev dependencies (those declaring a zoo catalog).
  const manifest = (name: string) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const deps = Object.keys(own.devDependencies).filter((d) => d.startsWith('@zoo/') && manifest(d).zoo?.catalog);
  expect(deps.length).toBeGreaterThan(0);
  expect([...new Set(ZOO.map((e) => e.package))].sort()).toEqual(deps.sort());
});

it.each(CASES)(
  '%s: the fused plan equals predict within 1e-4 and leaks nothing',
  async (family, { model, size, batch = 2, options = {} }) => {
    const entry = await getModel(model);
    expect(entry.family).toBe(family);
    const m = withZeroInit(() => entry.create({ inputShape: [size, size, 3], numClasses: 10, ...options }));
    randomizeWeights(m);
    const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 11);
    const expected = m.predict(x) as tf.Tensor;
    const beforeCompile = tf.memory().numTensors;
    const fused = compile(m);
    const before = tf.memory().numTensors;
    const y = fused.predict(x) as tf.Tensor;
    // Only the output is left.
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual(expected.shape);
    expect(relativeError(y, expected)).toBeLessThan(1e-4);
    // The comparison is only worth something if the outputs are not degenerate.
    expect(tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([y, expected, x]);
    fused.dispose();
    expect(tf.memory().numTensors).toBe(beforeCompile - 2);
    m.dispose();
  },
);
