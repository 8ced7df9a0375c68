import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  eca,
  exportStateDict,
  type LayerStateDict,
  loadCheckpoint,
  loadCheckpointFromUrl,
  loadStateDict,
  readSafetensors,
  registerStateDictRule,
  sameLayout,
  stateDictParams,
  type TensorToWrite,
  toSafetensors,
  transposed,
  weightOf,
  writeSafetensors,
  ZooCheckpointError,
  ZooStateDictError,
  ZooStateDictRuleError,
} from '../src/family.js';
import { outputs, smallNet } from './checkpoint-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The donor's state dict as PyTorch would save it, counter included. */
function donorFile(seed = 2, dtype: 'F32' | 'F16' = 'F32'): Uint8Array {
  const tensors: Record<string, TensorToWrite> = {};
  const m = smallNet(seed);
  for (const [k, t] of exportStateDict(m)) tensors[k] = { dtype, ...t };
  m.dispose();
  tensors['stem.bn.num_batches_tracked'] = { dtype: 'I64', shape: [], data: new Uint8Array(8) };
  return writeSafetensors(tensors);
}

describe('state dict keys and layouts', () => {
  const model = smallNet(1);
  afterAll(() => {
    model.dispose();
  });

  it('names every weight as the reference module path, in PyTorch shapes', () => {
    const { params, ignored } = stateDictParams(model);
    const shapes = Object.fromEntries([...params].map(([k, p]) => [k, p.shape]));
    expect(shapes).toEqual({
      'stem.conv.weight': [4, 3, 3, 3],
      'stem.bn.weight': [4],
      'stem.bn.bias': [4],
      'stem.bn.running_mean': [4],
      'stem.bn.running_var': [4],
      'block.dw.weight': [8, 1, 3, 3],
      'block.dw.bias': [8],
      'block.pw.weight': [6, 4, 1, 1],
      'block.pw.bias': [6],
      'fc.weight': [5, 6],
      'fc.bias': [5],
      'norm.weight': [5],
      'norm.bias': [5],
    });
    expect([...ignored]).toEqual(['stem.bn.num_batches_tracked']);
  });

  it('puts PyTorch weight[o, i, h, w] at kernel[h, w, i, o] and Linear weight[o, i] at kernel[i, o]', () => {
    const m = smallNet(3);
    const conv = new Float32Array(4 * 3 * 3 * 3).map((_, i) => i);
    const fc = new Float32Array(5 * 6).map((_, i) => i);
    const tensors: Record<string, TensorToWrite> = {};
    for (const [k, t] of exportStateDict(m)) tensors[k] = { dtype: 'F32', ...t };
    tensors['stem.conv.weight'] = { dtype: 'F32', shape: [4, 3, 3, 3], data: conv };
    tensors['fc.weight'] = { dtype: 'F32', shape: [5, 6], data: fc };
    loadCheckpoint(m, writeSafetensors(tensors));
    const k = m.getLayer('stem.conv').getWeights()[0].arraySync() as number[][][][];
    for (const [o, i, h, w] of [
      [0, 0, 0, 0],
      [3, 2, 1, 0],
      [1, 0, 2, 1],
    ]) {
      expect(k[h][w][i][o]).toBe(((o * 3 + i) * 3 + h) * 3 + w);
    }
    const d = m.getLayer('fc').getWeights()[0].arraySync() as number[][];
    expect(d[4][2]).toBe(2 * 6 + 4);
    m.dispose();
  });

  it('loads a state dict exported from another model: the same function, bit for bit', () => {
    const donor = smallNet(2);
    const m = smallNet(1);
    const report = loadCheckpoint(m, toSafetensors(donor));
    expect(report.loaded).toHaveLength(13);
    expect(report.missing).toEqual([]);
    expect(outputs(m)).toEqual(outputs(donor));
    donor.dispose();
    m.dispose();
  });

  it("puts PyTorch Conv1d weight[o, i, k] at kernel[k, i, o]: ECA's gate loads by name", () => {
    const build = () => {
      const input = tfl.input({ shape: [6, 6, 8] });
      return tfl.model({ inputs: input, outputs: eca(input, { name: 'layer1.0.eca', kernelSize: 3 }) });
    };
    const m = build();
    const key = 'layer1.0.eca.conv.weight';
    const torchWeight = new Float32Array([0.5, -1, 2]); // [out=1, in=1, k=3]
    const report = loadCheckpoint(m, writeSafetensors({ [key]: { dtype: 'F32', shape: [1, 1, 3], data: torchWeight } }));
    expect(report.loaded).toEqual([key]);
    const kernel = m.getLayer('layer1.0.eca.conv').getWeights()[0];
    expect(kernel.shape).toEqual([3, 1, 1]);
    expect(Array.from(kernel.dataSync())).toEqual(Array.from(torchWeight));
    expect(exportStateDict(m).get(key)?.shape).toEqual([1, 1, 3]);
    m.dispose();
  });

  it('ignores num_batches_tracked by rule and says so', () => {
    const m = smallNet(1);
    expect(loadCheckpoint(m, donorFile()).ignored).toEqual(['stem.bn.num_batches_tracked']);
    m.dispose();
  });

  it('loads F16 checkpoints', () => {
    const m = smallNet(1);
    loadCheckpoint(m, donorFile(2, 'F16'));
    const donor = smallNet(2);
    const [a, b] = [outputs(m), outputs(donor)];
    const err = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(1e-2);
    m.dispose();
    donor.dispose();
  });
});

