import * as tf from '@tensorflow/tfjs-core';
import { Activation } from './activation.js';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool.js';
import { MultiHeadAttention } from './attention.js';
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

/**
 * Registers the zoo's custom layers for (de)serialisation, so that a saved model loads with
 * `tf.loadLayersModel` once `@zoo/core-blocks` is imported. Idempotent.
 */
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
for (const cls of CUSTOM_LAYERS) tf.serialization.registerClass(cls, 'Zoo');
