import * as tf from '@tensorflow/tfjs-core';
import { Activation } from './activation.js';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool.js';
import { MultiHeadAttention } from './attention.js';
import { nameLayerInBackendErrors } from './backend-errors.js';
import { ChannelPool } from './channel-pool.js';
import { ChannelShuffle } from './channel-shuffle.js';
import { ChannelSplit } from './channel-split.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import { Conv2d } from './conv2d.js';
import { InProjection } from './in-projection.js';
import { LayerScale } from './layer-scale.js';
import { PatchMerge } from './patch-merge.js';
import { AvgPool2d, MaxPool2d } from './pool2d.js';
import { StochasticDepth } from './stochastic-depth.js';
import { ClassToken, PositionEmbedding, TakeToken } from './tokens.js';
import { WindowAttention } from './window-attention.js';

/** The zoo's custom layers, registered for (de)serialisation under the package name `Zoo`. */
export const CUSTOM_LAYERS = [
  Conv2d,
  MaxPool2d,
  AvgPool2d,
  Activation,
  AdaptiveAvgPool2d,
  LayerScale,
  StochasticDepth,
  ChannelPool,
  ChannelShuffle,
  ChannelSplit,
  // The attention and token layers of the transformers (ViT, Swin, EdgeViT).
  MultiHeadAttention,
  InProjection,
  ConvTranspose2d,
  WindowAttention,
  ClassToken,
  TakeToken,
  PositionEmbedding,
  PatchMerge,
] as const;

/**
 * Registers the zoo's custom layers for (de)serialisation, so that a saved model loads with
 * `tf.loadLayersModel`, and makes a kernel missing on the active backend a `ZooBackendError`
 * naming the layer and the backend. Idempotent; returns the registered classes.
 *
 * Importing `@zoo/core-blocks` or any family package (even a bare `import '@zoo/mobile'`) already
 * does this: the packages list the modules that run it (each `dist/index.js` and this file) under
 * `sideEffects`, so bundlers keep them. This function is for an app whose bundler is told to ignore
 * `sideEffects` (Rollup's `treeshake.moduleSideEffects: false`, for one): a call is a used symbol,
 * which no bundler drops.
 */
export function registerZooLayers(): typeof CUSTOM_LAYERS {
  for (const cls of CUSTOM_LAYERS) {
    tf.serialization.registerClass(cls, 'Zoo');
    nameLayerInBackendErrors(cls);
  }
  return CUSTOM_LAYERS;
}

// At import time, as the packages' `sideEffects` fields declare.
registerZooLayers();
