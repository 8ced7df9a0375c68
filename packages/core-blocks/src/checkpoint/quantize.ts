import * as tf from '@tensorflow/tfjs-core';
import { ZooOptionError } from '../base/errors.js';
import { sha256Hex } from '../base/sha256.js';
import { FLOAT_DTYPES, floatToHalf } from './dtypes.js';
import { ZooModelJsonError } from './model-json.js';
import {
  checkQuantizeDtype,
  MIN_QUANTIZED_VALUES,
  QUANTIZATION_DTYPE_METADATA,
  QUANTIZATION_METADATA,
  type QuantizeDtype,
  type QuantizedValues,
  ZooQuantizeError,
} from './quantized-values.js';
import type { TensorSource } from './safetensors.js';
import { type TensorToWrite, writeSafetensors } from './safetensors-writer.js';

/**
 * Whether a weight is one the rule quantizes: a kernel by its name (TF.js's `.../kernel`,
 * `depthwise_kernel`...; PyTorch's `*.weight`, `in_proj_weight`) of two or more dimensions and at
 * least `MIN_QUANTIZED_VALUES` values. PyTorch's normalisation weights are one-dimensional, and
 * its position tables, tokens and bias tables are not named `weight`, so both conventions pick
 * the same tensors of a model.
 */
export function quantizes(name: string, shape: readonly number[]): boolean {
  const last = name.split(/[/.]/).pop() ?? '';
  const kernel = /kernel$/.test(last) || last === 'weight' || last.endsWith('_weight');
  return kernel && shape.length >= 2 && shape.reduce((a, b) => a * b, 1) >= MIN_QUANTIZED_VALUES;
}

/**
 * Quantizes values; null when float16 cannot hold them (a value beyond its range, or not
 * finite), and for the integer dtypes when a value is not finite.
 *
 * uint8/uint16: the range is widened to hold 0 and the minimum moved by less than a step so that
 * 0 falls on a step (zeros stay exact, as in TF.js's converter and ONNX Runtime's quantizer);
 * each value is rounded to the nearest step, so the error is at most half a step
 * (`(max - min) / 255 / 2` for uint8). A constant tensor gets scale 0 and min its value: exact.
 * float16: round to nearest even, as PyTorch's `.half()`.
 */
export function quantizeValues(values: Float32Array, dtype: QuantizeDtype): QuantizedValues | null {
  const n = values.length;
  if (dtype === 'float16') {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const h = floatToHalf(values[i]);
      if ((h & 0x7c00) === 0x7c00) return null;
      out[i] = h;
    }
    return { dtype, bytes: littleEndian(out) };
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) return null;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const qmax = dtype === 'uint8' ? 255 : 65535;
  const q = dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
  if (n === 0 || lo === hi) return { dtype, bytes: littleEndian(q), scale: 0, min: n === 0 ? 0 : lo };
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const scale = (hi - lo) / qmax;
  const min = -Math.round(-lo / scale) * scale;
  for (let i = 0; i < n; i++) {
    const s = Math.round((values[i] - min) / scale);
    q[i] = Math.min(Math.max(s, 0), qmax);
  }
  return { dtype, bytes: littleEndian(q), scale, min };
}

