import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, Conv2d } from '@zoo/core-blocks/family';
import { benchmark, memoryProfile, quantile } from '../src/index.js';

const conv = (name: string, filters: number) => new Conv2d({ name, filters, kernelSize: 3, padding: 1 });

describe('memoryProfile', () => {
  // input -> a -> (b, c) -> add: a branching graph where `a` must outlive `b`.
  const input = tfl.input({ shape: [4, 4, 2], name: 'in' });
  const a = apply(conv('a', 3), input);
  const b = apply(conv('b', 3), a);
  const c = apply(conv('c', 3), a);
  const out = apply(tfl.layers.add({ name: 'add' }), [b, c]);
  const model = tfl.model({ inputs: input, outputs: out });
  const map = 4 * 4 * 3 * 4; // one 4x4x3 float32 map, in bytes
  const inputBytes = 4 * 4 * 2 * 4;

  it('counts weight bytes at float32 and float16', () => {
    const m = memoryProfile(model);
    expect(m.weights.float32Bytes).toBe(model.countParams() * 4);
    expect(m.weights.float16Bytes).toBe(model.countParams() * 2);
  });

  it('gives each layer the bytes of its outputs at the batch asked for', () => {
    const m = memoryProfile(model, 3);
    expect(Object.fromEntries(m.activations.map((x) => [x.name, x.bytes]))).toEqual({
      in: 3 * inputBytes,
      a: 3 * map,
      b: 3 * map,
      c: 3 * map,
      add: 3 * map,
    });
    expect(m.activationBytesTotal).toBe(3 * (inputBytes + 4 * map));
  });

  it('finds the peak of live activations in a branching graph', () => {
    const m = memoryProfile(model);
    // While the second branch runs, `a` (still needed by it), `b` and the new map are all alive;
    // the input is already freed after `a`.
    expect(m.peakActivationBytes).toBe(3 * map);
    expect(['b', 'c']).toContain(m.peakAt);
  });
});

class Leaky extends tfl.layers.Layer {
  static className = 'Leaky';
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    tf.keep(tf.zeros([1])); // escapes every tidy: one leaked tensor per call
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
}

describe('benchmark', () => {
  it('reports timings in order, the backend used, and no leak for a clean model', async () => {
    const r = await benchmark(model(), { runs: 5, warmup: 1 });
    expect(r.backend).toBe(tf.getBackend());
    expect(r.timesMs).toHaveLength(5);
    expect(r.p10Ms).toBeLessThanOrEqual(r.medianMs);
    expect(r.medianMs).toBeLessThanOrEqual(r.p90Ms);
    expect(r.leakedTensors).toBe(0);
  });

  it('detects a model that leaks tensors', async () => {
    const input = tfl.input({ shape: [2] });
    const leaky = tfl.model({ inputs: input, outputs: apply(new Leaky({ name: 'leaky' }), input) });
    const r = await benchmark(leaky, { runs: 4, warmup: 1 });
    expect(r.leakedTensors).toBe(4);
  });

  it("times another way of running the model when given one, on the model's input", async () => {
    const m = model();
    const seen: number[][] = [];
    const r = await benchmark(m, {
      runs: 3,
      warmup: 2,
      predict: (x) => {
        seen.push(x.shape);
        return tf.mul(x, 2);
      },
    });
    expect(seen).toEqual(Array(5).fill([1, ...m.inputs[0].shape.slice(1)]));
    expect(r.timesMs).toHaveLength(3);
    expect(r.leakedTensors).toBe(0);
  });

  it('rejects nonsense options', async () => {
    await expect(benchmark(model(), { runs: 0 })).rejects.toThrow(/runs must be a positive integer/);
    await expect(benchmark(model(), { predict: 'fast' as never })).rejects.toThrow(/predict must be a function/);
  });

  it('interpolates quantiles as numpy does', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBe(14);
  });

  function model() {
    const i = tfl.input({ shape: [8, 8, 3] });
    return tfl.model({ inputs: i, outputs: apply(conv('k', 4), i) });
  }
});
