import * as tfl from '@tensorflow/tfjs-layers';

/**
 * `nn.LayerNorm` over the last axis (channels of an NHWC map, or features of tokens). The
 * epsilon is required: PyTorch defaults to 1e-5, ViT uses 1e-6, and tfjs would silently use 1e-3.
 */
export function layerNorm(name: string, eps: number): tfl.layers.Layer {
  return tfl.layers.layerNormalization({ axis: -1, epsilon: eps, name });
}
