import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  loadLayersModelChecked,
  type ModelEntry,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizeReport,
  quantizeArtifacts,
  sealArtifacts,
  withZeroInit,
} from '@zoo/core-blocks/family';
import { calibrateBatchNorm } from './fine-tune.js';
import { mulberry32 } from './random.js';

// What quantizing a model's weight file costs: the bytes it saves and how far the logits move.
// Measured on perturbed random weights (nothing can be downloaded here): every weight drawn from
// a seeded generator with the statistics a trained model's have (not the identity norms and zero
// biases of a fresh one, which would hide errors in the tensors the rule keeps float32), the same
// bits on every run. No jest here: apps/docs/scripts/measure-quantization.mjs runs it too.

/** TF.js's shard size, as `zoo convert` (the profiler's file save handler) writes them. */
const SHARD_BYTES = 4 * 1024 * 1024;

type Weight = tfl.LayersModel['weights'][number];

/**
 * Sets every weight of `model` from a mulberry32 stream seeded with `seed`, in the model's weight
 * order, so that the same model gets bitwise the same weights in every run:
 *
 * - kernels (a name ending in `kernel`): He-uniform, ±sqrt(6 / fan-in), fan-in the product of all
 *   dimensions but the last;
 * - biases and the betas of BatchNorm and LayerNorm: uniform ±0.05;
 * - the gammas of BatchNorm and LayerNorm: 1 ± 0.1; a `LayerScale` layer's gamma: 0.05 to 0.15;
 * - everything else (position tables, class tokens, relative position bias tables): uniform ±0.02;
 * - BatchNorm's moving mean and variance: then measured on a seeded random batch of two images
 *   (`calibrateBatchNorm`, with dropout and stochastic depth off), as training leaves them, so
 *   that every channel is normalised.
 */
export function seedWeights(model: tfl.LayersModel, seed = 0): void {
  const rand = mulberry32(seed);
  const classOf = new Map<Weight, string>();
  for (const layer of model.layers) for (const w of layer.weights) if (!classOf.has(w)) classOf.set(w, layer.getClassName());
  for (const w of model.weights) {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const last = w.originalName.split('/').pop() ?? '';
    const layerClass = classOf.get(w) ?? '';
    const values = new Float32Array(n);
    let lo: number;
    let hi: number;
    if (last.endsWith('kernel')) {
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      hi = Math.sqrt(6 / Math.max(1, fanIn));
      lo = -hi;
    } else if (last === 'bias' || last === 'beta') {
      [lo, hi] = [-0.05, 0.05];
    } else if (last === 'gamma') {
      [lo, hi] = layerClass === 'LayerScale' ? [0.05, 0.15] : [0.9, 1.1];
    } else if (last === 'moving_mean') {
      [lo, hi] = [0, 0]; // measured below
    } else if (last === 'moving_variance') {
      [lo, hi] = [1, 1]; // measured below
    } else {
      [lo, hi] = [-0.02, 0.02];
    }
    if (lo === hi) values.fill(lo);
    else for (let i = 0; i < n; i++) values[i] = lo + (hi - lo) * rand();
    const t = tf.tensor(values, shape, 'float32');
    try {
      w.write(t);
    } finally {
      t.dispose();
    }
  }
  if (model.layers.some((l) => l.getClassName() === 'BatchNormalization')) {
    const [, h, wd, c] = model.inputs[0]!.shape as number[];
    withoutRandomLayers(model, () => calibrateBatchNorm(model, uniformImages(2, h!, wd!, c!, rand)));
  }
}

/**
 * Runs `fn` with every layer that draws random numbers in training (dropout, stochastic depth:
 * layers with a `rate`) at rate 0, then restores them. Their draws are not seeded, so the
 * calibration pass, which runs in training mode, would give other BatchNorm statistics in every
 * run (EfficientNet's stochastic depth feeds its BatchNorms).
 */
function withoutRandomLayers(model: tfl.LayersModel, fn: () => void): void {
  const random = model.layers.filter((l) => typeof (l as unknown as { rate?: unknown }).rate === 'number') as unknown as { rate: number }[];
  const rates = random.map((l) => l.rate);
  for (const l of random) l.rate = 0;
  try {
    fn();
  } finally {
    random.forEach((l, i) => {
      l.rate = rates[i];
    });
  }
}