describe('strict and partial loads', () => {
  it('strict: false loads what fits and reports the rest, as PyTorch does', () => {
    const m = smallNet(1);
    const donor = smallNet(2);
    const tensors: Record<string, TensorToWrite> = {};
    for (const [k, t] of exportStateDict(donor)) if (!k.startsWith('fc.')) tensors[k] = { dtype: 'F32', ...t };
    tensors['fc.weight'] = { dtype: 'F32', shape: [10, 6], data: new Float32Array(60) };
    tensors['head.bias'] = { dtype: 'F32', shape: [10], data: new Float32Array(10) };
    const report = loadCheckpoint(m, writeSafetensors(tensors), { strict: false });
    expect(report.missing).toEqual(['fc.bias']);
    expect(report.unexpected).toEqual(['head.bias']);
    expect(report.mismatched).toEqual([{ key: 'fc.weight', expected: [5, 6], got: [10, 6] }]);
    expect(report.loaded).toHaveLength(11);
    expect(m.getLayer('stem.conv').getWeights()[0].dataSync()).toEqual(donor.getLayer('stem.conv').getWeights()[0].dataSync());
    expect(m.getLayer('fc').getWeights()[0].dataSync()).not.toEqual(donor.getLayer('fc').getWeights()[0].dataSync());
    m.dispose();
    donor.dispose();
  });

  it('the strict error carries the same report', () => {
    const m = smallNet(1);
    const file = readSafetensors(donorFile());
    const renamed = {
      ...file,
      keys: () => file.keys().map((k) => `module.${k}`),
      info: (k: string) => file.info(k.slice(7)),
      float32: (k: string) => file.float32(k.slice(7)),
    };
    try {
      loadStateDict(m, renamed);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ZooStateDictError);
      expect((e as ZooStateDictError).report.missing).toHaveLength(13);
      expect((e as ZooStateDictError).report.unexpected).toHaveLength(14);
      expect((e as Error).message).toMatch(/Missing key\(s\) \(13\): stem\.conv\.weight/);
    }
    // renameKey maps DataParallel's `module.` prefix away.
    const report = loadStateDict(m, renamed, { renameKey: (k) => k.replace(/^module\./, '') });
    expect(report.loaded).toHaveLength(13);
    m.dispose();
  });
});

