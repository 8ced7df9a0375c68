import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type CreateOptions, loadCheckpoint, type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { readSafetensorsFile } from '@zoo/core-blocks/node';
import { type FixtureRequest, fixturesPassed, referenceFixtures } from './fixtures.js';
import { readWholeFile } from './read-file.js';

export interface ParityOptions {
  /** Square input side (default: the entry's default input size). */
  size?: number;
  /**
   * Other sizes this model will be checked at: their reference outputs are generated in the
   * same Python run (one model build instead of one per size).
   */
  prepareSizes?: number[];
  /** Images per batch (default 2). */
  batch?: number;
  /** Seed of the reference's random weights and input (default 0). */
  seed?: number;
  /** torchvision builder name when it differs from the entry's name. */
  reference?: string;
  /** Keyword arguments of the torchvision builder (for example `{ image_size: 384 }`). */
  referenceKwargs?: Record<string, unknown>;
  /** Options of `entry.create`, besides the input shape. */
  createOptions?: CreateOptions;
  /**
   * Regex of the reference's module paths of the norms that end residual branches (ResNet:
   * `^layer\\d+\\.\\d+\\.bn[23]$`). Their weight is multiplied by `residualGain` (default 0.2)
   * before BatchNorm statistics are measured: a deep random residual net otherwise amplifies
   * float32 rounding past the tolerance (ResNet-152: PyTorch's float32 output is 4e-4 from
   * float64), which trained nets, whose branches are small, do not.
   */
  residualNorms?: string;
  residualGain?: number;
  /** Largest max|zoo - ref| allowed, relative to max|ref| (default 1e-4). */
  tolerance?: number;
}

export interface ParityResult {
  model: string;
  size: number;
  batch: number;
  maxAbsDiff: number;
  maxAbsRef: number;
  /** maxAbsDiff / maxAbsRef. */
  relative: number;
  /** Seconds spent: reference fixtures (0 when reused), building and loading the zoo model, the forward pass. */
  seconds: { fixtures: number; load: number; predict: number };
}

/** max|zoo - ref| exceeded the tolerance, the outputs have NaN, or their shapes differ. */
export class ParityError extends Error {
  override name = 'ParityError';
}

const now = () => performance.now() / 1000;

/**
 * Builds the reference with random weights (torchvision, through Debian's PyTorch), loads its
 * state dict into `entry`'s model with the strict checkpoint loader, runs both on the same input
 * (the zoo's on the wasm backend, inference mode) and throws a `ParityError` unless
 * max|zoo - ref| <= tolerance * max|ref| with no NaN. Returns the measured figures.
 */
export async function checkParity(entry: ModelEntry, options: ParityOptions = {}): Promise<ParityResult> {
  const size = options.size ?? entry.defaultInputSize;
  const batch = options.batch ?? 2;
  const tolerance = options.tolerance ?? 1e-4;
  const t0 = now();
  const fixtures = await referenceFixtures(fixtureRequest(entry, options, size, batch));
  const t1 = now();
  const previous = tf.getBackend();
  if (previous !== 'wasm') await tf.setBackend('wasm');
  // Every weight comes from the checkpoint (the load is strict), so random draws would be wasted.
  const model = withZeroInit(() => entry.create({ ...options.createOptions, inputShape: [size, size, 3] }));
  try {
    loadCheckpoint(model, await readWholeFile(fixtures.checkpoint));
    const t2 = now();
    const result = await compareWithReference(model, entry.name, fixtures.io.get(size)!, { tolerance, hint: fixtures.checkpoint });
    const out: ParityResult = { ...result, seconds: { fixtures: t1 - t0, load: t2 - t1, predict: result.seconds } };
    fixturesPassed(fixtures, size);
    return out;
  } finally {
    model.dispose();
    if (previous && previous !== 'wasm') await tf.setBackend(previous);
  }
}

/** What both checks ask of the reference script: the model, its random weights' seed, the sizes and the calibration. */
function fixtureRequest(entry: ModelEntry, options: ParityOptions | FeatureParityOptions, size: number, batch: number): FixtureRequest {
  return {
    reference: options.reference ?? entry.name,
    seed: options.seed ?? 0,
    batch,
    sizes: [...new Set([size, ...(options.prepareSizes ?? [])])],
    kwargs: options.referenceKwargs ?? {},
    calibSize: entry.defaultInputSize,
    residualNorms: options.residualNorms,
    residualGain: options.residualGain,
  };
}

/**
 * Runs `model` on a fixture's input (NCHW, transposed to NHWC) and compares with its output:
 * throws a `ParityError` unless max|zoo - ref| <= tolerance * max|ref| with no NaN.
 */
