import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { type MacCount, ZERO_MACS } from './macs.js';

/**
 * torchvision's `_patch_merging_pad`: pads an odd side with a zero row/column at the bottom/right,
 * then concatenates each 2x2 neighbourhood on the channel axis in the order x[0::2, 0::2],
 * x[1::2, 0::2], x[0::2, 1::2], x[1::2, 1::2] (`[B, H, W, C]` to `[B, H/2, W/2, 4C]`).
 * Reshapes and rank-4 transposes only, so it runs and differentiates on every backend.
 */
export class PatchMerge extends tfl.layers.Layer {
  static className = 'PatchMerge';

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [b, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const half = (v: number | null) => (v == null ? null : Math.ceil(v / 2));
    return [b, half(h), half(w), c == null ? null : 4 * c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [b, h, w, c] = x.shape;
      if (h % 2 || w % 2) {
        x = tf.pad(x, [
          [0, 0],
          [0, h % 2],
          [0, w % 2],
          [0, 0],
        ]);
      }
      const [h2, w2] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      // [b*h2, dh, w2, (dw, c)] -> [b*h2*w2, dh, dw, c] -> [.., dw, dh, c]: channel block dw*2 + dh.
      const rows = tf.transpose(tf.reshape(x, [b * h2, 2, w2, 2 * c]), [0, 2, 1, 3]);
      const cells = tf.transpose(tf.reshape(rows, [b * h2 * w2, 2, 2, c]), [0, 2, 1, 3]);
      return tf.reshape(cells, [b, h2, w2, 4 * c]);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }
}
