import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import type { LayerStateDict } from '../keys/rules.js';
import { constantInitializer } from './init.js';
import { type MacCount, ZERO_MACS } from './macs.js';

export interface LayerScaleArgs extends LayerArgs {
  /** Initial value of every channel's scale (ConvNeXt and CaiT: 1e-6; timm's `init_values`). */
  initValue: number;
  /**
   * How a PyTorch state dict holds the scale. `'module'` (default; timm's `LayerScale`): key
   * `<name>.gamma`, shape `[C]`. `'parameter'` (torchvision's ConvNeXt): the layer is itself the
   * parameter, key `<name>`, shape `[C, 1, 1]` (channels-first broadcasting).
   */
  stateDictKey?: 'module' | 'parameter';
}

/**
 * A learnt per-channel scale on the last (channel) axis: ConvNeXt's `layer_scale` parameter and
 * timm's `LayerScale`. Its one weight, `gamma` of shape `[channels]`, takes torchvision's
 * `<block>.layer_scale` (shape `[C, 1, 1]`, flattened) or timm's `<block>.ls1.gamma`.
 */
export class LayerScale extends tfl.layers.Layer {
  static className = 'LayerScale';
  readonly initValue: number;
  readonly stateDictKey: 'module' | 'parameter';
  private gamma?: tfl.LayerVariable;

  constructor(args: LayerScaleArgs) {
    super(args);
    if (typeof args.initValue !== 'number' || !Number.isFinite(args.initValue)) {
      throw new ZooOptionError(`LayerScale \`${args.name ?? '?'}\`: initValue`, args.initValue, 'a finite number');
    }
    this.initValue = args.initValue;
    this.stateDictKey = args.stateDictKey ?? 'module';
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new ZooOptionError(`LayerScale \`${this.name}\`: input`, shape, 'a known channel (last) axis');
    this.gamma = this.addWeight('gamma', [channels], 'float32', constantInitializer(this.initValue));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.gamma!.read()));
  }

  /** The checkpoint tensor this layer takes (see `stateDictKey`). */
  stateDictParams(): LayerStateDict {
    const variable = this.gamma!;
    const channels = variable.shape[0] as number;
    if (this.stateDictKey === 'module') {
      return { params: [{ key: `${this.name}.gamma`, variable, shape: [channels], toZoo: (t) => t, toTorch: (t) => t }] };
    }
    return {
      params: [
        {
          key: this.name,
          variable,
          shape: [channels, 1, 1],
          toZoo: (t) => tf.reshape(t, [channels]),
          toTorch: (t) => tf.reshape(t, [channels, 1, 1]),
        },
      ],
    };
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue, stateDictKey: this.stateDictKey };
  }
}
