import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, ZooOptionError, ZooShapeError } from '../base/errors.js';
import { type DataConfig, dataConfig, IMAGENET_DATA_CONFIG } from '../model/data-config.js';
import { ZooNonFiniteError, ZooValueError } from './errors.js';
import { IMAGENET_LABELS } from './imagenet-labels.js';
import { classLabels } from './labels.js';
import { weightsOf } from './loaded-weights.js';
import { type ImageInput, type PreprocessOptions, preprocess } from './preprocess.js';

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

export interface InferenceOptions extends PreprocessOptions {
  /**
   * The weights' preprocessing; default: the weight set's for a model from `entry.load`, else
   * ImageNet's at the model's input size.
   */
  dataConfig?: Partial<DataConfig>;
  /**
   * false: `image` is already the model's input, a normalised NHWC float batch (for instance
   * from `preprocess`); it is checked, not transformed. Default true.
   */
  preprocess?: boolean;
}

export interface ClassifyOptions extends InferenceOptions {
  /** How many classes to return, most probable first (default 5). */
  topK?: number;
  /** Class names; default: the weight set's (`classLabels`) for a model from `entry.load`, else ImageNet-1k's for 1000 classes, else `class <i>`. */
  labels?: readonly string[];
}

/**
 * The `topK` most probable classes of one image, most probable first. Applies softmax to the
 * model's output unless the model already ends in one. `image` is anything `preprocess` takes.
 */
export async function classify(model: tfl.LayersModel, image: ImageInput, options: ClassifyOptions = {}): Promise<Prediction[]> {
  const all = await classifyBatch(model, image, options);
  if (all.length !== 1) {
    throw new ZooShapeError(`classify takes one image and got a batch of ${all.length}; use classifyBatch for several.`);
  }
  return all[0];
}

/** `classify` for a batch (an NHWC tensor or an array of images): one list of predictions per image. */
export function classifyBatch(
  model: tfl.LayersModel,
  images: ImageInput | readonly ImageInput[],
  options: ClassifyOptions = {},
): Promise<Prediction[][]> {
  return classifyWith(model, (x) => model.predict(x) as tf.Tensor, images, options);
}

/**
 * `classifyBatch` with the forward pass given: `run` maps the model's input batch to its class
 * scores (a compiled plan's, for the front door's handle). `model` gives the shapes and labels.
 */
