import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Conv2d } from '@zoo/core-blocks/family';
import { type ActivationFusion, type FusedActivation, namedActivation } from './activations.js';
import { depthwiseKernel, depthwiseSame, depthwiseSameFits } from './kernels/depthwise.js';

/**
 * A convolution or dense layer on its way into one `tf.fused` call: its weights (after any
 * folding) and what follows it in the same kernel. Weight tensors the compiler made are `owned`
 * and freed with the plan; the layer's own variables are only borrowed.
 */
export interface LinearOp {
  kind: 'conv' | 'depthwise' | 'grouped' | 'dense';
  /** `[kh, kw, in / groups, out]` (conv), `[kh, kw, in, multiplier]` (depthwise), `[in, out]` (dense). */
  kernel: tf.Tensor;
  bias: tf.Tensor | null;
  activation: FusedActivation;
  leakyreluAlpha?: number;
  /** A constant factor applied after the kernel (hardsigmoid's 1/6). */
  postScale?: number;
  strides: [number, number];
  pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilation: [number, number];
  groups: number;
  units: number;
  owned: Set<tf.Tensor>;
  /**
   * Dense only: on wasm, multiply by a copy of the kernel made for the call, so that XNNPACK's
   * packed copy of the weights lives for the call only (see `WASM_WEIGHT_BUDGET`).
   */
  unpackedOnWasm?: boolean;
}

type Weights = { kernel?: tfl.LayerVariable; bias?: tfl.LayerVariable };

/** Whether `linearOp` makes a dense op of the layer. */
export function isDenseOp(layer: tfl.layers.Layer): boolean {
  const className = layer.getClassName();
  if (className === 'InProjection') return true;
  return className === 'Dense' && namedActivation(layer.getConfig().activation) !== null;
}

/** The op for a zoo `Conv2d`, a tfjs-layers `Dense` or the zoo's `InProjection`; null for any other layer. */
export function linearOp(layer: tfl.layers.Layer, inputShape: (number | null)[]): LinearOp | null {
  const w = layer as unknown as Weights;
  if (layer instanceof Conv2d) {
    const inChannels = inputShape[3];
    if (inputShape.length !== 4 || inChannels == null || !w.kernel) return null;
    const [ph, pw] = layer.padding;
    const base = {
      bias: w.bias ? w.bias.read() : null,
      activation: 'linear' as const,
      strides: layer.strides,
      pad:
        ph || pw
          ? ([
              [0, 0],
              [ph, ph],
              [pw, pw],
              [0, 0],
            ] as LinearOp['pad'])
          : ('valid' as const),
      dilation: layer.dilation,
      groups: layer.groups,
      units: layer.filters,
      owned: new Set<tf.Tensor>(),
    };
    const kernel = w.kernel.read();
    if (layer.groups === 1) return { kind: 'conv', kernel, ...base };
    if (layer.groups === inChannels) {
      const [kh, kw] = layer.kernelSize;
      const dw = tf.reshape(kernel, [kh, kw, inChannels, layer.filters / inChannels]);
      return { kind: 'depthwise', kernel: dw, ...base, owned: new Set([dw]) };
    }
    return { kind: 'grouped', kernel, ...base };
  }
  const className = layer.getClassName();
  if ((className === 'Dense' || className === 'InProjection') && w.kernel) {
    // The zoo's InProjection (nn.MultiheadAttention's packed q, k, v projection) is a Dense
    // without an activation, under the checkpoint's names.
    const config = layer.getConfig();
    const act: ActivationFusion | null = className === 'Dense' ? namedActivation(config.activation) : { activation: 'linear' };
    if (!act) return null;
    return {
      kind: 'dense',
      kernel: w.kernel.read(),
      bias: w.bias && config.useBias !== false ? w.bias.read() : null,
      ...act,
      strides: [1, 1],
      pad: 'valid',
      dilation: [1, 1],
      groups: 1,
      units: config.units as number,
      owned: new Set(),
    };
  }
  return null;
}

