import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type MacCount, ZERO_MACS } from './macs.js';

/**
 * Activations by their PyTorch module name, each computed as PyTorch defines it:
 * - `relu`, `relu6`: max(0, x), min(max(0, x), 6)
 * - `sigmoid`: 1 / (1 + exp(-x))
 * - `silu` (swish): x * sigmoid(x)
 * - `hardsigmoid`: relu6(x + 3) / 6 (not Keras's clip(0.2x + 0.5, 0, 1))
 * - `hardswish`: x * relu6(x + 3) / 6
 * - `gelu`: x * Phi(x) with the exact erf (`nn.GELU()`, approximate='none')
 * - `gelu_tanh`: the tanh approximation (`nn.GELU(approximate='tanh')`)
 */
export const ACTIVATIONS = ['relu', 'relu6', 'sigmoid', 'silu', 'hardsigmoid', 'hardswish', 'gelu', 'gelu_tanh'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** The activation as a plain function of tensors, for use inside other layers. */
export function applyActivation(kind: ActivationName, x: tf.Tensor): tf.Tensor {
  switch (kind) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    case 'hardsigmoid':
      return tf.div(tf.relu6(tf.add(x, 3)), 6);
    case 'hardswish':
      return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
    case 'gelu':
      // 0.5 x (1 + erf(x / sqrt 2))
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    case 'gelu_tanh': {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    default:
      throw new ZooOptionError('activation', kind, `one of ${ACTIVATIONS.join(', ')}`);
  }
}

export interface ActivationArgs extends LayerArgs {
  kind: ActivationName;
}

/** A layer applying one of the PyTorch activations above; serialises with its kind. */
export class Activation extends tfl.layers.Layer {
  // Not 'Activation': that would replace tfjs-layers' own layer in the serialization map, and
  // models using tf.layers.activation would no longer load once core-blocks is imported.
  static className = 'ZooActivation';
  readonly kind: ActivationName;

  constructor(args: ActivationArgs) {
    super(args);
    if (!(ACTIVATIONS as readonly string[]).includes(args.kind)) {
      throw new ZooOptionError('activation', args.kind, `one of ${ACTIVATIONS.join(', ')}`);
    }
    this.kind = args.kind;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => applyActivation(this.kind, Array.isArray(inputs) ? inputs[0] : inputs));
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind };
  }
}

/**
 * A layer computing the named activation exactly as PyTorch defines it. ReLU and ReLU6 use
 * tfjs's own layer (which its fused kernels recognise); the others use `Activation`.
 */
export function activation(kind: ActivationName, name: string): tfl.layers.Layer {
  if (kind === 'relu') return tfl.layers.reLU({ name });
  if (kind === 'relu6') return tfl.layers.reLU({ name, maxValue: 6 });
  return new Activation({ kind, name });
}
