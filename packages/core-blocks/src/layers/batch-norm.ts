import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooShapeError } from '../base/errors.js';

/** What the zoo reads of tfjs-layers' BatchNormalization (its fields are not in its public types). */
interface BatchNormalizationFields {
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
}

type BatchNormalizationArgs = Parameters<typeof tfl.layers.batchNormalization>[0];

// tfjs-layers exports a factory, not the class: the class is the constructor of what it builds
// (importing its dist file would load a second copy of tfjs-layers beside the CommonJS build).
const BatchNormalizationBase = Object.getPrototypeOf(tfl.layers.batchNormalization({})).constructor as new (
  args: BatchNormalizationArgs,
) => tfl.layers.Layer & BatchNormalizationFields;

/**
 * tfjs-layers' BatchNormalization with PyTorch's training step. tfjs-layers moves
 * `moving_variance` towards the biased batch variance (divided by n); PyTorch's `running_var`
 * moves towards the unbiased one (divided by n - 1) while it normalises with the biased one.
 * (tfjs-layers 4.22's `doMovingAverage` is given `tf.moments`' variance.) This layer moves it to
 * the unbiased one, checked against a PyTorch training step of a whole model in
 * packages/mobile/test/train-step.test.ts. Inference, weights, names and the class name
 * (`BatchNormalization`, which folding and converters key on) are the stock layer's.
 *
 * As in PyTorch, a layer frozen with `trainable = false` still normalises with the batch's
 * statistics and updates its moving ones in training (`requires_grad=False` in `train()` mode):
 * freezing stops its gamma and beta only. A batch with one value per channel is refused as
 * PyTorch refuses it ("Expected more than 1 value per channel when training").
 *
 * A model saved and read back by `tf.loadLayersModel` gets the stock layer (the saved class
 * name is tfjs's own, so files stay readable without the zoo): train the zoo's built models.
 */
export class TorchBatchNorm extends BatchNormalizationBase {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!kwargs.training) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
      const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
      const n = reduce.reduce((p, i) => p * x.shape[i], 1);
      if (n < 2) {
        throw new ZooShapeError(
          `BatchNorm \`${this.name}\`: a training batch of shape [${x.shape}] has one value per channel; ` +
            'use a larger batch or input, as PyTorch requires ("Expected more than 1 value per channel when training").',
        );
      }
      const { mean, variance } = tf.moments(x, reduce);
      const shape = x.shape.map((d, i) => (i === axis ? d : 1));
      // Channels last: 1-D statistics, as the stock layer passes them (batchNorm's gradient
      // reduces its scale and offset gradients by the statistics' shape).
      const r = (t: tf.Tensor) => (axis === x.rank - 1 ? t : tf.reshape(t, shape));
      const y = tf.batchNorm(
        x,
        r(mean),
        r(variance),
        this.beta ? r(this.beta.read()) : undefined,
        this.gamma ? r(this.gamma.read()) : undefined,
        this.epsilon,
      );
      // moving = momentum * moving + (1 - momentum) * batch, PyTorch's (1 - m) * running + m * batch.
      const update = (v: tfl.LayerVariable, batch: tf.Tensor) =>
        v.write(tf.add(tf.mul(v.read(), this.momentum), tf.mul(batch, 1 - this.momentum)));
      update(this.movingMean, mean);
      update(this.movingVariance, tf.mul(variance, n / (n - 1)));
      return y;
    });
  }
}

/** A BatchNormalization layer with PyTorch's training step (see `TorchBatchNorm`). */
export function torchBatchNorm(args: BatchNormalizationArgs): tfl.layers.Layer {
  return new TorchBatchNorm(args);
}