export async function compareWithReference(
  model: tfl.LayersModel,
  name: string,
  ioPath: string,
  options: { tolerance: number; hint: string },
): Promise<Omit<ParityResult, 'seconds'> & { seconds: number }> {
  const t0 = now();
  const io = await readSafetensorsFile(ioPath);
  const input = io.info('input')!.shape;
  const [batch, , size] = input;
  const ref = io.float32('output');
  const refShape = io.info('output')!.shape;
  const out = tf.tidy(() => {
    const x = tf.transpose(tf.tensor(io.float32('input'), input), [0, 2, 3, 1]);
    const y = model.predict(x) as tf.Tensor;
    // A feature map comes back NHWC; the reference's is NCHW.
    return y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y;
  });
  const zoo = (await out.data()) as Float32Array;
  const zooShape = out.shape;
  out.dispose();
  if (zooShape.join() !== refShape.join()) {
    throw new ParityError(`${name} at ${size}x${size}: output shape [${zooShape}] differs from the reference's [${refShape}].`);
  }
  let maxAbsDiff = 0;
  let maxAbsRef = 0;
  let nan = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(zoo[i]) || Number.isNaN(ref[i])) nan++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(zoo[i] - ref[i]));
    maxAbsRef = Math.max(maxAbsRef, Math.abs(ref[i]));
  }
  const relative = maxAbsDiff / maxAbsRef;
  if (nan || !(maxAbsDiff <= options.tolerance * maxAbsRef)) {
    throw new ParityError(
      `${name} at ${size}x${size}, batch ${batch}: max|zoo - ref| = ${maxAbsDiff.toExponential(3)}, ` +
        `max|ref| = ${maxAbsRef.toExponential(3)}, relative ${relative.toExponential(3)} > ${options.tolerance}` +
        `${nan ? `; ${nan} NaN value(s)` : ''}. Fixtures: ${options.hint}`,
    );
  }
  return { model: name, size, batch, maxAbsDiff, maxAbsRef, relative, seconds: now() - t0 };
}

export interface FeatureParityOptions extends Omit<ParityOptions, 'createOptions'> {
  /** The library whose feature extractor is the reference (default torchvision). */
  builder?: 'torchvision' | 'timm';
  /** Stages to check, by index into `entry.featureInfo` (default `entry.defaultOutIndices`). */
  outIndices?: readonly number[];
  /**
   * The reference's name for each stage chosen, in order: torchvision module paths, given to
   * `create_feature_extractor` (default each stage's `module`), or, with `builder: 'timm'`, the
   * stage's index among timm's `feature_info` (default the index itself).
   */
  referenceFeatures?: readonly (string | number)[];
  /**
   * How the reference lays out each map: `NCHW` (default), `NHWC` (torchvision's Swin), or
   * `tokens` (`[B, 1 + rows * cols, C]`, a ViT block's output with its class token first).
   */
  referenceLayout?: 'NCHW' | 'NHWC' | 'tokens';
  /** Other options of `entry.create`, besides `featuresOnly`, `outIndices` and the input shape. */
  createOptions?: CreateOptions;
}

export interface FeatureParityResult extends Omit<ParityResult, 'maxAbsDiff' | 'maxAbsRef' | 'relative'> {
  /** Per map, in the order of `outIndices`: its NHWC shape and max|zoo - ref| / max|ref|. */
  maps: { index: number; shape: number[]; relative: number }[];
  /** The worst map's relative error. */
  relative: number;
}

/**
 * `checkParity` for `create({ featuresOnly: true })`: the zoo's feature maps against the
 * reference's feature extractor on the same weights and input, map by map. Throws a `ParityError`
 * when a map's shape differs, holds NaN, or is off by more than the tolerance (relative to that
 * map's max|ref|).
 */
