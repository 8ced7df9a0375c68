import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, ChannelShuffle, ChannelSplit, ZooOptionError } from '../src/family.js';
import { reload } from './helpers/memory-io.js';

/** A 1x2x2xC tensor whose every channel holds its own index, so the output shows the permutation. */
function channelIndices(c: number): tf.Tensor4D {
  return tf.tile(tf.reshape(tf.range(0, c, 1, 'float32'), [1, 1, 1, c]), [1, 2, 2, 1]) as tf.Tensor4D;
}

function run(layer: tfl.layers.Layer, x: tf.Tensor4D): tf.Tensor | tf.Tensor[] {
  const input = tfl.input({ shape: x.shape.slice(1) });
  const out = layer.apply(input) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  return tfl.model({ inputs: input, outputs: out }).predict(x);
}

/** Channel order read at one pixel. */
const order = (y: tf.Tensor) => Array.from(tf.slice(y, [0, 1, 0, 0], [1, 1, 1, -1]).dataSync());

describe('ChannelShuffle', () => {
  // torchvision: x.view(B, g, C/g, H, W).transpose(1, 2): output k = j*g + i reads input i*(C/g) + j.
  const shuffle = (c: number, g: number) =>
    Array.from({ length: c }, (_, k) => {
      const [j, i] = [Math.floor(k / g), k % g];
      return i * (c / g) + j;
    });
  // megvii ShuffleNetV1: x.reshape(B, C/g, g, H, W).permute(0, 2, 1): output b*(C/g) + a reads a*g + b.
  const inverse = (c: number, g: number) =>
    Array.from({ length: c }, (_, k) => {
      const [b, a] = [Math.floor(k / (c / g)), k % (c / g)];
      return a * g + b;
    });

  it.each([
    [12, 3],
    [12, 4],
    [8, 2],
    [6, 6],
  ])('C=%i, groups=%i: the reference permutations', (c, g) => {
    expect(order(run(new ChannelShuffle({ groups: g }), channelIndices(c)) as tf.Tensor)).toEqual(shuffle(c, g));
    expect(order(run(new ChannelShuffle({ groups: g, inverse: true }), channelIndices(c)) as tf.Tensor)).toEqual(inverse(c, g));
  });

  it('is a no-op for one group, and the inverse undoes the shuffle', () => {
    expect(order(run(new ChannelShuffle({ groups: 1 }), channelIndices(5)) as tf.Tensor)).toEqual([0, 1, 2, 3, 4]);
    const input = tfl.input({ shape: [2, 2, 12] });
    const y = apply(new ChannelShuffle({ groups: 3, inverse: true }), apply(new ChannelShuffle({ groups: 3 }), input));
    const out = tfl.model({ inputs: input, outputs: y }).predict(channelIndices(12)) as tf.Tensor;
    expect(order(out)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('rejects groups that do not divide the channels', () => {
    expect(() => new ChannelShuffle({ groups: 0 })).toThrow(ZooOptionError);
    expect(() => apply(new ChannelShuffle({ groups: 5, name: 's' }), tfl.input({ shape: [4, 4, 12] }))).toThrow(
      /divisor of the input channels \(12\)/,
    );
  });

  it('saves and loads with its config, split and shuffle together', async () => {
    const input = tfl.input({ shape: [2, 2, 12] });
    const [a, b] = new ChannelSplit({ parts: 2, name: 'split' }).apply(input) as tfl.SymbolicTensor[];
    const y = apply(tfl.layers.concatenate({ name: 'cat' }), [b, a]);
    const model = tfl.model({ inputs: input, outputs: apply(new ChannelShuffle({ groups: 4, inverse: true, name: 'shuffle' }), y) });
    const loaded = await reload(model);
    const shuffle = loaded.getLayer('shuffle') as ChannelShuffle;
    expect(shuffle).toBeInstanceOf(ChannelShuffle);
    expect([shuffle.groups, shuffle.inverse]).toEqual([4, true]);
    expect(loaded.getLayer('split')).toBeInstanceOf(ChannelSplit);
    const x = channelIndices(12);
    expect(order(loaded.predict(x) as tf.Tensor)).toEqual(order(model.predict(x) as tf.Tensor));
  });

  it('costs no multiply-accumulates', () => {
    expect(new ChannelShuffle({ groups: 2 }).countMacs()).toEqual({ convLinear: 0, attention: 0 });
  });
});

describe('ChannelSplit', () => {
  it('splits the channels into equal parts in order, as torch.chunk', () => {
    const outs = run(new ChannelSplit({ parts: 2 }), channelIndices(6)) as tf.Tensor[];
    expect(outs.map(order)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    const three = run(new ChannelSplit({ parts: 3 }), channelIndices(6)) as tf.Tensor[];
    expect(three.map((t) => t.shape)).toEqual([
      [1, 2, 2, 2],
      [1, 2, 2, 2],
      [1, 2, 2, 2],
    ]);
  });

  it('rejects a channel count it cannot split evenly', () => {
    expect(() => new ChannelSplit({ parts: 0 })).toThrow(ZooOptionError);
    expect(() => new ChannelSplit({ parts: 2, name: 'split' }).apply(tfl.input({ shape: [4, 4, 5] }))).toThrow(
      /divisor of the input channels \(5\)/,
    );
  });
});
