import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type CreateOptions, type ModelEntry, toSafetensors } from '@zoo/core-blocks/family';
import { type FashionMnist, readFashionMnist } from './fashion-mnist.js';
import { mulberry32 } from './random.js';

// Transfer learning on Fashion-MNIST, the recipe of apps/docs/content/guides/fine-tuning.md: a
// backbone loaded from a checkpoint with a new 10-class head, the backbone frozen while the head
// trains, then its last stage unfrozen. No jest here: the benchmark script runs it too.

const CLASSES = 10;
// ImageNet's normalisation, which the zoo's published weight sets use.
const MEAN = 0.449; // the mean of (0.485, 0.456, 0.406): one gray channel replicated
const STD = 0.226;

export interface FineTuneOptions {
  /** Square input side the 28x28 images are resized to (bilinear), replicated to 3 channels (default 32). */
  size?: number;
  /** Images per step (default 32). */
  batch?: number;
  /** Steps with only the new head trainable (default 150). */
  frozenSteps?: number;
  /** Steps with the head and the `unfreeze` layers trainable (default 150). */
  unfrozenSteps?: number;
  /** Layer-name prefixes of the last stage, unfrozen in the second phase (`features.12` matches `features.12.0`). */
  unfreeze: string[];
  /** Adam's learning rate in each phase (default 1e-3, then 3e-4). */
  lr?: [number, number];
  /** Training images drawn from the train split (default 6000) and held-out images from t10k (default 1000). */
  trainImages?: number;
  testImages?: number;
  /** Extra creation options (the zoo's dropRate, dropPathRate...). */
  createOptions?: CreateOptions & Record<string, unknown>;
  seed?: number;
  /**
   * Called with the model before a phase's first step and after its last, and awaited: a caller
   * can measure the model (save it, predict with it) before the next phase changes it or the
   * model is disposed. Its time counts in neither phase's steps per second.
   */
  onPhase?: (phase: 'frozen' | 'unfrozen', when: 'start' | 'end', model: tfl.LayersModel) => void | Promise<void>;
  /** Called after each step with its loss. */
  onStep?: (phase: 'frozen' | 'unfrozen', step: number, loss: number) => void;
}

export interface PhaseResult {
  steps: number;
  /** Held-out accuracy after the phase. */
  accuracy: number;
  /** Steps per second over the phase's steps (data preparation included, evaluation not). */
  stepsPerSecond: number;
  /** Mean loss over the phase's last 20 steps. */
  loss: number;
  /** Trainable parameters in the phase. */
  trainableParams: number;
}

export interface FineTuneResult {
  frozen: PhaseResult;
  unfrozen: PhaseResult;
  testImages: number;
  /** The share of the commonest class among the held-out images: what a classifier that ignores the image can reach. */
  majorityShare: number;
  /** Largest `tf.memory().numBytes` seen after a step (the backend's tensors). */
  peakTensorBytes: number;
  /** Largest resident set size seen after a step (the process, wasm heap included). */
  peakRssBytes: number;
  /** Which layers were trainable in each phase. */
  trainable: { frozen: string[]; unfrozen: string[] };
}

/** Images `indices` of `set` as a normalised [n, size, size, 3] batch and their one-hot labels. */
export function fashionBatch(set: FashionMnist, indices: readonly number[], size: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const px = set.rows * set.cols;
  const bytes = new Uint8Array(indices.length * px);
  indices.forEach((k, i) => {
    bytes.set(set.images.subarray(k * px, (k + 1) * px), i * px);
  });
  return tf.tidy(() => {
    const gray = tf.tensor4d(bytes, [indices.length, set.rows, set.cols, 1], 'int32');
    const resized = tf.image.resizeBilinear(tf.cast(gray, 'float32') as tf.Tensor4D, [size, size], false, true);
    const x = tf.div(tf.sub(tf.div(resized, 255), MEAN), STD);
    const labels = tf.tensor1d(
      Array.from(indices, (k) => set.labels[k]),
      'int32',
    );
    return { x: tf.tile(x, [1, 1, 1, 3]) as tf.Tensor4D, y: tf.oneHot(labels, CLASSES) as tf.Tensor2D };
  });
}

/** Held-out accuracy of `model` (logits or probabilities) on `indices` of `set`, in inference mode. */
export async function fashionAccuracy(
  model: tfl.LayersModel,
  set: FashionMnist,
  indices: readonly number[],
  size: number,
): Promise<number> {
  let right = 0;
  for (let i = 0; i < indices.length; i += 100) {
    const { x, y } = fashionBatch(set, indices.slice(i, i + 100), size);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), tf.argMax(y, -1)), 'int32')));
    right += (await hits.data())[0];
    tf.dispose([x, y, hits]);
  }
  return right / indices.length;
}