function littleEndian(a: Uint8Array | Uint16Array): Uint8Array {
  if (a instanceof Uint8Array) return a;
  const out = new Uint8Array(a.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setUint16(2 * i, a[i], true);
  return out;
}

/** What a quantization did: which weights, and the bytes before and after. */
export interface QuantizeReport {
  dtype: QuantizeDtype;
  /** Weights stored quantized. */
  quantized: string[];
  /** Weights the rule keeps float32 (biases, norms, position tables, small kernels). */
  kept: string[];
  /** Kernels the rule would quantize that stayed float32: a value float16 (or any integer grid) cannot hold. */
  unrepresentable: string[];
  bytesBefore: number;
  bytesAfter: number;
}

/** Where the zoo records, in a model.json's `userDefinedMetadata`, what it wrote. */
export const ZOO_METADATA_KEY = 'zoo';

/** The zoo's record in a `model.json` it wrote: the SHA-256 of the weight data, and the quantization. */
export interface ZooModelMetadata {
  /** SHA-256 (hex) of the weight files' bytes, concatenated in manifest order. */
  weightsSha256: string;
  quantization?: QuantizeDtype;
  [key: string]: unknown;
}

/**
 * The artifacts (as `model.save` hands them to a save handler) with the weights the rule picks
 * stored as `dtype`, each with its `quantization` entry in the manifest, and the SHA-256 of the
 * new weight data recorded in `userDefinedMetadata.zoo` so that a reader can tell a corrupted
 * shard. Only float32 weights are considered.
 */
export async function quantizeArtifacts(
  artifacts: tf.io.ModelArtifacts,
  dtype: QuantizeDtype,
): Promise<{ artifacts: tf.io.ModelArtifacts; report: QuantizeReport }> {
  checkQuantizeDtype('quantize', dtype);
  const specs = artifacts.weightSpecs ?? [];
  const data = new tf.io.CompositeArrayBuffer(artifacts.weightData ?? []);
  const report: QuantizeReport = { dtype, quantized: [], kept: [], unrepresentable: [], bytesBefore: data.byteLength, bytesAfter: 0 };
  const parts: Uint8Array[] = [];
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization) throw new ZooQuantizeError(`Weight \`${spec.name}\` is already quantized (${spec.quantization.dtype}).`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const length = count * (spec.dtype === 'bool' ? 1 : spec.dtype === 'complex64' ? 8 : 4);
    const raw = new Uint8Array(data.slice(offset, offset + length));
    offset += length;
    let q: QuantizedValues | null = null;
    if (spec.dtype === 'float32' && quantizes(spec.name, spec.shape)) {
      q = quantizeValues(new Float32Array(raw.buffer, raw.byteOffset, count), dtype);
      if (!q) report.unrepresentable.push(spec.name);
    }
    if (q) {
      report.quantized.push(spec.name);
      parts.push(q.bytes);
      outSpecs.push({
        ...spec,
        quantization: q.dtype === 'float16' ? { dtype: 'float16' } : { dtype: q.dtype, scale: q.scale!, min: q.min! },
      });
    } else {
      if (!report.unrepresentable.includes(spec.name)) report.kept.push(spec.name);
      parts.push(raw);
      outSpecs.push({ ...spec });
    }
  }
  const weightData = concat(parts);
  report.bytesAfter = weightData.byteLength;
  const metadata: ZooModelMetadata = {
    ...zooMetadataOf(artifacts.userDefinedMetadata),
    weightsSha256: await sha256Hex(new Uint8Array(weightData)),
    quantization: dtype,
  };
  return {
    artifacts: {
      ...artifacts,
      weightSpecs: outSpecs,
      weightData,
      userDefinedMetadata: { ...artifacts.userDefinedMetadata, [ZOO_METADATA_KEY]: metadata },
    },
    report,
  };
}

/** The artifacts with the SHA-256 of their weight data in `userDefinedMetadata.zoo` (what `zoo convert` writes for float32). */
export async function sealArtifacts(artifacts: tf.io.ModelArtifacts): Promise<tf.io.ModelArtifacts> {
  const metadata: ZooModelMetadata = {
    ...zooMetadataOf(artifacts.userDefinedMetadata),
    weightsSha256: await sha256Hex(wholeWeightData(artifacts)),
  };
  return { ...artifacts, userDefinedMetadata: { ...artifacts.userDefinedMetadata, [ZOO_METADATA_KEY]: metadata } };
}

/** The weight data as one byte array: the buffer itself when there is one, else the parts joined. */
function wholeWeightData(artifacts: tf.io.ModelArtifacts): Uint8Array {
  const data = artifacts.weightData ?? new ArrayBuffer(0);
  if (!Array.isArray(data)) return new Uint8Array(data);
  if (data.length === 1) return new Uint8Array(data[0]!);
  return new Uint8Array(concat(data.map((b) => new Uint8Array(b))));
}

function zooMetadataOf(meta: unknown): Record<string, unknown> {
  const zoo = (meta as Record<string, unknown> | undefined)?.[ZOO_METADATA_KEY];
  return typeof zoo === 'object' && zoo !== null && !Array.isArray(zoo) ? (zoo as Record<string, unknown>) : {};
}

/**
 * A save handler that quantizes what `model.save` gives it (`quantize` null: float32, sealed with
 * its hash) before passing it on: `await model.save(quantizingHandler(tf.io.withSaveHandler(...), 'uint8'))`.
 * `onReport` receives what was quantized.
 */