/** Images of normalised pixel values, uniform in ±2 (about the range ImageNet normalisation gives), from `rand`. */
function uniformImages(n: number, h: number, w: number, c: number, rand: () => number): tf.Tensor4D {
  const values = new Float32Array(n * h * w * c);
  for (let i = 0; i < values.length; i++) values[i] = 4 * rand() - 2;
  return tf.tensor4d(values, [n, h, w, c]);
}

/** A [1, size, size, 3] float32 image of normalised pixel values, uniform in ±2, the same for the same seed. */
export function seededImage(size: number, seed: number): tf.Tensor4D {
  return uniformImages(1, size, size, 3, mulberry32(seed));
}

/**
 * max |got − reference| over max |reference|: the largest error relative to the range of the
 * logits, not elementwise. An elementwise relative error is meaningless near 0: a logit of 1e-5
 * that becomes 2e-5 is "100 % off" and changes nothing, while the logits' range is what decides
 * how far a value must move to change a prediction. 0 when both are all zeros.
 */
export function maxRelativeError(reference: tf.Tensor | ArrayLike<number>, got: tf.Tensor | ArrayLike<number>): number {
  const ref = reference instanceof tf.Tensor ? reference.dataSync() : reference;
  const out = got instanceof tf.Tensor ? got.dataSync() : got;
  if (ref.length !== out.length) throw new Error(`maxRelativeError: ${ref.length} reference values, ${out.length} to compare`);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i]));
    const d = Math.abs(out[i] - ref[i]);
    err = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(err, d);
  }
  if (scale === 0) return err === 0 ? 0 : Number.POSITIVE_INFINITY;
  return err / scale;
}

/** The artifacts `model.save` hands a save handler (float32, as they are). */
export async function saveArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** The weight data's byte length. */
export function weightBytesOf(artifacts: tf.io.ModelArtifacts): number {
  return new tf.io.CompositeArrayBuffer(artifacts.weightData ?? []).byteLength;
}

/**
 * The length in bytes (UTF-8) of the `model.json` a file save of `artifacts` writes, as `zoo
 * convert` writes it: the topology, the manifest with one path per 4 MiB shard, the metadata.
 */
