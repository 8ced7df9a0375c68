import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type CheckpointConvention,
  conventionFit,
  detectConvention,
  loadStateDict,
  mapKey,
  readSafetensors,
  timmInvertedResidualRules,
  timmStagePaths,
  writeSafetensors,
  ZooStateDictError,
  ZooStateDictRuleError,
} from '../src/family.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CONV: CheckpointConvention = {
  name: 'other',
  detect: [/^stages\.\d+\.fc\./],
  rules: [
    { from: /\.buffer$/, to: null },
    { from: /^stages\.(\d+)\./, to: 'features.{1*2+1}.' },
    { from: /\.fc\./, to: '.dense.', reshape: true },
  ],
};

describe('checkpoint conventions', () => {
  it('renames in order, with arithmetic on numeric groups, and skips null rules', () => {
    expect(mapKey(CONV, 'stages.3.fc.weight')).toEqual({ key: 'features.7.dense.weight', reshape: true });
    expect(mapKey(CONV, 'stages.0.norm.bias')).toEqual({ key: 'features.1.norm.bias', reshape: false });
    expect(mapKey(CONV, 'stages.0.buffer')).toEqual({ key: null, reshape: false });
    expect(mapKey(null, 'x.y')).toEqual({ key: 'x.y', reshape: false });
    const bad: CheckpointConvention = { name: 'bad', detect: [], rules: [{ from: /^(\w+)\./, to: '{1+1}.' }] };
    expect(() => mapKey(bad, 'abc.weight')).toThrow(ZooStateDictRuleError);
  });

  it('is recognised only when all its patterns match some key', () => {
    const other: CheckpointConvention = { name: 'two', detect: [/^a$/, /^b$/], rules: [] };
    expect(detectConvention([other, CONV], ['a', 'stages.0.fc.weight'])?.name).toBe('other');
    expect(detectConvention([other, CONV], ['a', 'b'])?.name).toBe('two');
    expect(detectConvention([other, CONV], ['features.1.dense.weight'])).toBeNull();
  });

  it('fits shapes by element count only where a rule reshapes', () => {
    const model = new Map([
      ['features.1.dense.weight', [4, 6]],
      ['features.1.norm.weight', [4, 1, 1]],
    ]);
    const ok = conventionFit(
      CONV,
      new Map([
        ['stages.0.fc.weight', [4, 6, 1, 1]],
        ['stages.0.norm.weight', [4, 1, 1]],
      ]),
      model,
    );
    expect(ok).toEqual({ missing: [], unexpected: [], mismatched: [] });
    const bad = conventionFit(
      CONV,
      new Map([
        ['stages.0.fc.weight', [4, 6, 1, 1]],
        ['stages.0.norm.weight', [4]],
        ['stages.0.x', [1]],
      ]),
      model,
    );
    expect(bad.mismatched.map((m) => m.key)).toEqual(['stages.0.norm.weight']);
    expect(bad.unexpected).toEqual(['stages.0.x']);
  });

  it('loads a checkpoint through a convention, reshaping a 1x1 convolution into a dense kernel', () => {
    const input = tfl.input({ shape: [6] });
    const model = tfl.model({
      inputs: input,
      outputs: tfl.layers.dense({ units: 4, name: 'features.1.dense' }).apply(input) as tfl.SymbolicTensor,
    });
    const weight = Float32Array.from({ length: 24 }, (_, i) => i / 10);
    const bias = Float32Array.from([1, 2, 3, 4]);
    const file = writeSafetensors({
      'stages.0.fc.weight': { dtype: 'F32', shape: [4, 6, 1, 1], data: weight },
      'stages.0.fc.bias': { dtype: 'F32', shape: [4], data: bias },
      'stages.0.buffer': { dtype: 'F32', shape: [1], data: Float32Array.from([0]) },
    });
    const source = readSafetensors(file);
    expect(() => loadStateDict(model, source)).toThrow(ZooStateDictError);
    const report = loadStateDict(model, source, { convention: CONV });
    expect(report.ignored).toEqual(['stages.0.buffer']);
    // PyTorch's [out, in] weight is the dense kernel transposed: kernel[i][o] = weight[o * 6 + i].
    const kernel = model.getLayer('features.1.dense').getWeights()[0].arraySync() as number[][];
    expect(kernel[5][2]).toBeCloseTo(weight[2 * 6 + 5], 6);
    expect(Array.from(model.getLayer('features.1.dense').getWeights()[1].dataSync())).toEqual([1, 2, 3, 4]);
    model.dispose();
  });

  it("derives timm's stages from runs of equal width, and its block unit order", () => {
    expect(timmStagePaths([16, 24, 24, 40, 16])).toEqual(['blocks.0.0', 'blocks.1.0', 'blocks.1.1', 'blocks.2.0', 'blocks.3.0']);
    const rules: CheckpointConvention = {
      name: 'timm',
      detect: [],
      rules: timmInvertedResidualRules([
        { timm: 'blocks.0.0', zoo: 'features.1', expand: false, se: true },
        { timm: 'blocks.1.0', zoo: 'features.2', expand: true, se: false, layout: 'conv' },
      ]),
    };
    expect(mapKey(rules, 'blocks.0.0.se.conv_reduce.weight').key).toBe('features.1.block.1.fc1.weight');
    expect(mapKey(rules, 'blocks.0.0.bn2.running_var').key).toBe('features.1.block.2.1.running_var');
    expect(mapKey(rules, 'blocks.1.0.conv_dw.weight').key).toBe('features.2.conv.1.0.weight');
    expect(mapKey(rules, 'blocks.1.0.bn3.weight').key).toBe('features.2.conv.3.weight');
  });
});