export function quantizingHandler(
  handler: tf.io.IOHandler,
  quantize: QuantizeDtype | null,
  onReport?: (r: QuantizeReport) => void,
): tf.io.IOHandler {
  if (typeof handler.save !== 'function') throw new ZooOptionError('handler', handler, 'an IOHandler with a `save` method');
  if (quantize !== null) checkQuantizeDtype('quantize', quantize);
  const save = handler.save.bind(handler);
  return {
    ...handler,
    async save(artifacts) {
      if (quantize === null) return save(await sealArtifacts(artifacts));
      const q = await quantizeArtifacts(artifacts, quantize);
      onReport?.(q.report);
      return save(q.artifacts);
    },
  };
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out.buffer;
}

/**
 * A quantized copy of a checkpoint, as a safetensors file: the tensors the rule picks as F16
 * (float16) or U8/U16 with their scale and min in `__metadata__["zoo.quantization"]`, which
 * `readSafetensors` dequantizes; every other floating tensor as F32. Non-floating tensors
 * (BatchNorm's counters, index buffers) are left out: no zoo model has an integer weight, and the
 * loader's rules ignore them. The values equal those of a model.json that `quantizeArtifacts`
 * writes for the same weights.
 */
export function quantizeCheckpoint(
  source: TensorSource,
  dtype: QuantizeDtype,
  metadata: Record<string, string> = {},
): { bytes: Uint8Array; report: QuantizeReport } {
  checkQuantizeDtype('quantize', dtype);
  const report: QuantizeReport = { dtype, quantized: [], kept: [], unrepresentable: [], bytesBefore: 0, bytesAfter: 0 };
  const tensors: Record<string, TensorToWrite> = {};
  const scales: Record<string, { scale: number; min: number }> = {};
  for (const key of source.keys()) {
    const info = source.info(key)!;
    if (!FLOAT_DTYPES.includes(info.dtype) && !info.quantized) continue;
    const values = source.float32(key);
    report.bytesBefore += values.byteLength;
    const q = quantizes(key, info.shape) ? quantizeValues(values, dtype) : null;
    if (q) {
      report.quantized.push(key);
      tensors[key] = { dtype: q.dtype === 'float16' ? 'F16' : q.dtype === 'uint8' ? 'U8' : 'U16', shape: info.shape, data: q.bytes };
      if (q.dtype !== 'float16') scales[key] = { scale: q.scale!, min: q.min! };
      report.bytesAfter += q.bytes.byteLength;
    } else {
      (quantizes(key, info.shape) ? report.unrepresentable : report.kept).push(key);
      tensors[key] = { dtype: 'F32', shape: info.shape, data: values };
      report.bytesAfter += values.byteLength;
    }
  }
  const meta = {
    ...metadata,
    [QUANTIZATION_DTYPE_METADATA]: dtype,
    ...(dtype === 'float16' ? {} : { [QUANTIZATION_METADATA]: JSON.stringify(scales) }),
  };
  return { bytes: writeSafetensors(tensors, meta), report };
}

/**
 * The weight data against the SHA-256 recorded in `userDefinedMetadata.zoo` (files the zoo
 * wrote); artifacts without one pass. A mismatch is a corrupted or replaced shard.
 */
export async function checkSealedWeights(artifacts: tf.io.ModelArtifacts): Promise<void> {
  const recorded = zooMetadataOf(artifacts.userDefinedMetadata).weightsSha256;
  if (recorded === undefined) return;
  if (typeof recorded !== 'string' || !/^[0-9a-f]{64}$/.test(recorded)) {
    throw new ZooModelJsonError(`userDefinedMetadata.zoo.weightsSha256 is ${JSON.stringify(recorded)}, not a SHA-256 in hex.`);
  }
  const actual = await sha256Hex(wholeWeightData(artifacts));
  if (actual !== recorded) {
    throw new ZooModelJsonError(
      `The weight files' SHA-256 is ${actual}, not the ${recorded} this model.json records: a shard is corrupted or belongs to another conversion. Nothing was loaded; convert again or fetch the files again.`,
    );
  }
}

/** A float16 weight holding an infinity or NaN was not written by a quantizer (which keeps such a tensor float32): the shard is corrupt. */
export function checkFloat16Finite(name: string, bytes: ArrayBuffer): void {
  const view = new DataView(bytes);
  for (let i = 0; i + 1 < bytes.byteLength; i += 2) {
    if ((view.getUint16(i, true) & 0x7c00) === 0x7c00) {
      throw new ZooModelJsonError(
        `Weight \`${name}\` (float16) holds an infinity or NaN at value ${i / 2}: its shard is corrupt. Nothing was loaded.`,
      );
    }
  }
}