/**
 * Makes a randomly initialised model's BatchNorm statistics those of `x` (disposed), as training
 * leaves a published model's: one pass in training mode with every BatchNorm's momentum at 0, so
 * each moving mean and variance becomes its batch's. A fresh model's statistics (mean 0,
 * variance 1) are far from its activations', and in inference mode it then predicts one class
 * whatever the image (measured: 9.5 % held-out accuracy after 200 steps, with a training loss of 1.4).
 */
export function calibrateBatchNorm(model: tfl.LayersModel, x: tf.Tensor): void {
  const norms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization') as unknown as { momentum: number }[];
  const momenta = norms.map((l) => l.momentum);
  for (const l of norms) l.momentum = 0;
  try {
    tf.tidy(() => {
      model.apply(x, { training: true });
    });
  } finally {
    norms.forEach((l, i) => {
      l.momentum = momenta[i];
    });
    x.dispose();
  }
}

const matches = (name: string, prefixes: readonly string[]) => prefixes.some((p) => name === p || name.startsWith(`${p}.`));

/**
 * Fine-tunes `entry` on Fashion-MNIST on the active backend. The "pretrained" backbone is the
 * model's own random initialisation saved as a 1000-class checkpoint (nothing can be downloaded
 * here): `entry.load({ from, numClasses: 10 })` loads everything but the head, which stays fresh.
 */
export async function fineTuneFashionMnist(entry: ModelEntry, o: FineTuneOptions): Promise<FineTuneResult> {
  const size = o.size ?? 32;
  const batch = o.batch ?? 32;
  const [lr1, lr2] = o.lr ?? [1e-3, 3e-4];
  const rand = mulberry32(o.seed ?? 0);
  const train = readFashionMnist('train');
  const test = readFashionMnist('t10k');
  const trainIdx = Array.from({ length: o.trainImages ?? 6000 }, () => Math.floor(rand() * train.count));
  const testIdx = Array.from({ length: o.testImages ?? 1000 }, (_, i) => i);
  const counts = new Array(CLASSES).fill(0);
  for (const k of testIdx) counts[test.labels[k]]++;

  const published = entry.create({ ...o.createOptions, inputShape: [size, size, 3] });
  calibrateBatchNorm(published, fashionBatch(train, trainIdx.slice(0, 256), size).x);
  const checkpoint = toSafetensors(published);
  published.dispose();
  const model = await entry.load({
    ...o.createOptions,
    from: checkpoint,
    cache: false,
    inputShape: [size, size, 3],
    numClasses: CLASSES,
    classifierActivation: null,
  } as Parameters<ModelEntry['load']>[0]);

  let peakTensorBytes = 0;
  let peakRssBytes = 0;
  const head = model.layers[model.layers.length - 1].name;
  const phase = async (name: 'frozen' | 'unfrozen', steps: number, trainable: (layer: string) => boolean, lr: number) => {
    for (const layer of model.layers) layer.trainable = trainable(layer.name);
    // tfjs collects the trainable weights when the model is compiled: compile after (un)freezing.
    model.compile({ optimizer: tf.train.adam(lr), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
    await o.onPhase?.(name, 'start', model);
    const losses: number[] = [];
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const pick = Array.from({ length: batch }, () => trainIdx[Math.floor(rand() * trainIdx.length)]);
      const { x, y } = fashionBatch(train, pick, size);
      const loss = (await model.trainOnBatch(x, y)) as number;
      tf.dispose([x, y]);
      losses.push(loss);
      o.onStep?.(name, s, loss);
      peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - t0) / 1000;
    await o.onPhase?.(name, 'end', model);
    const last = losses.slice(-20);
    const result: PhaseResult = {
      steps,
      accuracy: await fashionAccuracy(model, test, testIdx, size),
      stepsPerSecond: steps / seconds,
      loss: last.reduce((a, b) => a + b, 0) / last.length,
      trainableParams: model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0),
    };
    // The phase's Adam (its moments, one pair per trainable weight): a model compiled with an
    // optimizer object does not own it, and would leave it behind when disposed.
    model.optimizer.dispose();
    return { result, layers: model.layers.filter((l) => l.trainable && l.weights.length > 0).map((l) => l.name) };
  };
  try {
    const frozen = await phase('frozen', o.frozenSteps ?? 150, (n) => n === head, lr1);
    const unfrozen = await phase('unfrozen', o.unfrozenSteps ?? 150, (n) => n === head || matches(n, o.unfreeze), lr2);
    return {
      frozen: frozen.result,
      unfrozen: unfrozen.result,
      testImages: testIdx.length,
      majorityShare: Math.max(...counts) / testIdx.length,
      peakTensorBytes,
      peakRssBytes,
      trainable: { frozen: frozen.layers, unfrozen: unfrozen.layers },
    };
  } finally {
    model.dispose();
  }
}
