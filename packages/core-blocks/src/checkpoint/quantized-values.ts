import { ZooOptionError } from '../base/errors.js';
import { halfToFloatTable } from './dtypes.js';
import { ZooCheckpointError } from './errors.js';

/**
 * Smaller weight files: float16, or 8- and 16-bit affine integers (`value = q * scale + min`), as
 * the TF.js layers format stores them in its manifest (`quantization: { dtype, scale, min }`) and
 * `tf.io.decodeWeights` reads them.
 *
 * What is quantized, and why: the kernels (the operands convolutions and matrix products
 * multiply the input by) of at least `MIN_QUANTIZED_VALUES` values. They are 96-99.9 % of every
 * zoo model's bytes, and a rounding error in one of them is averaged over the many products it
 * takes part in. Everything else stays float32: biases and normalisation parameters (BatchNorm's
 * moving variance is divided by, an error in it scales a whole channel), layer scales, position
 * tables, class tokens and relative position biases (added to activations as they are), and
 * small kernels (ECA's 3-tap convolutions), which would save a few bytes each and cost the most
 * relative error. A kernel with a value float16 cannot hold (beyond 65504, or not finite) stays
 * float32 too, and is reported.
 *
 * One scale and minimum per tensor: the TF.js manifest has one pair per weight and no place for
 * a per-channel one, and the zoo's own quantized copies (`quantizeCheckpoint`) follow the same
 * rule so that both give the same values.
 */
export type QuantizeDtype = 'float16' | 'uint8' | 'uint16';

export const QUANTIZE_DTYPES: readonly QuantizeDtype[] = ['float16', 'uint8', 'uint16'];

/** Kernels smaller than this stay float32 (at most 4 kB each). */
export const MIN_QUANTIZED_VALUES = 1024;

/** A weight that cannot be quantized as asked, or a quantized file that cannot be read: see the message. */
export class ZooQuantizeError extends ZooCheckpointError {
  override name = 'ZooQuantizeError';
}

export function isQuantizeDtype(d: unknown): d is QuantizeDtype {
  return typeof d === 'string' && (QUANTIZE_DTYPES as readonly string[]).includes(d);
}

/** Refuses anything but one of the three dtypes, saying which there are. */
export function checkQuantizeDtype(what: string, d: unknown): QuantizeDtype {
  if (!isQuantizeDtype(d)) throw new ZooOptionError(what, d, QUANTIZE_DTYPES.map((q) => `'${q}'`).join(', '));
  return d;
}

/** A tensor's quantized bytes and, for the integer dtypes, its affine parameters. */
export interface QuantizedValues {
  dtype: QuantizeDtype;
  /** Little-endian, 1 byte (uint8) or 2 (uint16, float16) per value. */
  bytes: Uint8Array;
  /** uint8 and uint16 only: `value = q * scale + min`; scale 0 for a constant tensor. */
  scale?: number;
  min?: number;
}

/** The values quantized bytes stand for, computed as `tf.io.decodeWeights` computes them. */
export function dequantizeValues(q: QuantizedValues): Float32Array {
  const view = new DataView(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength);
  if (q.dtype === 'float16') {
    const table = halfToFloatTable();
    const out = new Float32Array(q.bytes.byteLength / 2);
    for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(2 * i, true)];
    return out;
  }
  const scale = q.scale ?? 0;
  const min = q.min ?? 0;
  const wide = q.dtype === 'uint16';
  const out = new Float32Array(q.bytes.byteLength / (wide ? 2 : 1));
  for (let i = 0; i < out.length; i++) out[i] = (wide ? view.getUint16(2 * i, true) : q.bytes[i]) * scale + min;
  return out;
}

/** The safetensors metadata key of a zoo quantized copy: JSON `{ "<tensor>": { "scale": s, "min": m } }` for its U8 and U16 tensors. */
export const QUANTIZATION_METADATA = 'zoo.quantization';
/** The metadata key naming the dtype a zoo quantized copy was written in (`float16`, `uint8`, `uint16`). */
export const QUANTIZATION_DTYPE_METADATA = 'zoo.quantization.dtype';
