import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadLayersModelChecked, type ModelEntry, withZeroInit, ZooError } from '@zoo/core-blocks/family';

/** What one save-and-load round trip of a catalog entry did and measured. */
export interface RoundTripResult {
  name: string;
  /** Side of the square input the model was built and run at (the smallest it accepts of those tried). */
  inputSize: number;
  backend: string;
  params: number;
  /** Bytes of weight data saved. */
  weightBytes: number;
  /** The loaded model's topology (`toJSON`) equals the saved model's: every layer's config round-tripped. */
  topologyEqual: boolean;
  /** Layers whose config differs after loading, by name (empty when `topologyEqual`). */
  configDiffs: string[];
  /** Outputs of the saved and the loaded model equal bit for bit. */
  identical: boolean;
  /** The first output that differs, when not identical. */
  firstDifference: { index: number; saved: number; loaded: number } | null;
  /** Outputs are finite and not all equal, so that identity means something. */
  informative: boolean;
  seconds: number;
}

export interface RoundTripOptions {
  /**
   * Backend of models up to `wasmMaxParams` parameters (default 'wasm', the fast one); larger
   * models run on 'cpu', whose memory is the process's (the wasm heap is bounded and never
   * shrinks). Both backends must be imported by the caller.
   */
  backend?: string;
  /**
   * Default 800 M: the wasm heap (4 GiB at most, never shrinking) holds the model once, plus its
   * largest weight while loading (`loadLayersModelChecked` sets weights one at a time); ViT-H's
   * 632 M took 36 s there. The cpu backend is far slower on grouped convolutions and attention.
   */
  wasmMaxParams?: number;
  /** Input sides to try, smallest first; the first the entry accepts is used (default 32, 28, 56, 64, 112, 224). */
  sizes?: readonly number[];
  /** Seed of the weight and input values. */
  seed?: number;
}

const SIZES = [32, 28, 56, 64, 112, 224];

/**
 * Fills `data` with offset + scale * u, u uniform in [-0.5, 0.5), from an xorshift32 state, and
 * returns the next state. A loop over a local int32 state: a generator closure is 100x slower
 * under jest's module sandbox.
 */
function fillUniform(data: Float32Array, state: number, offset: number, scale: number): number {
  let s = state | 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = offset + scale * (s * 2.3283064365386963e-10);
  }
  return s;
}

/**
 * Fills every weight with deterministic values scaled to keep activations of deep networks in
 * range (uniform with variance 1/fan-in for kernels, small biases, normalisation scales and
 * variances around 1): non-trivial weights, so that a weight lost or misplaced in saving shows
 * in the outputs. Writes typed arrays straight into the variables: random ops per weight would
 * cost minutes on the largest models.
 */
export function fillWeights(model: tfl.LayersModel, seed = 1): void {
  let state = seed;
  for (const w of model.weights) {
    const shape = w.shape as number[];
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (/variance|gamma|scale/i.test(w.originalName.split('/').pop() ?? '')) state = fillUniform(data, state, 1, 1);
    else if (shape.length <= 1) state = fillUniform(data, state, 0, 0.2);
    else state = fillUniform(data, state, 0, 2 * Math.sqrt(3 / shape.slice(0, -1).reduce((a, b) => a * b, 1)));
    const t = tf.tensor(data, shape, 'float32');
    w.write(t);
    t.dispose();
  }
}

function build(entry: ModelEntry, sizes: readonly number[]): { model: tfl.LayersModel; size: number } {
  let last: unknown;
  for (const size of sizes) {
    try {
      return { model: withZeroInit(() => entry.create({ inputShape: [size, size, 3] })), size };
    } catch (err) {
      if (!(err instanceof ZooError)) throw err;
      last = err;
    }
  }
  throw new Error(`${entry.name} accepts none of the input sizes ${sizes.join(', ')}: ${(last as Error).message}`);
}