/** Replaces the op's weights by `y = x * scale + shift` per output channel, applied after it. */
export function foldAffine(op: LinearOp, scale: Float64Array | null, shift: Float64Array | null): void {
  const n = op.units;
  const bias = op.bias ? (op.bias.dataSync() as Float32Array) : new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) b[i] = bias[i] * (scale ? scale[i] : 1) + (shift ? shift[i] : 0);
  if (scale) {
    // The output channel is the last axis of every kernel layout here, depthwise included
    // (channel g*m + j is [.., g, j], the same order as the flat axis).
    const last = op.kernel.shape[op.kernel.rank - 1];
    const s = tf.tensor(Float32Array.from(scale), op.kind === 'depthwise' ? [op.kernel.shape[2] as number, last] : [last]);
    replace(op, 'kernel', tf.mul(op.kernel, s));
    s.dispose();
  }
  replace(op, 'bias', tf.tensor1d(b));
}

function replace(op: LinearOp, key: 'kernel' | 'bias', t: tf.Tensor): void {
  const old = op[key];
  if (old && old !== t && op.owned.has(old)) {
    old.dispose();
    op.owned.delete(old);
  }
  op[key] = t;
  op.owned.add(t);
}

/**
 * Replaces a dense op's weights so that it computes `op(x * scale + shift)` from `x`, with the
 * affine map per input feature: `W' = diag(scale) W`, `b' = b + shift W`, in double precision.
 * Only for dense ops: a convolution's zero padding would not see the shift.
 */
export function foldInputAffine(op: LinearOp, scale: ArrayLike<number> | null, shift: ArrayLike<number> | null): void {
  if (op.kind !== 'dense') throw new Error(`foldInputAffine: a ${op.kind} op cannot take an input affine map`);
  const [inFeatures, units] = op.kernel.shape as [number, number];
  const w = op.kernel.dataSync() as Float32Array;
  const b = new Float64Array(units);
  if (op.bias) b.set(op.bias.dataSync() as Float32Array);
  const kernel = new Float32Array(w.length);
  for (let i = 0; i < inFeatures; i++) {
    const s = scale ? scale[i] : 1;
    const t = shift ? shift[i] : 0;
    const row = i * units;
    for (let o = 0; o < units; o++) {
      kernel[row + o] = w[row + o] * s;
      if (t !== 0) b[o] += t * w[row + o];
    }
  }
  replace(op, 'kernel', tf.tensor(kernel, [inFeatures, units]));
  replace(op, 'bias', tf.tensor1d(Float32Array.from(b)));
}

/** Adds a constant to every output channel's bias (hardsigmoid's + 3). */
export function shiftBias(op: LinearOp, shift: number): void {
  const shifts = new Float64Array(op.units).fill(shift);
  foldAffine(op, null, shifts);
}

/**
 * The op as a function of its input, with everything that can be done once done now: a grouped
 * convolution's kernel and bias cut per group, a large depthwise kernel read for the zoo's
 * depthwise kernel (`zooKernel`) or cut into tiles (`tiles`).
 */