export async function checkFeatureParity(entry: ModelEntry, options: FeatureParityOptions = {}): Promise<FeatureParityResult> {
  const size = options.size ?? entry.defaultInputSize;
  const batch = options.batch ?? 2;
  const tolerance = options.tolerance ?? 1e-4;
  const outIndices = options.outIndices ?? entry.defaultOutIndices;
  const info = outIndices.map((i) => entry.featureInfo.at(i)!);
  const builder = options.builder ?? 'torchvision';
  const features = options.referenceFeatures ?? info.map((f) => (builder === 'timm' ? f.index : f.module));
  const t0 = now();
  const fixtures = await referenceFixtures({
    ...fixtureRequest(entry, options, size, batch),
    ...(builder === 'timm' ? { builder } : {}),
    features,
  });
  const t1 = now();
  const previous = tf.getBackend();
  if (previous !== 'wasm') await tf.setBackend('wasm');
  const model = withZeroInit(() =>
    entry.create({ ...options.createOptions, featuresOnly: true, outIndices: [...outIndices], inputShape: [size, size, 3] }),
  );
  try {
    // The classification model's checkpoint: a features-only model takes the weights of its layers.
    const report = loadCheckpoint(model, await readWholeFile(fixtures.checkpoint), { strict: false });
    if (report.missing.length) {
      throw new ParityError(`${entry.name} features: the checkpoint lacks ${report.missing.slice(0, 5).join(', ')}.`);
    }
    const t2 = now();
    const io = await readSafetensorsFile(fixtures.io.get(size)!);
    const inputShape = io.info('input')!.shape;
    const outs = tf.tidy(() => {
      const x = tf.transpose(tf.tensor(io.float32('input'), inputShape), [0, 2, 3, 1]);
      const y = model.predict(x);
      return Array.isArray(y) ? y : [y];
    });
    const t3 = now();
    const maps: FeatureParityResult['maps'] = [];
    try {
      for (let k = 0; k < outs.length; k++) {
        const zooShape = outs[k].shape;
        const ref = io.float32(`feat.${k}`);
        const refShape = io.info(`feat.${k}`)!.shape;
        const layout = options.referenceLayout ?? 'NCHW';
        // The zoo's map in the reference's layout, as a flat array.
        const zoo = tf.tidy(() => {
          const m = outs[k];
          if (layout === 'NHWC') return m;
          if (layout === 'tokens') return tf.reshape(m, [m.shape[0], -1, m.shape.at(-1)!]);
          return tf.transpose(m, [0, 3, 1, 2]);
        });
        const zooData = (await zoo.data()) as Float32Array;
        const zooLaid = zoo.shape;
        zoo.dispose();
        // A ViT's tokens: the class token first, then the patches the map holds.
        const refLaid = layout === 'tokens' ? [refShape[0], refShape[1] - 1, refShape[2]] : refShape;
        const patches = layout === 'tokens' ? tokensWithoutPrefix(ref, refShape[0], refShape[1], refShape[2]) : ref;
        if (zooLaid.join() !== refLaid.join()) {
          throw new ParityError(
            `${entry.name} at ${size}x${size}, map ${outIndices[k]} (${info[k].module}): shape [${zooShape}] (zoo, NHWC) against the reference's [${refShape}] (${layout}).`,
          );
        }
        const { maxAbsDiff, maxAbsRef, nan } = compareArrays(zooData, patches);
        const relative = maxAbsDiff / maxAbsRef;
        if (nan || !(maxAbsDiff <= tolerance * maxAbsRef)) {
          throw new ParityError(
            `${entry.name} at ${size}x${size}, batch ${batch}, map ${outIndices[k]} (${info[k].module}): relative error ${relative.toExponential(3)} > ${tolerance}` +
              `${nan ? `; ${nan} NaN value(s)` : ''}. Fixtures: ${fixtures.checkpoint}`,
          );
        }
        maps.push({ index: outIndices[k], shape: zooShape, relative });
      }
    } finally {
      tf.dispose(outs);
    }
    fixturesPassed(fixtures, size);
    return {
      model: entry.name,
      size,
      batch,
      maps,
      relative: Math.max(...maps.map((m) => m.relative)),
      seconds: { fixtures: t1 - t0, load: t2 - t1, predict: t3 - t2 },
    };
  } finally {
    model.dispose();
    if (previous && previous !== 'wasm') await tf.setBackend(previous);
  }
}

/**
 * The largest absolute difference and reference value, and the NaNs, over two arrays. Plain
 * operators, no `Math` or `Number` calls: jest runs tests in a `vm` context, where each lookup
 * of a global goes through Node's interceptors, 20 times slower (30 s for VGG's maps at 224).
 */
function compareArrays(zoo: Float32Array, ref: Float32Array): { maxAbsDiff: number; maxAbsRef: number; nan: number } {
  let maxAbsDiff = 0;
  let maxAbsRef = 0;
  let nan = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = zoo[i];
    const b = ref[i];
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test without a global lookup
    if (a !== a || b !== b) nan++;
    const d = a > b ? a - b : b - a;
    if (d > maxAbsDiff) maxAbsDiff = d;
    const r = b < 0 ? -b : b;
    if (r > maxAbsRef) maxAbsRef = r;
  }
  return { maxAbsDiff, maxAbsRef, nan };
}

function tokensWithoutPrefix(data: Float32Array, batch: number, tokens: number, dim: number): Float32Array {
  const out = new Float32Array(batch * (tokens - 1) * dim);
  for (let b = 0; b < batch; b++) out.set(data.subarray((b * tokens + 1) * dim, (b + 1) * tokens * dim), b * (tokens - 1) * dim);
  return out;
}