function outputs(model: tfl.LayersModel, input: tf.Tensor): Float32Array {
  return tf
    .tidy(() => {
      const y = model.predict(input);
      return (Array.isArray(y) ? y[0]! : y).dataSync() as Float32Array;
    })
    .slice();
}

/** Layer configs of a topology by layer name, as JSON text. */
function layerConfigs(topology: unknown): Map<string, string> {
  const layers = (topology as { config?: { layers?: Array<{ name?: string; config?: unknown }> } }).config?.layers ?? [];
  return new Map(layers.map((l) => [String(l.name ?? (l.config as { name?: string })?.name), JSON.stringify(l)]));
}

/**
 * Builds the entry at a small input, fills its weights, saves it through an IOHandler
 * (`model.json` topology + weight data, as `tf.io.withSaveHandler` receives them), loads it back
 * with `loadLayersModelChecked` (the custom layers must be registered: importing the family does
 * that) and compares topology and outputs. The saved model is disposed before loading, so the
 * backend holds the weights once (the saved artifacts are in JavaScript memory).
 */
export async function saveLoadRoundTrip(entry: ModelEntry, options: RoundTripOptions = {}): Promise<RoundTripResult> {
  const t0 = performance.now();
  const previous = tf.getBackend();
  // Counted on zero-filled weights, which cost the cpu backend lazily mapped pages only.
  await tf.setBackend('cpu');
  let { model, size } = build(entry, options.sizes ?? SIZES);
  const backend = model.countParams() <= (options.wasmMaxParams ?? 800e6) ? (options.backend ?? 'wasm') : 'cpu';
  if (backend !== 'cpu') {
    model.dispose();
    await tf.setBackend(backend);
    ({ model, size } = build(entry, [size]));
  }
  try {
    return await roundTrip(entry, model, size, options, t0);
  } finally {
    if (previous) await tf.setBackend(previous);
  }
}

async function roundTrip(
  entry: ModelEntry,
  model: tfl.LayersModel,
  size: number,
  options: RoundTripOptions,
  t0: number,
): Promise<RoundTripResult> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  let saved: Float32Array;
  let params: number;
  const pixels = new Float32Array(size * size * 3);
  fillUniform(pixels, (options.seed ?? 1) + 1000, 0, 2);
  const input = tf.tensor4d(pixels, [1, size, size, 3]);
  try {
    fillWeights(model, options.seed ?? 1);
    params = model.countParams();
    saved = outputs(model, input);
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  try {
    const loaded = await loadLayersModelChecked(tf.io.fromMemory(artifacts!));
    let got: Float32Array;
    let topology: unknown;
    try {
      got = outputs(loaded, input);
      topology = loaded.toJSON(null, false);
    } finally {
      loaded.dispose();
    }
    const want = layerConfigs(artifacts!.modelTopology);
    const have = layerConfigs(topology);
    const configDiffs = [...want.keys()].filter((k) => want.get(k) !== have.get(k));
    for (const k of have.keys()) if (!want.has(k)) configDiffs.push(k);
    let firstDifference: RoundTripResult['firstDifference'] = null;
    const a = new Uint32Array(saved.buffer, saved.byteOffset, saved.length);
    const b = new Uint32Array(got.buffer, got.byteOffset, got.length);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        firstDifference = { index: i, saved: saved[i]!, loaded: got[i]! };
        break;
      }
    }
    const finite = saved.every(Number.isFinite);
    const informative = finite && saved.some((v) => v !== saved[0]);
    const weightData = artifacts!.weightData ?? [];
    return {
      name: entry.name,
      inputSize: size,
      backend: tf.getBackend(),
      params,
      weightBytes: (Array.isArray(weightData) ? weightData : [weightData]).reduce((n, d) => n + d.byteLength, 0),
      topologyEqual: JSON.stringify(artifacts!.modelTopology) === JSON.stringify(topology),
      configDiffs,
      identical: firstDifference === null && a.length === b.length,
      firstDifference,
      informative,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    input.dispose();
  }
}
