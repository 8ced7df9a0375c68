import type * as tfl from '@tensorflow/tfjs-layers';

/** Activations the `tf.fused` kernels apply in the same pass (the wasm backend's `FusableActivation`). */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'elu' | 'leakyrelu';

/**
 * What an activation layer becomes inside a fused op: the fused activation, and for PyTorch's
 * hardsigmoid, relu6(x + 3) / 6, the shift of the bias and the scale applied after the kernel.
 */
export interface ActivationFusion {
  activation: FusedActivation;
  leakyreluAlpha?: number;
  biasShift?: number;
  postScale?: number;
}

/** The fusion of a layer that is only an activation, or null when it is anything else. */
export function activationFusion(layer: tfl.layers.Layer): ActivationFusion | null {
  const config = layer.getConfig();
  switch (layer.getClassName()) {
    case 'ReLU':
      if (config.maxValue == null) return { activation: 'relu' };
      return config.maxValue === 6 ? { activation: 'relu6' } : null;
    case 'LeakyReLU':
      return { activation: 'leakyrelu', leakyreluAlpha: config.alpha as number };
    case 'ELU':
      return config.alpha === 1 ? { activation: 'elu' } : null;
    case 'Activation':
      return namedActivation(config.activation);
    case 'ZooActivation':
      switch (config.kind) {
        case 'relu':
        case 'relu6':
        case 'sigmoid':
          return { activation: config.kind };
        case 'hardsigmoid':
          return { activation: 'relu6', biasShift: 3, postScale: 1 / 6 };
        default:
          return null;
      }
    default:
      return null;
  }
}

/** A tfjs-layers activation name (a Dense layer's own, or an `Activation` layer's) as a fused one. */
export function namedActivation(name: unknown): ActivationFusion | null {
  switch (name) {
    case undefined:
    case null:
    case 'linear':
      return { activation: 'linear' };
    case 'relu':
    case 'relu6':
    case 'sigmoid':
    case 'elu':
      return { activation: name };
    default:
      return null;
  }
}

/** Layers that are the identity at inference. */
export function isInferenceIdentity(layer: tfl.layers.Layer): boolean {
  const name = layer.getClassName();
  return (
    name === 'Dropout' ||
    name === 'StochasticDepth' ||
    name === 'SpatialDropout1D' ||
    name === 'GaussianNoise' ||
    name === 'GaussianDropout' ||
    name === 'AlphaDropout'
  );
}
