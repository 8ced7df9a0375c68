import * as tfl from '@tensorflow/tfjs-layers';

/**
 * LayerNorm over the channels of an NHWC map (or the features of a token sequence): torchvision's
 * `LayerNorm2d`, ConvNeXt's channels-last `nn.LayerNorm`. `eps` is PyTorch's: 1e-5 by default,
 * 1e-6 in ConvNeXt and ViT (tfjs would default to 1e-3).
 */
export function layerNorm(name: string, eps = 1e-5): tfl.layers.Layer {
  return tfl.layers.layerNormalization({ axis: -1, epsilon: eps, name });
}
