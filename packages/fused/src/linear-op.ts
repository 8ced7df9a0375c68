import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Conv2d } from '@zoo/core-blocks';
import { type ActivationFusion, type FusedActivation, namedActivation } from './activations.js';

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
}

type Weights = { kernel?: tfl.LayerVariable; bias?: tfl.LayerVariable };

/** The op for a zoo `Conv2d` or a tfjs-layers `Dense`, or null for any other layer. */
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
  if (layer.getClassName() === 'Dense' && w.kernel) {
    const config = layer.getConfig();
    const act: ActivationFusion | null = namedActivation(config.activation);
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

/** Adds a constant to every output channel's bias (hardsigmoid's + 3). */
export function shiftBias(op: LinearOp, shift: number): void {
  const shifts = new Float64Array(op.units).fill(shift);
  foldAffine(op, null, shifts);
}

/** The grouped convolution's kernel and bias cut per group, once, at compile time. */
export function splitGroups(op: LinearOp): { kernels: tf.Tensor4D[]; biases: (tf.Tensor1D | null)[] } {
  const kernels = tf.split(op.kernel, op.groups, 3) as tf.Tensor4D[];
  const biases = op.bias ? (tf.split(op.bias, op.groups, 0) as tf.Tensor1D[]) : kernels.map(() => null);
  for (const t of [...kernels, ...biases]) if (t) op.owned.add(t);
  return { kernels, biases };
}

/** Runs the op on one input tensor. */
export function runLinear(op: LinearOp, x: tf.Tensor, groups?: ReturnType<typeof splitGroups>): tf.Tensor {
  const common = {
    activation: op.activation,
    leakyreluAlpha: op.leakyreluAlpha,
  };
  let y: tf.Tensor;
  switch (op.kind) {
    case 'conv':
      y = tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: op.kernel as tf.Tensor4D,
        strides: op.strides,
        pad: op.pad,
        dilations: op.dilation,
        bias: op.bias ?? undefined,
        ...common,
      });
      break;
    case 'depthwise':
      y = tf.fused.depthwiseConv2d({
        x: x as tf.Tensor4D,
        filter: op.kernel as tf.Tensor4D,
        strides: op.strides,
        // Typed 'valid' | 'same' | number, but every backend reads explicit padding as conv2d does.
        pad: op.pad as 'valid',
        dilations: op.dilation,
        bias: op.bias ?? undefined,
        ...common,
      });
      break;
    case 'grouped': {
      const g = groups!;
      y = tf.tidy(() => {
        const xs = tf.split(x, op.groups, 3) as tf.Tensor4D[];
        return tf.concat(
          xs.map((xi, i) =>
            tf.fused.conv2d({
              x: xi,
              filter: g.kernels[i],
              strides: op.strides,
              pad: op.pad,
              dilations: op.dilation,
              bias: g.biases[i] ?? undefined,
              ...common,
            }),
          ),
          3,
        );
      });
      break;
    }
    case 'dense': {
      const inFeatures = x.shape[x.rank - 1];
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inFeatures]);
      const out = tf.fused.matMul({ a: flat as tf.Tensor2D, b: op.kernel as tf.Tensor2D, bias: op.bias ?? undefined, ...common });
      if (x.rank === 2) {
        y = out;
      } else {
        y = tf.reshape(out, [...x.shape.slice(0, -1), op.units]);
        out.dispose();
        flat.dispose();
      }
      break;
    }
  }
  if (op.postScale !== undefined) {
    const scaled = tf.mul(y, op.postScale);
    y.dispose();
    y = scaled;
  }
  return y;
}