export function prepareLinear(op: LinearOp): { run: (x: tf.Tensor) => tf.Tensor; tiles: number; zooKernel: boolean } {
  const own = <T extends tf.Tensor>(t: T): T => {
    op.owned.add(t);
    return t;
  };
  const act = { activation: op.activation, leakyreluAlpha: op.leakyreluAlpha };
  let run: (x: tf.Tensor) => tf.Tensor;
  let tiles = 1;
  let zooKernel = false;
  switch (op.kind) {
    case 'conv':
      run = (x) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: op.kernel as tf.Tensor4D,
          strides: op.strides,
          pad: op.pad,
          dilations: op.dilation,
          bias: op.bias ?? undefined,
          ...act,
        });
      break;
    case 'depthwise': {
      type Part = { filter: tf.Tensor4D; pad: 'valid'; bias?: tf.Tensor };
      const one = (x: tf.Tensor, p: Part, withAct: boolean) =>
        tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, strides: op.strides, dilations: op.dilation, ...p, ...(withAct ? act : {}) });
      // Typed 'valid' | 'same' | number, but every backend reads explicit padding as conv2d does.
      const whole: Part = { filter: op.kernel as tf.Tensor4D, pad: op.pad as 'valid', bias: op.bias ?? undefined };
      const k = zooDepthwiseSize(op);
      if (k) {
        // On wasm, the zoo's own kernel (SIMD, equal to TF.js's to the bit on the cases tested):
        // its weights and bias read once, here.
        const kernel = Float32Array.from(op.kernel.dataSync() as Float32Array);
        const bias = op.bias ? Float32Array.from(op.bias.dataSync() as Float32Array) : null;
        run = (x) =>
          tf.getBackend() === 'wasm' && depthwiseKernel() ? depthwiseSame(x as tf.Tensor4D, kernel, k, bias) : one(x, whole, false);
        zooKernel = true;
        break;
      }
      const cut = depthwiseTiles(op);
      if (!cut) {
        run = (x) => one(x, whole, true);
        break;
      }
      // The tiles pay only where XNNPACK runs them (the wasm backend); elsewhere the kernel stays
      // whole. Tiles are only cut for linear ops, so no activation is lost in the sum.
      const parts: Part[] = cut.map((t, i) => ({ filter: own(t.kernel), pad: t.pad as 'valid', bias: i === 0 ? whole.bias : undefined }));
      tiles = parts.length;
      run = (x) => (tf.getBackend() === 'wasm' ? tf.tidy(() => tf.addN(parts.map((p) => one(x, p, false)))) : one(x, whole, false));
      break;
    }
    case 'grouped': {
      const kernels = (tf.split(op.kernel, op.groups, 3) as tf.Tensor4D[]).map(own);
      const biases = op.bias ? (tf.split(op.bias, op.groups, 0) as tf.Tensor1D[]).map(own) : kernels.map(() => undefined);
      run = (x) =>
        tf.tidy(() => {
          const xs = tf.split(x, op.groups, 3) as tf.Tensor4D[];
          const ys = xs.map((xi, i) =>
            tf.fused.conv2d({
              x: xi,
              filter: kernels[i],
              strides: op.strides,
              pad: op.pad,
              dilations: op.dilation,
              bias: biases[i],
              ...act,
            }),
          );
          return tf.concat(ys, 3);
        });
      break;
    }
    case 'dense':
      run = (x) =>
        tf.tidy(() => {
          const inFeatures = x.shape[x.rank - 1];
          const flat = x.rank === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D);
          // XNNPACK keeps a packed copy of a matmul's weights for as long as the weight tensor
          // lives; a copy made for this call takes its packed copy with it when the tidy ends.
          const kernel = op.unpackedOnWasm && tf.getBackend() === 'wasm' ? tf.clone(op.kernel) : op.kernel;
          const out = tf.fused.matMul({ a: flat, b: kernel as tf.Tensor2D, bias: op.bias ?? undefined, ...act });
          return x.rank === 2 ? out : tf.reshape(out, [...x.shape.slice(0, -1), op.units]);
        });
      break;
  }
  const post = op.postScale;
  if (post === undefined) return { run, tiles, zooKernel };
  return { run: (x) => tf.tidy(() => tf.mul(run(x), post)), tiles, zooKernel };
}

/**
 * The kernel size when the zoo's depthwise kernel computes the op on wasm (`depthwiseSame`): a
 * square odd kernel larger than 5, stride 1, no dilation, one filter per channel, "same" padding,
 * channels a multiple of 4, no activation after it (it adds the bias only). Null otherwise.
 */
