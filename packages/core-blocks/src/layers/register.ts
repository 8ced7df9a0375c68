import * as tf from '@tensorflow/tfjs-core';
import { Activation } from './activation.js';
import { ChannelShuffle } from './channel-shuffle.js';
import { ChannelSplit } from './channel-split.js';
import { Conv2d } from './conv2d.js';
import { AvgPool2d, MaxPool2d } from './pool2d.js';

/**
 * Registers the zoo's custom layers for (de)serialisation, so that a saved model loads with
 * `tf.loadLayersModel` once `@zoo/core-blocks` is imported. Idempotent.
 */
export const CUSTOM_LAYERS = [Conv2d, MaxPool2d, AvgPool2d, Activation, ChannelShuffle, ChannelSplit] as const;
for (const cls of CUSTOM_LAYERS) tf.serialization.registerClass(cls, 'Zoo');
