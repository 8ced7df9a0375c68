import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError, ZooShapeError } from '../base/errors.js';
import { type LayerStateDict, sameLayout } from '../keys/rules.js';
import { attend, mergeHeads, splitHeads } from './attention.js';
import { initializer } from './init.js';
import type { MacCount } from './macs.js';

export interface WindowAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Side of the square window (Swin: 7). */
  windowSize: number;
  /** Cyclic shift of the windows; 0 for the plain blocks, windowSize / 2 for the shifted ones. */
  shiftSize: number;
  /**
   * The map arrives rolled already, and leaves rolled (timm's order: the block rolls the map
   * before padding it to whole windows, see `shiftedWindowAttention`); the mask is applied as
   * when this layer rolls. Default false (torchvision's order: pad, then roll here).
   */
  rolledOutside?: boolean;
}

/**
 * The attention core of torchvision's `ShiftedWindowAttention` (Swin v1), on an NHWC map of
 * packed `[q | k | v]` projections whose sides are multiples of the window (the block pads
 * before the `qkv` Linear, as torchvision does). Holds the `relative_position_bias_table`.
 *
 * As torchvision: the shift is dropped along an axis the window covers whole; the map is rolled
 * by -shift, split into windows, attended with the relative-position bias and, when shifted, the
 * mask (-100 between tokens from different regions of the rolled map), merged and rolled back.
 */
export class WindowAttention extends tfl.layers.Layer {
  static className = 'WindowAttention';
  readonly numHeads: number;
  readonly windowSize: number;
  readonly shiftSize: number;
  readonly rolledOutside: boolean;
  private table?: tfl.LayerVariable;
  private index?: Int32Array;
  private masks = new Map<string, Float32Array>();

  constructor(args: WindowAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.windowSize = args.windowSize;
    this.shiftSize = args.shiftSize;
    this.rolledOutside = args.rolledOutside ?? false;
    const where = `WindowAttention \`${args.name ?? '?'}\``;
    for (const [k, v] of [
      ['numHeads', this.numHeads],
      ['windowSize', this.windowSize],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ZooOptionError(`${where}: ${k}`, v, 'a positive integer');
    }
    if (!Number.isInteger(this.shiftSize) || this.shiftSize < 0 || this.shiftSize >= this.windowSize) {
      throw new ZooOptionError(`${where}: shiftSize`, this.shiftSize, `an integer in [0, windowSize = ${this.windowSize})`);
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [, h, w, c3] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const m = this.windowSize;
    if (c3 == null || c3 % (3 * this.numHeads) !== 0) {
      throw new ZooOptionError(
        `WindowAttention \`${this.name}\`: input channels`,
        c3,
        `3 * dim with dim divisible by numHeads (${this.numHeads})`,
      );
    }
    if ((h != null && h % m !== 0) || (w != null && w % m !== 0)) {
      throw new ZooShapeError(
        `WindowAttention \`${this.name}\` needs a map whose sides are multiples of ${m}; got ${h}x${w}. Pad it first.`,
      );
    }
    this.table = this.addWeight('relative_position_bias_table', [(2 * m - 1) ** 2, this.numHeads], 'float32', initializer('truncNormal02'));
    this.index = relativePositionIndex(m);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [b, h, w, c3] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [b, h, w, (c3 ?? 0) / 3];
  }

  /** The shift along each axis after torchvision's rule: none where one window covers the axis. */
  effectiveShift(h: number, w: number): [number, number] {
    const m = this.windowSize;
    return [m >= h ? 0 : this.shiftSize, m >= w ? 0 : this.shiftSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [b, h, w, c3] = x.shape;
      const m = this.windowSize;
      const heads = this.numHeads;
      const c = c3 / 3;
      const [sh, sw] = this.effectiveShift(h, w);
      const shifted = sh > 0 || sw > 0;
      if (shifted && !this.rolledOutside) x = roll2d(x, -sh, -sw);
      const windows = partition(x, m); // [b * nW, m*m, 3c]
      const nW = (h / m) * (w / m);
      const t = m * m;
      const [q, k, v] = splitHeads(windows, heads);
      const rel = tf.transpose(tf.reshape(tf.gather(this.table!.read(), tf.tensor1d(this.index!, 'int32')), [t, t, heads]), [2, 0, 1]);
      const bias = shifted ? tf.add(tf.expandDims(rel, 0), tf.tensor4d(this.mask(h, w, sh, sw), [nW, 1, t, t])) : tf.expandDims(rel, 0);
      const out = attend(q, k, v, (scores) => {
        const groups = bias.shape[0] * heads; // windows per image (shifted) or 1, times heads
        const s = tf.reshape(scores, [-1, groups, t, t]);
        return tf.reshape(tf.add(s, tf.reshape(bias, [1, groups, t, t])), [b * nW * heads, t, t]) as tf.Tensor3D;
      });
      let y = unpartition(mergeHeads(out, b * nW, heads, t, c), b, h, w, m);
      if (shifted && !this.rolledOutside) y = roll2d(y, sh, sw);
      return y;
    });
  }

  /** Attention mask of the shifted windows, `[nW, t, t]`, cached per map size. */
  private mask(h: number, w: number, sh: number, sw: number): Float32Array {
    const key = `${h}x${w}`;
    let mask = this.masks.get(key);
    if (!mask) {
      mask = shiftedWindowMask(h, w, this.windowSize, sh, sw);
      this.masks.set(key, mask);
    }
    return mask;
  }

  /** q@k^T and attn@v inside every window: tokens x window area x dim, each. */
  countMacs(inputShapes: tfl.Shape[], outputShape: tfl.Shape): MacCount {
    const [, h, w] = inputShapes[0];
    const c = outputShape[3] ?? 0;
    return { convLinear: 0, attention: 2 * (h ?? 0) * (w ?? 0) * this.windowSize ** 2 * c };
  }

  /** `<name>.relative_position_bias_table`; the index is a buffer recomputed here, so its key is skipped. */
  stateDictParams(): LayerStateDict {
    return {
      params: [sameLayout(`${this.name}.relative_position_bias_table`, this.table!)],
      ignored: [`${this.name}.relative_position_index`],
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      windowSize: this.windowSize,
      shiftSize: this.shiftSize,
      ...(this.rolledOutside ? { rolledOutside: true } : {}),
    };
  }
}

/** `torch.roll` over the two spatial axes of an NHWC tensor. */
export function roll2d(x: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  return rollAxis(rollAxis(x, dh, 1), dw, 2);
}

function rollAxis(x: tf.Tensor4D, shift: number, axis: number): tf.Tensor4D {
  const n = x.shape[axis];
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  // Element i of the result is element (i - s) mod n of the input.
  const [head, tail] = tf.split(x, [n - s, s], axis);
  return tf.concat([tail, head], axis) as tf.Tensor4D;
}

/** `[B, H, W, C]` to `[B * nW, m*m, C]`, windows row-major, tokens row-major inside each. */
function partition(x: tf.Tensor4D, m: number): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  const t = tf.transpose(tf.reshape(x, [b * (h / m), m, w / m, m * c]), [0, 2, 1, 3]);
  return tf.reshape(t, [b * (h / m) * (w / m), m * m, c]) as tf.Tensor3D;
}

