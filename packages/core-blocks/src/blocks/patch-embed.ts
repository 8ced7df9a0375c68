import type * as tfl from '@tensorflow/tfjs-layers';
import { apply } from '../layers/apply.js';
import { Conv2d } from '../layers/conv2d.js';
import type { InitName } from '../layers/init.js';
import { layerNorm } from '../layers/layer-norm.js';
import { linear } from '../layers/linear.js';
import { PatchMerge } from '../layers/patch-merge.js';

export interface PatchEmbedArgs {
  dim: number;
  /** Side of the square patch: the convolution's kernel and stride. */
  patchSize: number;
  /** Module path of the convolution (`conv_proj`, `features.0.0`, `patch_embed1.proj`). */
  conv: string;
  /** LayerNorm over the channels after the projection (Swin, EdgeViT), with its module path and epsilon. */
  norm?: { name: string; eps: number };
  init?: InitName;
}

/**
 * Patch embedding: a convolution with kernel = stride = patch, giving a `[B, H/p, W/p, dim]`
 * map (NHWC, so the reference's permute to channels-last is implicit), optionally normalised.
 */
export function patchEmbed(x: tfl.SymbolicTensor, { dim, patchSize, conv, norm, init }: PatchEmbedArgs): tfl.SymbolicTensor {
  let y = apply(new Conv2d({ filters: dim, kernelSize: patchSize, strides: patchSize, name: conv, kernelInit: init }), x);
  if (norm) y = apply(layerNorm(norm.name, norm.eps), y);
  return y;
}

export interface PatchMergingArgs {
  /** Module path (`features.2`): `.norm` and `.reduction` are its LayerNorm and Linear. */
  name: string;
  eps?: number;
  init?: InitName;
}

/** torchvision's Swin `PatchMerging`: 2x2 neighbourhoods to channels, LayerNorm, Linear 4C to 2C without bias. */
export function patchMerging(x: tfl.SymbolicTensor, { name, eps = 1e-5, init }: PatchMergingArgs): tfl.SymbolicTensor {
  const dim = x.shape[3]!;
  let y = apply(new PatchMerge({ name: `${name}.merge` }), x);
  y = apply(layerNorm(`${name}.norm`, eps), y);
  return apply(linear(2 * dim, `${name}.reduction`, { bias: false, init }), y);
}