/** A custom layer that maps itself: a learned scale stored as PyTorch's `gamma` of shape [1, C]. */
class ChannelScale extends tfl.layers.Layer {
  static className = 'ChannelScaleForTest';
  private scale?: tfl.LayerVariable;
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    this.scale = this.addWeight('scale', [(shape as tfl.Shape)[1]!], 'float32', tfl.initializers.ones());
    this.built = true;
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(x) ? x[0] : x, this.scale!.read());
  }
  stateDictParams(): LayerStateDict {
    const v = this.scale!;
    return {
      params: [
        {
          key: `${this.name}.gamma`,
          variable: v,
          shape: [1, v.shape[0]!],
          toZoo: (t) => tf.reshape(t, v.shape as number[]),
          toTorch: (t) => tf.reshape(t, [1, -1]),
        },
      ],
      ignored: [`${this.name}.cache`],
    };
  }
}

class NoRule extends tfl.layers.Layer {
  static className = 'NoRuleForTest';
  override build(): void {
    this.addWeight('w', [1], 'float32', tfl.initializers.ones());
    this.built = true;
  }
}

function wrap(layer: tfl.layers.Layer): tfl.LayersModel {
  const input = tfl.input({ shape: [3] });
  return tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
}

describe('extension points', () => {
  it('a custom layer maps itself with stateDictParams()', () => {
    const m = wrap(new ChannelScale({ name: 'ls' }));
    const report = loadCheckpoint(
      m,
      writeSafetensors({
        'ls.gamma': { dtype: 'F32', shape: [1, 3], data: new Float32Array([2, 3, 4]) },
        'ls.cache': { dtype: 'F32', shape: [1], data: new Float32Array(1) },
      }),
    );
    expect(report).toMatchObject({ loaded: ['ls.gamma'], ignored: ['ls.cache'] });
    expect([...(m.predict(tf.ones([1, 3])) as tf.Tensor).dataSync()]).toEqual([2, 3, 4]);
  });

  it('a layer with weights and no rule is an error, not a silent skip; registerStateDictRule fixes it', () => {
    const m = wrap(new NoRule({ name: 'odd' }));
    expect(() => loadCheckpoint(m, writeSafetensors({}))).toThrow(ZooStateDictRuleError);
    expect(() => loadCheckpoint(m, writeSafetensors({}))).toThrow(/`odd` \(NoRuleForTest\) has weights but no state-dict rule/);
    registerStateDictRule('NoRuleForTest', (layer) => ({ params: [sameLayout(`${layer.name}.w`, weightOf(layer, 'w'))] }));
    loadCheckpoint(m, writeSafetensors({ 'odd.w': { dtype: 'F32', shape: [1], data: new Float32Array([5]) } }));
    expect(m.getLayer('odd').getWeights()[0].dataSync()[0]).toBe(5);
  });

  it('transposed() derives the PyTorch shape and both directions from the permutation', () => {
    const m = smallNet(1);
    const p = transposed('k', weightOf(m.getLayer('stem.conv'), 'kernel'), [2, 3, 1, 0]);
    expect(p.shape).toEqual([4, 3, 3, 3]);
    const t = tf.randomNormal(p.shape);
    expect(tf.all(tf.equal(p.toTorch(p.toZoo(t)), t)).dataSync()[0]).toBe(1);
    m.dispose();
  });
});

describe('loading from a URL', () => {
  it('fetches the bytes and loads them', async () => {
    const m = smallNet(1);
    const bytes = donorFile();
    const fetch = (async () => new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]))) as unknown as typeof globalThis.fetch;
    const report = await loadCheckpointFromUrl(m, 'https://example.test/w.safetensors', { fetch });
    expect(report.loaded).toHaveLength(13);
    m.dispose();
  });

  it('says which URL failed and how', async () => {
    const m = smallNet(1);
    const fetch = (async () => new Response('nope', { status: 404, statusText: 'Not Found' })) as unknown as typeof globalThis.fetch;
    await expect(loadCheckpointFromUrl(m, 'https://example.test/missing', { fetch })).rejects.toThrow(ZooCheckpointError);
    await expect(loadCheckpointFromUrl(m, 'https://example.test/missing', { fetch })).rejects.toThrow(/missing: HTTP 404 Not Found/);
    m.dispose();
  });
});