function unpartition(x: tf.Tensor3D, b: number, h: number, w: number, m: number): tf.Tensor4D {
  const c = x.shape[2];
  const t = tf.transpose(tf.reshape(x, [b * (h / m), w / m, m, m * c]), [0, 2, 1, 3]);
  return tf.reshape(t, [b, h, w, c]) as tf.Tensor4D;
}

/**
 * torchvision's `relative_position_index`: for tokens i, j of a window, the row of the bias
 * table holding their offset, `(dh + m - 1) * (2m - 1) + (dw + m - 1)`.
 */
export function relativePositionIndex(m: number): Int32Array {
  const t = m * m;
  const index = new Int32Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) {
      const dh = Math.floor(i / m) - Math.floor(j / m);
      const dw = (i % m) - (j % m);
      index[i * t + j] = (dh + m - 1) * (2 * m - 1) + (dw + m - 1);
    }
  }
  return index;
}

/** A Python slice `[start:end]` of a length-n axis, as half-open indices. */
function pySlice(start: number, end: number | null, n: number): [number, number] {
  const norm = (v: number) => Math.min(n, Math.max(0, v < 0 ? n + v : v));
  return [norm(start), end === null ? n : norm(end)];
}

/**
 * torchvision's shifted-window mask, `[nW, t, t]` with t = m*m: the rolled map is labelled by
 * the slices `[0:-m]`, `[-m:-shift]`, `[-shift:]` along each axis (Python slicing, so a zero
 * shift leaves one region along that axis), and tokens with different labels get -100.
 */
export function shiftedWindowMask(h: number, w: number, m: number, sh: number, sw: number): Float32Array {
  const label = new Int32Array(h * w);
  const hs: [number, number | null][] = [
    [0, -m],
    [-m, -sh],
    [-sh, null],
  ];
  const ws: [number, number | null][] = [
    [0, -m],
    [-m, -sw],
    [-sw, null],
  ];
  let count = 0;
  for (const [h0, h1] of hs) {
    const [a, b] = pySlice(h0, h1, h);
    for (const [w0, w1] of ws) {
      const [c, d] = pySlice(w0, w1, w);
      for (let i = a; i < b; i++) for (let j = c; j < d; j++) label[i * w + j] = count;
      count++;
    }
  }
  const t = m * m;
  const nh = h / m;
  const nw = w / m;
  const mask = new Float32Array(nh * nw * t * t);
  for (let wi = 0; wi < nh; wi++) {
    for (let wj = 0; wj < nw; wj++) {
      const base = (wi * nw + wj) * t * t;
      const lab = (k: number) => label[(wi * m + Math.floor(k / m)) * w + wj * m + (k % m)];
      for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) mask[base + i * t + j] = lab(i) === lab(j) ? 0 : -100;
    }
  }
  return mask;
}
