import { ZooOptionError } from '../base/errors.js';
import { DTYPE_BYTES, floatToBfloat16, floatToHalf, type SafetensorsDtype } from './dtypes.js';

export interface TensorToWrite {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  /** Values (F32, F16, BF16 and F64 are converted from float32) or the raw little-endian bytes of any dtype. */
  data: Float32Array | Uint8Array;
}

/**
 * Writes a safetensors file: header length, JSON header padded with spaces to 8 bytes (so F64
 * and F32 data stay aligned), then each tensor's bytes in the order given.
 */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = encode(name, t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function encode(name: string, t: TensorToWrite): Uint8Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const size = DTYPE_BYTES[t.dtype];
  if (t.data instanceof Uint8Array) {
    if (t.data.length !== n * size)
      throw new ZooOptionError(`tensor \`${name}\` bytes`, t.data.length, `${n * size} bytes for [${t.shape}] ${t.dtype}`);
    return t.data;
  }
  if (t.data.length !== n) throw new ZooOptionError(`tensor \`${name}\` values`, t.data.length, `${n} values for shape [${t.shape}]`);
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  const v = t.data;
  switch (t.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) view.setFloat32(4 * i, v[i], true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) view.setFloat64(8 * i, v[i], true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) view.setUint16(2 * i, floatToHalf(v[i]), true);
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) view.setUint16(2 * i, floatToBfloat16(v[i]), true);
      break;
    default:
      throw new ZooOptionError(
        `tensor \`${name}\` dtype`,
        t.dtype,
        'F32, F64, F16 or BF16 for float values (pass raw bytes for other dtypes)',
      );
  }
  return out;
}
