/**
 * The in-page half of the cross-backend check, bundled for the browser by the test: builds a
 * case's model on the cpu backend with deterministic weights, computes the cpu's output, the
 * fused plan's input and each custom layer's input and output, then switches backend and
 * measures how far the same model, the same fused plan and each layer on its own land from the
 * cpu. Only the errors leave the page.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { catalog as classic } from '@zoo/cnn-classic';
import { CUSTOM_LAYERS, classifyBatch, type ModelEntry, ZooNonFiniteError } from '@zoo/core-blocks/family';
import { compile } from '@zoo/fused';
import { catalog as mobile } from '@zoo/mobile';
import { catalog as transformers } from '@zoo/transformers';
import type { BackendCase } from './cases.js';

// `?f16`: webgl stores every texture in 16-bit floats, as TF.js does where float32 render
// targets are missing (many phones); set before the backend is first used.
if (new URLSearchParams(globalThis.location?.search).has('f16')) tf.env().set('WEBGL_FORCE_F16_TEXTURES', true);

const ENTRIES = new Map<string, ModelEntry>([...classic, ...mobile, ...transformers].map((e) => [e.name, e]));
const CUSTOM = new Set(CUSTOM_LAYERS.map((c) => c.className));

export interface LayerError {
  className: string;
  layer: string;
  relative: number;
}

export interface BackendResult {
  backend: string;
  /** Max |backend - cpu| / max |cpu| of the model's output. */
  model: number;
  /** The same for the fused plan on that backend against the model on the cpu. */
  fused: number;
  top1Agrees: boolean;
  layers: LayerError[];
  /** What failed, with the layer it failed in: a backend that cannot run something must say so. */
  errors: string[];
  /** Where the output is not finite: the first layer, in graph order, whose output on this backend is not. */
  firstNonFinite?: { layer: string; className: string; max: number };
  /** Where the output is not finite: what `classifyBatch` did with it (it must refuse, naming the backend). */
  refused?: { error: string; backend: string; float16: boolean } | { answered: true };
  ms: number;
}

export interface CaseResult {
  model: string;
  family: string;
  classes: string[];
  cpuMs: number;
  results: BackendResult[];
}

function relative(got: Float32Array | Int32Array | Uint8Array, want: Float32Array): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    // A NaN must count as the largest error, not vanish from a max.
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Weights that exercise every term: BatchNorm statistics and affine parameters away from 0 and 1. */
function fill(model: tfl.LayersModel): void {
  model.setWeights(
    model.weights.map((w, i) => {
      const shape = w.shape as number[];
      const name = w.originalName;
      const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
      if (/moving_variance|gamma/.test(name)) return tf.randomUniform(shape, 0.5, 1.5, 'float32', 1000 + i);
      if (/moving_mean|beta|bias/.test(name)) return tf.randomUniform(shape, -0.2, 0.2, 'float32', 1000 + i);
      return tf.randomNormal(shape, 0, 1.2 / Math.sqrt(fanIn), 'float32', 1000 + i);
    }),
  );
}

const asList = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t : [t]);
const argmax = (a: Float32Array, n: number, k: number) =>
  Array.from({ length: n }, (_, b) => {
    let best = 0;
    for (let i = 1; i < k; i++) if (a[b * k + i] > a[b * k + best]) best = i;
    return best;
  });

async function flat(t: tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(asList(t).map(async (x) => (await x.data()) as Float32Array));
}

/** The first layer (graph order) whose output on the active backend holds a NaN or an infinity, with the largest finite magnitude before it. */
async function locateNonFinite(model: tfl.LayersModel, x: tf.Tensor): Promise<BackendResult['firstNonFinite']> {
  const layers = model.layers.slice(1);
  const outs = layers.map((l) => {
    const o = l.getOutputAt(0);
    return Array.isArray(o) ? o[0] : o;
  });
  const all = tfl.model({ inputs: model.inputs, outputs: outs });
  const ys = asList(all.predict(x) as tf.Tensor | tf.Tensor[]);
  let max = 0;
  try {
    for (const [i, y] of ys.entries()) {
      const d = (await y.data()) as Float32Array;
      if (!d.every(Number.isFinite)) return { layer: layers[i].name, className: layers[i].getClassName(), max };
      for (const v of d) max = Math.max(max, Math.abs(v));
    }
    return undefined;
  } finally {
    tf.dispose(ys);
  }
}

