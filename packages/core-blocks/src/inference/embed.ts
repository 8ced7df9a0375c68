import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ZooShapeError } from '../base/errors.js';
import { type InferenceOptions, modelInput } from './classify.js';
import type { ImageInput } from './preprocess.js';

export interface EmbedOptions extends InferenceOptions {
  /**
   * The layer whose output is the embedding. Default: the input of the classifier (`classifierOf`),
   * found by walking back from the output over softmax, activation, dropout and pooling layers.
   */
  layerName?: string;
}

/** Layers between the classifier and the output that do not change what the features are. */
const PASS_THROUGH = new Set([
  'Softmax',
  'Activation',
  'ZooActivation',
  'ReLU',
  'Dropout',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'AdaptiveAvgPool2d',
  'Flatten',
]);
/** Layers that can be a classifier: a dense layer, or a convolution to the classes (SqueezeNet's). */
const CLASSIFIERS = new Set(['Dense', 'Conv2d']);

/**
 * The model's classifier: the last dense layer (or convolution) on the path back from the output
 * over softmax, activation, dropout and pooling layers, with the tensor it reads (timm's
 * pre-logits features). Null when the model ends in something else (no top, features only).
 */
export function classifierOf(model: tfl.LayersModel): { layer: tfl.layers.Layer; input: tfl.SymbolicTensor } | null {
  if (model.outputs.length !== 1) return null;
  let t = model.outputs[0];
  for (;;) {
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    if (node?.inputTensors.length !== 1) return null;
    if (CLASSIFIERS.has(layer.getClassName())) return { layer, input: node.inputTensors[0] };
    if (!PASS_THROUGH.has(layer.getClassName())) return null;
    t = node.inputTensors[0];
  }
}

/** The tensor feeding the classifier (timm's pre-logits features); null when the model has none. */
export function preLogits(model: tfl.LayersModel): tfl.SymbolicTensor | null {
  return classifierOf(model)?.input ?? null;
}

const featureModels = new WeakMap<tfl.LayersModel, Map<string, tfl.LayersModel>>();

function featureModel(model: tfl.LayersModel, layerName: string | undefined): tfl.LayersModel {
  const key = layerName ?? '';
  let byName = featureModels.get(model);
  if (!byName) {
    byName = new Map();
    featureModels.set(model, byName);
  }
  let sub = byName.get(key);
  if (sub) return sub;
  let output: tfl.SymbolicTensor | null;
  if (layerName !== undefined) {
    const names = model.layers.map((l) => l.name);
    if (!names.includes(layerName)) {
      throw new ZooShapeError(`${model.name} has no layer \`${layerName}\`; its last layers are ${names.slice(-5).join(', ')}.`);
    }
    output = model.getLayer(layerName).output as tfl.SymbolicTensor;
  } else {
    output = preLogits(model) ?? model.outputs[0];
  }
  sub = output === model.outputs[0] ? model : tfl.model({ inputs: model.inputs, outputs: output, name: `${model.name}_features` });
  byName.set(key, sub);
  return sub;
}

/**
 * Pre-logits features of a batch, `[n, features]`, for transfer learning: the input of the
 * model's classifier, or, for a model created without its top, its output (a feature map is
 * averaged over space). The caller disposes the tensor.
 */
export function embed(model: tfl.LayersModel, images: ImageInput | readonly ImageInput[], options: EmbedOptions = {}): tf.Tensor2D {
  const sub = featureModel(model, options.layerName);
  return tf.tidy(() => {
    const x = modelInput(model, images, options);
    const f = sub.predict(x) as tf.Tensor;
    if (f.rank === 2) return f as tf.Tensor2D;
    if (f.rank === 4) return tf.mean(f, [1, 2]) as tf.Tensor2D;
    throw new ZooShapeError(
      `The features of ${model.name} have shape [${f.shape}]; expected [batch, features] or a feature map; name the layer that gives them with layerName.`,
    );
  });
}
