import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type CheckpointConvention, mapKey, shapesFit } from '../keys/convention.js';
import { layerStateDict, type StateDictParam } from '../keys/rules.js';
import { FLOAT_DTYPES, type SafetensorsDtype } from './dtypes.js';
import { type StateDictReport, ZooStateDictError, ZooStateDictRuleError } from './errors.js';
import type { TensorSource } from './safetensors.js';
import { writeSafetensors } from './safetensors-writer.js';

export interface LoadOptions {
  /**
   * true (default): load only when every key fits, as PyTorch's strict `load_state_dict`;
   * false: load the keys that fit and report the others.
   */
  strict?: boolean;
  /**
   * Renames a checkpoint key before matching (strip `module.` of DataParallel, or a prefix);
   * returning null skips the key on purpose (it is reported as ignored).
   */
  renameKey?: (key: string) => string | null;
  /** The checkpoint's key names and layouts, after `renameKey` (see `detectConvention`); default the model's own. */
  convention?: CheckpointConvention | null;
}

/** Every layer of a model with weights, nested models included. */
function* layersOf(model: tfl.LayersModel): Generator<tfl.layers.Layer> {
  for (const layer of model.layers) {
    const nested = layer as unknown as Partial<tfl.LayersModel>;
    if (Array.isArray(nested.layers) && typeof nested.predict === 'function') yield* layersOf(nested as tfl.LayersModel);
    else yield layer;
  }
}

/** The model's state-dict keys, as the reference names them, with where each goes. */
export function stateDictParams(model: tfl.LayersModel): { params: Map<string, StateDictParam>; ignored: Set<string> } {
  const params = new Map<string, StateDictParam>();
  const ignored = new Set<string>();
  for (const layer of layersOf(model)) {
    const mapped = layerStateDict(layer);
    for (const p of mapped.params) {
      if (params.has(p.key)) throw new ZooStateDictRuleError(`Two weights of the model claim the checkpoint key \`${p.key}\`.`);
      params.set(p.key, p);
    }
    for (const k of mapped.ignored ?? []) ignored.add(k);
  }
  return { params, ignored };
}

/**
 * Loads a PyTorch state dict (a safetensors file, or any `TensorSource`) into a model by name.
 * Every tensor is checked (present, shape, floating dtype) before any weight is set, so a failed
 * strict load throws a `ZooStateDictError` listing missing, unexpected and mis-shaped keys and
 * leaves the model as it was.
 */
export function loadStateDict(model: tfl.LayersModel, source: TensorSource, options: LoadOptions = {}): StateDictReport {
  const { params, ignored } = stateDictParams(model);
  const report: StateDictReport = { loaded: [], missing: [], unexpected: [], mismatched: [], wrongDtype: [], ignored: [] };
  const plan: Array<[StateDictParam, string]> = [];
  const seen = new Set<string>();
  for (const sourceKey of source.keys()) {
    const renamed = options.renameKey ? options.renameKey(sourceKey) : sourceKey;
    const { key, reshape } = renamed === null ? { key: null, reshape: false } : mapKey(options.convention ?? null, renamed);
    if (key === null || (ignored.has(key) && !params.has(key))) {
      report.ignored.push(sourceKey);
      continue;
    }
    const p = params.get(key);
    if (!p || seen.has(key)) {
      report.unexpected.push(sourceKey);
      continue;
    }
    seen.add(key);
    const info = source.info(sourceKey)!;
    if (!FLOAT_DTYPES.includes(info.dtype as SafetensorsDtype) && !info.quantized) {
      report.wrongDtype.push({ key: sourceKey, dtype: info.dtype });
    } else if (!shapesFit(info.shape, p.shape, reshape)) {
      report.mismatched.push({ key: sourceKey, expected: p.shape, got: [...info.shape] });
    } else {
      plan.push([p, sourceKey]);
    }
  }
  for (const key of params.keys()) if (!seen.has(key)) report.missing.push(key);
  const fits = !report.missing.length && !report.unexpected.length && !report.mismatched.length && !report.wrongDtype.length;
  if ((options.strict ?? true) && !fits) throw new ZooStateDictError(report);
  // Nothing below can fail on the checkpoint's account: its header and every shape were checked.
  for (const [p, sourceKey] of plan) {
    const data = source.float32(sourceKey);
    tf.tidy(() => {
      p.variable.write(p.toZoo(tf.tensor(data, p.shape, 'float32')));
    });
    report.loaded.push(sourceKey);
  }
  return report;
}

/** The model's weights as a PyTorch state dict (float32, PyTorch layouts), keyed as the reference. */
export function exportStateDict(model: tfl.LayersModel): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [key, p] of stateDictParams(model).params) {
    let data = new Float32Array(0);
    tf.tidy(() => {
      data = new Float32Array(p.toTorch(p.variable.read()).dataSync() as Float32Array);
    });
    out.set(key, { shape: p.shape, data });
  }
  return out;
}

/** The model's weights as a safetensors file a PyTorch model of the reference loads (`strict=False`: no `num_batches_tracked`). */
export function toSafetensors(model: tfl.LayersModel, metadata?: Record<string, string>): Uint8Array {
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const [key, t] of exportStateDict(model)) tensors[key] = { dtype: 'F32', ...t };
  return writeSafetensors(tensors, metadata);
}
