import * as tfl from '@tensorflow/tfjs-layers';
import { ZooOptionError } from '../errors.js';

/** Activations by their PyTorch module name. Families extend this list as they need more. */
export type ActivationName = 'relu' | 'relu6';

/** A layer computing the named activation exactly as PyTorch defines it. */
export function activation(kind: ActivationName, name: string): tfl.layers.Layer {
  switch (kind) {
    case 'relu':
      return tfl.layers.reLU({ name });
    case 'relu6':
      return tfl.layers.reLU({ name, maxValue: 6 });
    default:
      throw new ZooOptionError('activation', kind, "'relu' or 'relu6'");
  }
}