export function modelJsonBytesOf(artifacts: tf.io.ModelArtifacts): number {
  const count = Math.max(1, Math.ceil(weightBytesOf(artifacts) / SHARD_BYTES));
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? 'zoo convert',
    weightsManifest: [
      { paths: Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`), weights: artifacts.weightSpecs ?? [] },
    ],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  return new TextEncoder().encode(JSON.stringify(json)).byteLength;
}

export interface QuantizedCopy {
  /** The model read back from the quantized artifacts (dequantized to float32 as TF.js does): the caller disposes it. */
  model: tfl.LayersModel;
  report: QuantizeReport;
  /** The quantized weight data (what the shards hold). */
  weightBytes: number;
  /** The `model.json` a file save of the quantized artifacts writes. */
  modelJsonBytes: number;
}

/** `artifacts` quantized to `dtype` and read back by `loadLayersModelChecked`, as a served file would be (dispose its model with `disposeModel`). */
export async function quantizedCopyOf(artifacts: tf.io.ModelArtifacts, dtype: QuantizeDtype): Promise<QuantizedCopy> {
  const q = await quantizeArtifacts(artifacts, dtype);
  const model = await loadLayersModelChecked(tf.io.fromMemory(q.artifacts));
  return { model, report: q.report, weightBytes: weightBytesOf(q.artifacts), modelJsonBytes: modelJsonBytesOf(q.artifacts) };
}

/** `model` saved to memory, quantized to `dtype` (`quantizeArtifacts`) and loaded back: its copy as a quantized file gives it. */
export async function quantizedCopy(model: tfl.LayersModel, dtype: QuantizeDtype): Promise<QuantizedCopy> {
  return quantizedCopyOf(await saveArtifacts(model), dtype);
}

/** One format of a model's weight file. */
export interface FormatFigures {
  /** The weight shards and model.json together. */
  bytesOnDisk: number;
  /** `maxRelativeError` of the logits against the float32 model's, for the seeded image. */
  maxRelativeLogitError: number;
  /** Weights stored quantized. */
  quantized: number;
  /** Weights the rule keeps float32. */
  keptFloat32: number;
  /** Kernels the rule would quantize that stayed float32 (values the format cannot hold). */
  unrepresentable: number;
}

export interface QuantizationFigures {
  name: string;
  inputSize: number;
  /** Every weight's value count, BatchNorm statistics included. */
  weights: number;
  formats: Record<'float32' | QuantizeDtype, FormatFigures>;
  /**
   * The float32 model's `maxRelativeError` when the image itself is rounded at float16's
   * precision instead (each value times 1 ± 2⁻¹¹, seeded): how much this model, with these
   * weights, amplifies a change that small. A model whose logits move far for it moves far for
   * rounded kernels too, whatever the format.
   */
  inputRoundingError: number;
  /** Anything the measurement could not do as `zoo convert` does it. */
  notes: string[];
}

/**
 * Disposes `model` and any weight its `dispose` leaves: tfjs-layers counts a layer applied twice
 * in one model (CBAM's channel-gate MLP, shared by its average and max branches) as referenced
 * twice, and `LayersModel.dispose` releases it once, so that layer's weights would stay.
 */
export function disposeModel(model: tfl.LayersModel): void {
  const weights = model.weights;
  model.dispose();
  for (const w of weights) if (!(w as unknown as { val: tf.Variable }).val.isDisposed) w.dispose();
}

/**
 * Builds `entry` at its default input, sets its weights with `seedWeights(seed)`, and predicts
 * `seededImage(size, seed)` in float32 and through a quantized copy for each of `dtypes`; figures
 * for each format, float32 included (its error 0), and the float32 model's error for the image
 * rounded at float16's precision (`inputRoundingError`), the yardstick of its sensitivity. One model is held at a time (the float32 one
 * is disposed once its artifacts are saved), so ViT-H's 2.5 GB fits the wasm heap. Every tensor
 * it makes is disposed.
 */
export async function measureQuantization(
  entry: ModelEntry,
  { seed = 0, dtypes = QUANTIZE_DTYPES }: { seed?: number; dtypes?: readonly QuantizeDtype[] } = {},
): Promise<QuantizationFigures> {
  const size = entry.defaultInputSize;
  // seedWeights overwrites every weight: skip the random initialisation.
  const model = withZeroInit(() => entry.create());
  const x = seededImage(size, seed);
  try {
    let artifacts: tf.io.ModelArtifacts;
    let reference: Float32Array;
    let inputRoundingError = 0;
    try {
      seedWeights(model, seed);
      reference = await logitsOf(model, x);
      const nudged = perturbed(x, 2 ** -11, seed);
      try {
        inputRoundingError = maxRelativeError(reference, await logitsOf(model, nudged));
      } finally {
        nudged.dispose();
      }
      artifacts = await saveArtifacts(model);
    } finally {
      disposeModel(model);
    }
    const notes: string[] = [];
    const weightBytes = weightBytesOf(artifacts);
    const specs = artifacts.weightSpecs ?? [];
    const formats = {
      float32: {
        // Sealed as `zoo convert` writes float32 (the weights' SHA-256 in its metadata).
        bytesOnDisk: weightBytes + modelJsonBytesOf(await sealArtifacts(artifacts)),
        maxRelativeLogitError: 0,
        quantized: 0,
        keptFloat32: specs.length,
        unrepresentable: 0,
      },
    } as QuantizationFigures['formats'];
    for (const dtype of dtypes) {
      const copy = await quantizedCopyOf(artifacts, dtype);
      try {
        formats[dtype] = {
          bytesOnDisk: copy.weightBytes + copy.modelJsonBytes,
          maxRelativeLogitError: maxRelativeError(reference, await logitsOf(copy.model, x)),
          quantized: copy.report.quantized.length,
          keptFloat32: copy.report.kept.length,
          unrepresentable: copy.report.unrepresentable.length,
        };
      } finally {
        disposeModel(copy.model);
      }
    }
    return {
      name: entry.name,
      inputSize: size,
      weights: specs.reduce((a, s) => a + s.shape.reduce((p, d) => p * d, 1), 0),
      formats,
      inputRoundingError,
      notes,
    };
  } finally {
    x.dispose();
  }
}

/** `x` with each value times 1 + u, u uniform in ±`relative` (a stream seeded apart from the image's). */
function perturbed(x: tf.Tensor, relative: number, seed: number): tf.Tensor {
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const values = x.dataSync().slice() as Float32Array;
  for (let i = 0; i < values.length; i++) values[i] *= 1 + relative * (2 * rand() - 1);
  return tf.tensor(values, x.shape, 'float32');
}

/** The model's output for `x`, every output's values one after the other. */
async function logitsOf(model: tfl.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor | tf.Tensor[];
  const outputs = Array.isArray(y) ? y : [y];
  try {
    const parts = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  } finally {
    tf.dispose(outputs);
  }
}