async function check(c: BackendCase, backends: string[]): Promise<CaseResult> {
  const entry = ENTRIES.get(c.model);
  if (!entry) throw new Error(`No model ${c.model} in the catalogs.`);
  await tf.setBackend('cpu');
  const t0 = performance.now();
  const model = entry.create({ ...c.options, inputShape: [c.size, c.size, 3] });
  fill(model);
  const x = tf.randomUniform([2, c.size, c.size, 3], -2, 2, 'float32', 7);
  const want = (await flat(model.predict(x) as tf.Tensor))[0];
  const outShape = model.outputs[0].shape;
  const k = outShape[outShape.length - 1] ?? 1;
  const wantTop = argmax(want, 2, k);

  // The first layer of each custom class, fed the cpu's input to it.
  const seen = new Set<string>();
  const probes = model.layers.filter((l) => {
    const cls = l.getClassName();
    if (!CUSTOM.has(cls) || seen.has(cls)) return false;
    seen.add(cls);
    return true;
  });
  const symbolic = probes.map((l) => {
    const input = l.getInputAt(0);
    return Array.isArray(input) ? input : [input];
  });
  const taps = tfl.model({ inputs: model.inputs, outputs: symbolic.flat() });
  const tapped = asList(taps.predict(x) as tf.Tensor | tf.Tensor[]);
  const layerInputs: tf.Tensor[][] = [];
  for (const s of symbolic) layerInputs.push(tapped.slice(layerInputs.flat().length, layerInputs.flat().length + s.length));
  const layerWant = await Promise.all(
    probes.map(async (l, i) => {
      const out = tf.tidy(
        () => l.apply(layerInputs[i].length === 1 ? layerInputs[i][0] : layerInputs[i], { training: false }) as tf.Tensor | tf.Tensor[],
      );
      const data = await flat(out as tf.Tensor | tf.Tensor[]);
      tf.dispose(out as tf.Tensor | tf.Tensor[]);
      return data;
    }),
  );
  const fused = compile(model);
  const cpuMs = performance.now() - t0;

  const results: BackendResult[] = [];
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`The ${backend} backend did not start in this browser.`);
    await tf.ready();
    const t1 = performance.now();
    const errors: string[] = [];
    let modelErr = Number.POSITIVE_INFINITY;
    let fusedErr = Number.POSITIVE_INFINITY;
    let top1Agrees = false;
    let firstNonFinite: BackendResult['firstNonFinite'];
    let refused: BackendResult['refused'];
    try {
      const y = model.predict(x) as tf.Tensor;
      const got = (await y.data()) as Float32Array;
      y.dispose();
      modelErr = relative(got, want);
      top1Agrees = argmax(got, 2, k).every((v, i) => v === wantTop[i]);
      if (!got.every(Number.isFinite)) {
        firstNonFinite = await locateNonFinite(model, x);
        refused = await classifyBatch(model, x, { preprocess: false }).then(
          () => ({ answered: true as const }),
          (e) =>
            e instanceof ZooNonFiniteError
              ? { error: e.name, backend: e.backend, float16: e.float16 }
              : { error: String(e), backend, float16: false },
        );
      }
    } catch (err) {
      errors.push(`model on ${backend}: ${(err as Error)?.message ?? err}`);
    }
    try {
      const y = fused.predict(x) as tf.Tensor;
      fusedErr = relative((await y.data()) as Float32Array, want);
      y.dispose();
    } catch (err) {
      errors.push(`fused plan on ${backend}: ${(err as Error)?.message ?? err}`);
    }
    const layers: LayerError[] = [];
    for (const [i, l] of probes.entries()) {
      try {
        const out = l.apply(layerInputs[i].length === 1 ? layerInputs[i][0] : layerInputs[i], { training: false }) as
          | tf.Tensor
          | tf.Tensor[];
        const got = await flat(out);
        tf.dispose(out);
        layers.push({ className: l.getClassName(), layer: l.name, relative: Math.max(...got.map((g, j) => relative(g, layerWant[i][j]))) });
      } catch (err) {
        errors.push(`layer ${l.name} (${l.getClassName()}) on ${backend}: ${(err as Error)?.message ?? err}`);
      }
    }
    results.push({
      backend,
      model: modelErr,
      fused: fusedErr,
      top1Agrees,
      layers,
      errors,
      ...(firstNonFinite ? { firstNonFinite } : {}),
      ...(refused ? { refused } : {}),
      ms: performance.now() - t1,
    });
  }
  await tf.setBackend('cpu');
  fused.dispose();
  tf.dispose([x, ...tapped]);
  model.dispose();
  return { model: c.model, family: c.family, classes: [...seen], cpuMs, results };
}

declare global {
  var zooBackends: {
    check(c: BackendCase, backends: string[]): Promise<CaseResult>;
    /** Every custom layer class the zoo registers. */
    customLayers: string[];
    /** What this page's backends are: webgl's renderer, whether it stores float32, the webgpu adapter. */
    describe(): Promise<Record<string, unknown>>;
  };
}

globalThis.zooBackends = {
  check,
  customLayers: [...CUSTOM],
  async describe() {
    await tf.setBackend('webgl');
    const info = {
      webglVersion: tf.env().getNumber('WEBGL_VERSION'),
      webglFloat32: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') && !tf.env().getBool('WEBGL_FORCE_F16_TEXTURES'),
      webgpu: !!(globalThis.navigator as Navigator & { gpu?: unknown }).gpu,
    };
    await tf.setBackend('cpu');
    return info;
  },
};