export function zooDepthwiseSize(op: LinearOp): number | null {
  const [kh, kw, channels, multiplier] = op.kernel.shape as [number, number, number, number];
  const p = (kh - 1) / 2;
  const same = op.pad !== 'valid' && op.pad[1][0] === p && op.pad[1][1] === p && op.pad[2][0] === p && op.pad[2][1] === p;
  const plain = op.strides[0] === 1 && op.strides[1] === 1 && op.dilation[0] === 1 && op.dilation[1] === 1;
  const linear = op.activation === 'linear' && op.postScale === undefined;
  return op.kind === 'depthwise' && kh === kw && kh > 5 && multiplier === 1 && same && plain && linear && depthwiseSameFits(kh, channels)
    ? kh
    : null;
}

/**
 * XNNPACK, under the wasm backend, has depthwise micro-kernels for 4, 9 and 25 taps; any other
 * kernel size falls back to a generic path several times slower (a 7x7 kernel on a 56x56x96 map:
 * 32 ms, against 5 ms for 5x5). A kernel larger than 5 along an axis is cut into 5-wide tiles,
 * each tap in exactly one tile (the others zero), run as one depthwise convolution each with the
 * padding shifted by the tile's offset, and summed: four 5x5 tiles for ConvNeXt's 7x7, 2.2x
 * faster. Null when the kernel is small enough, the op has an activation or post-scale (which
 * would have to follow the sum), or a tile would need negative padding. Used on wasm only.
 */
export function depthwiseTiles(op: LinearOp): { kernel: tf.Tensor4D; pad: LinearOp['pad'] }[] | null {
  const TILE = 5;
  const [kh, kw, channels, multiplier] = op.kernel.shape as [number, number, number, number];
  if ((kh <= TILE && kw <= TILE) || op.activation !== 'linear' || op.postScale !== undefined) return null;
  const pads = op.pad === 'valid' ? [0, 0, 0, 0] : [op.pad[1][0], op.pad[1][1], op.pad[2][0], op.pad[2][1]];
  // Tile starts along an axis of size k: 0, 5, 10, ..., the last one flush with the end.
  const starts = (k: number) => {
    if (k <= TILE) return [0];
    const out: number[] = [];
    for (let s = 0; s + TILE < k; s += TILE) out.push(s);
    out.push(k - TILE);
    return out;
  };
  const size = (k: number) => Math.min(k, TILE);
  const [dh, dw] = op.dilation;
  const tiles: { r0: number; c0: number; pad: [number, number, number, number] }[] = [];
  for (const r0 of starts(kh)) {
    for (const c0 of starts(kw)) {
      // Output row i reads input row i*s + a*d - top for tap a; for tap r0 + a' of the tile that
      // is a'*d - (top - r0*d). The bottom padding keeps the output size: it changes by what the
      // tile's extent lacks of the kernel's after its start.
      const pad: [number, number, number, number] = [
        pads[0] - r0 * dh,
        pads[1] - (kh - size(kh) - r0) * dh,
        pads[2] - c0 * dw,
        pads[3] - (kw - size(kw) - c0) * dw,
      ];
      if (pad.some((p) => p < 0)) return null;
      tiles.push({ r0, c0, pad });
    }
  }
  // Each tap belongs to the first tile (in start order) that covers it.
  const owner = (k: number, t: number) => {
    const ss = starts(k);
    for (const s of ss) if (t >= s && t < s + size(k)) return s;
    return -1;
  };
  const w = op.kernel.dataSync() as Float32Array;
  const per = channels * multiplier;
  return tiles.map(({ r0, c0, pad }) => {
    const th = size(kh);
    const tw = size(kw);
    const data = new Float32Array(th * tw * per);
    for (let a = 0; a < th; a++) {
      for (let b = 0; b < tw; b++) {
        const r = r0 + a;
        const c = c0 + b;
        if (owner(kh, r) !== r0 || owner(kw, c) !== c0) continue;
        data.set(w.subarray((r * kw + c) * per, (r * kw + c + 1) * per), (a * tw + b) * per);
      }
    }
    return {
      kernel: tf.tensor4d(data, [th, tw, channels, multiplier]),
      pad: [
        [0, 0],
        [pad[0], pad[1]],
        [pad[2], pad[3]],
        [0, 0],
      ] as LinearOp['pad'],
    };
  });
}
