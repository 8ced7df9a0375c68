import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { type LayerStateDict, sameLayout, transposed } from '../keys/rules.js';
import { type InitName, initializer } from './init.js';
import { elementsPerSample, type MacCount } from './macs.js';

export interface InProjectionArgs extends LayerArgs {
  units: number;
  /**
   * Module path of the `nn.MultiheadAttention` whose `in_proj_weight`/`in_proj_bias` this layer
   * holds (`{ name }` is the form its saved config takes).
   */
  attention: string | { name: string };
  init?: InitName;
}

/**
 * `nn.MultiheadAttention`'s packed q/k/v projection: a Linear over the last axis whose weight and
 * bias are parameters of the attention module itself (`<attention>.in_proj_weight`, `[3D, D]`,
 * and `<attention>.in_proj_bias`), not of a Linear child. A Dense layer would map to
 * `<name>.weight`; this one maps to the attention's keys.
 */
export class InProjection extends tfl.layers.Layer {
  static className = 'InProjection';
  readonly units: number;
  readonly attention: string;
  readonly init: InitName;
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;

  constructor(args: InProjectionArgs) {
    super(args);
    this.units = args.units;
    this.attention = typeof args.attention === 'string' ? args.attention : args.attention.name;
    this.init = args.init ?? 'truncNormal02';
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inFeatures = shape[shape.length - 1]!;
    this.kernel = this.addWeight('kernel', [inFeatures, this.units], 'float32', initializer(this.init));
    this.bias = this.addWeight('bias', [this.units], 'float32', initializer('zeros'));
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const inFeatures = x.shape[x.shape.length - 1];
      const y = tf.fused.matMul({
        a: tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D,
        b: this.kernel!.read() as tf.Tensor2D,
        bias: this.bias!.read(),
      });
      return tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  /** A Linear: output elements x input features. */
  countMacs(inputShapes: tfl.Shape[], outputShape: tfl.Shape): MacCount {
    const s = inputShapes[0];
    return { convLinear: elementsPerSample(outputShape) * (s[s.length - 1] ?? 0), attention: 0 };
  }

  stateDictParams(): LayerStateDict {
    return {
      params: [
        transposed(`${this.attention}.in_proj_weight`, this.kernel!, [1, 0]),
        sameLayout(`${this.attention}.in_proj_bias`, this.bias!),
      ],
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    // TF.js camel-cases every string of a loaded config except a `name`'s: a module path as a
    // plain string came back as `encoder_layer0` and mapped the weights to keys no checkpoint has.
    return { ...super.getConfig(), units: this.units, attention: { name: this.attention }, init: this.init };
  }
}