export async function classifyWith(
  model: tfl.LayersModel,
  run: (x: tf.Tensor4D) => tf.Tensor,
  images: ImageInput | readonly ImageInput[],
  options: ClassifyOptions = {},
): Promise<Prediction[][]> {
  const topK = options.topK ?? 5;
  const outShape = model.outputs[0].shape;
  // defineModel names the pooling of a model created without its top `global_pool`.
  if (outShape.length !== 2 || outShape[1] === null || model.outputs[0].sourceLayer.name === 'global_pool') {
    throw new ZooShapeError(
      `classify needs a model that outputs class scores [batch, classes]; ${model.name} outputs [${outShape.map((d) => d ?? 'batch')}]. ` +
        'Create it with includeTop: true, or use embed() for features.',
    );
  }
  const numClasses = outShape[1];
  if (!Number.isInteger(topK) || topK < 1 || topK > numClasses) {
    throw new ZooOptionError('topK', topK, `an integer from 1 to ${numClasses} (the model's classes)`);
  }
  const labels = options.labels ?? (await defaultLabels(model, numClasses));
  if (labels !== null && labels.length !== numClasses) {
    throw new ZooOptionError('labels', `${labels.length} labels`, `one label per class: ${numClasses}`);
  }
  const probabilities = endsInSoftmax(model);
  const [values, indices, finite] = tf.tidy(() => {
    const input = modelInput(model, images, options);
    const out = run(input) as tf.Tensor2D;
    const p = probabilities ? out : tf.softmax(out);
    const top = tf.topk(p, topK);
    // The input was checked finite: a NaN or infinity now is the backend's, never an answer.
    return [top.values, top.indices, tf.all(tf.isFinite(out))];
  });
  try {
    const [v, i, ok] = await Promise.all([values.data(), indices.data(), finite.data()]);
    if (!ok[0]) {
      const backend = tf.getBackend();
      const f16 =
        backend === 'webgl' && (tf.env().getBool('WEBGL_FORCE_F16_TEXTURES') || !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'));
      throw new ZooNonFiniteError(model.name, backend, f16);
    }
    return Array.from({ length: values.shape[0] }, (_, n) =>
      Array.from({ length: topK }, (_, k) => {
        const index = i[n * topK + k];
        return { label: labels ? labels[index] : `class ${index}`, index, probability: v[n * topK + k] };
      }),
    );
  } finally {
    tf.dispose([values, indices, finite]);
  }
}

/**
 * The names of a model's classes: its weight set's (ImageNet-21k, 12k... for a model from
 * `entry.load`), else ImageNet-1k's for 1000 classes, else none (`class <i>`).
 */
export async function defaultLabels(model: tfl.LayersModel, numClasses: number): Promise<readonly string[] | null> {
  const classes = weightsOf(model)?.set?.classes;
  if (classes && classes.count === numClasses) {
    const names = await classLabels(classes.dataset);
    if (names && names.length === numClasses) return names;
  }
  return numClasses === IMAGENET_LABELS.length ? IMAGENET_LABELS : null;
}

/** Whether the model's output is already probabilities: its last layer is a softmax. */
export function endsInSoftmax(model: tfl.LayersModel): boolean {
  const last = model.outputs[0].sourceLayer;
  if (last.getClassName() === 'Softmax') return true;
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  return activation === 'softmax';
}

/** The model's input batch: `preprocess`ed, or checked when the caller says it already is one. */
export function modelInput(model: tfl.LayersModel, images: ImageInput | readonly ImageInput[], options: InferenceOptions): tf.Tensor4D {
  const shape = model.inputs[0].shape;
  if (options.preprocess === false) {
    if (!(images instanceof tf.Tensor)) {
      throw new ZooOptionError(
        'preprocess',
        false,
        'true unless the image is a tensor',
        'Only a normalised NHWC float tensor can skip preprocessing.',
      );
    }
    checkModelInput(model, images);
    return images as tf.Tensor4D;
  }
  const config = options.dataConfig ?? weightsOf(model)?.dataConfig ?? configFor(shape);
  const cfg = dataConfig(config);
  const [h, w] = [shape[1], shape[2]];
  if ((h !== null && h !== cfg.cropSize) || (w !== null && w !== cfg.cropSize)) {
    throw new ZooShapeError(
      `${model.name} takes ${h}x${w} inputs but the data configuration crops ${cfg.cropSize}x${cfg.cropSize}; ` +
        `pass a dataConfig with cropSize ${h}, or create the model with inputShape [${cfg.cropSize}, ${cfg.cropSize}, 3].`,
    );
  }
  return preprocess(images, cfg, options);
}

function configFor(shape: readonly (number | null)[]): Partial<DataConfig> {
  const [h, w] = [shape[1], shape[2]];
  return h !== null && h === w ? { cropSize: h } : IMAGENET_DATA_CONFIG;
}

/**
 * Checks a tensor given as the model's input: NHWC with the model's channels, float, finite,
 * and not 0-255 pixels (normalised ImageNet inputs stay within about [-2.2, 2.7]).
 */
export function checkModelInput(model: tfl.LayersModel, x: tf.Tensor): void {
  const want = model.inputs[0].shape;
  const s = x.shape;
  const wantText = `[batch, ${want.slice(1).map((d) => d ?? 'any')}]`;
  if (s.length !== want.length) {
    throw new ZooShapeError(`${model.name} takes rank-${want.length} input ${wantText}; got shape [${s}].`);
  }
  const channels = want[want.length - 1];
  if (s.length === 4 && channels !== null && s[3] !== channels) {
    if (s[1] === channels) {
      throw new ZooShapeError(
        `${model.name} takes NHWC input ${wantText}; got [${s}], which looks channels-first (NCHW). ` +
          `Transpose it: tf.transpose(x, [0, 2, 3, 1]) gives [${[s[0], s[2], s[3], s[1]]}].`,
      );
    }
    throw new ZooShapeError(`${model.name} takes ${channels} channels ${wantText}; got shape [${s}] with ${s[3]}.`);
  }
  for (let i = 1; i < s.length; i++) {
    if (want[i] !== null && want[i] !== s[i]) throw new ZooShapeError(`${model.name} takes input ${wantText}; got shape [${s}].`);
  }
  if (x.dtype !== 'float32') {
    throw new ZooValueError(
      'range',
      `${model.name} takes normalised float32 input; got a ${x.dtype} tensor, which looks like 0-255 pixels. ` +
        'Leave preprocessing on (the default), or pass preprocess(image, config).',
    );
  }
  const [sum, min, max] = tf.tidy(() => [tf.sum(x), tf.min(x), tf.max(x)].map((t) => t.dataSync()[0]));
  if (!Number.isFinite(sum)) {
    throw new ZooValueError(
      Number.isNaN(sum) ? 'nan' : 'infinite',
      `The input to ${model.name} holds NaN or infinite values (sum ${describe(sum)}); it must be finite.`,
    );
  }
  if (min >= 0 && max > 10) {
    throw new ZooValueError(
      'range',
      `The input to ${model.name} has values from ${min} to ${max}: 0-255 pixels, where the model expects normalised floats ` +
        '(about [-2.2, 2.7] after ImageNet mean and std). Leave preprocessing on (the default), or pass preprocess(image, config).',
    );
  }
}
