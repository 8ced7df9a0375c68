import { describe } from '../base/errors.js';
import { DTYPE_BYTES, FLOAT_DTYPES, isDtype, type SafetensorsDtype, toFloat32 } from './dtypes.js';
import { ZooSafetensorsDtypeError, ZooSafetensorsHeaderError, ZooSafetensorsOffsetError, ZooSafetensorsShapeError } from './errors.js';
import { dequantizeValues, QUANTIZATION_METADATA } from './quantized-values.js';

/** One tensor of a safetensors file, as its header describes it (offsets from the start of the data). */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
  /** A U8 or U16 tensor of a zoo quantized copy: it stands for `q * scale + min` (see `quantizeCheckpoint`). */
  quantized?: { scale: number; min: number };
}

export interface ReadOptions {
  /**
   * Largest JSON header accepted, in bytes (default 100 MB, the reference implementation's
   * bound). The header is decoded whole, so this bounds the memory a hostile file can claim.
   */
  maxHeaderBytes?: number;
}

/** What the state-dict loader reads from: a set of named tensors, decoded on demand. */
export interface TensorSource {
  keys(): string[];
  info(key: string): Pick<TensorInfo, 'dtype' | 'shape' | 'quantized'> | undefined;
  /** The tensor's values in float32, row-major in the file's shape (a fresh copy). */
  float32(key: string): Float32Array;
}

const DEFAULT_MAX_HEADER = 100_000_000;

/**
 * A parsed safetensors file: the header is validated as a whole when the file is read (every
 * dtype, shape and offset), the data is decoded to float32 only when a tensor is asked for.
 */
export class SafetensorsFile implements TensorSource {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly dataStart: number,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /** Reads and validates a safetensors file; throws a `ZooCheckpointError` subclass naming the problem. */
  static read(input: Uint8Array | ArrayBuffer, options: ReadOptions = {}): SafetensorsFile {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    const { dataStart, header } = parseHeader(bytes, options.maxHeaderBytes ?? DEFAULT_MAX_HEADER);
    const { tensors, metadata } = parseEntries(header, bytes.length - dataStart);
    readQuantization(tensors, metadata);
    return new SafetensorsFile(bytes, dataStart, tensors, metadata);
  }

  keys(): string[] {
    return [...this.tensors.keys()];
  }

  info(key: string): TensorInfo | undefined {
    return this.tensors.get(key);
  }

  float32(key: string): Float32Array {
    const t = this.tensors.get(key);
    if (!t) throw new ZooSafetensorsShapeError(`No tensor \`${key}\` in this safetensors file.`);
    if (t.quantized) {
      const bytes = this.bytes.subarray(this.dataStart + t.begin, this.dataStart + t.end);
      return dequantizeValues({ dtype: t.dtype === 'U8' ? 'uint8' : 'uint16', bytes, ...t.quantized });
    }
    if (!FLOAT_DTYPES.includes(t.dtype)) {
      throw new ZooSafetensorsDtypeError(`Tensor \`${key}\` is ${t.dtype}; only ${FLOAT_DTYPES.join(', ')} convert to float32.`);
    }
    return toFloat32(this.bytes.subarray(this.dataStart + t.begin, this.dataStart + t.end), t.dtype);
  }
}

/** Shorthand for `SafetensorsFile.read`. */
export function readSafetensors(input: Uint8Array | ArrayBuffer, options?: ReadOptions): SafetensorsFile {
  return SafetensorsFile.read(input, options);
}

function readQuantization(tensors: Map<string, TensorInfo>, metadata: Record<string, string>): void {
  if (!Object.hasOwn(metadata, QUANTIZATION_METADATA)) return;
  const bad = (why: string) => new ZooSafetensorsHeaderError(`\`__metadata__["${QUANTIZATION_METADATA}"]\` ${why}.`);
  let table: unknown;
  try {
    table = JSON.parse(metadata[QUANTIZATION_METADATA]!);
  } catch {
    throw bad('is not JSON');
  }
  if (!isRecord(table)) throw bad('must be an object of tensor names');
  for (const [name, q] of Object.entries(table)) {
    refusePrototypeKey(name, ` in ${QUANTIZATION_METADATA}`);
    const t = tensors.get(name);
    if (!t) throw bad(`names \`${name}\`, which is not in the file`);
    if (t.dtype !== 'U8' && t.dtype !== 'U16') throw bad(`gives \`${name}\` a scale, but it is ${t.dtype}, not U8 or U16`);
    const { scale, min } = isRecord(q) ? q : {};
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0 || typeof min !== 'number' || !Number.isFinite(min)) {
      throw bad(`gives \`${name}\` ${describe(q)}; it needs a finite scale >= 0 and a finite min`);
    }
    t.quantized = { scale, min };
  }
}

function parseHeader(bytes: Uint8Array, maxHeaderBytes: number): { dataStart: number; header: unknown } {
  if (bytes.length < 8) {
    throw new ZooSafetensorsHeaderError(
      `A safetensors file starts with an 8-byte header length; this one has ${bytes.length} byte(s) in all. Is the file truncated?`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  // Beyond 2^53 the length is not even a safe number; no real header comes near the bound.
  const length = high >= 0x200000 ? Number.POSITIVE_INFINITY : high * 2 ** 32 + low;
  if (length > maxHeaderBytes) {
    throw new ZooSafetensorsHeaderError(
      `Header length ${high >= 0x200000 ? `${high}*2^32+${low}` : length} bytes exceeds the ${maxHeaderBytes}-byte bound; this is not a safetensors file or it is corrupt.`,
    );
  }
  if (8 + length > bytes.length) {
    throw new ZooSafetensorsHeaderError(
      `Header length ${length} bytes runs past the end of the file (${bytes.length} bytes); the file is truncated or not safetensors.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    throw new ZooSafetensorsHeaderError('The header is not valid UTF-8; a safetensors header is UTF-8 JSON.');
  }
  if (!text.startsWith('{')) {
    throw new ZooSafetensorsHeaderError(
      `The header must be a JSON object starting with \`{\`; it starts with ${describe(text.slice(0, 16))}.`,
    );
  }
  try {
    return { dataStart: 8 + length, header: JSON.parse(text) };
  } catch (err) {
    throw new ZooSafetensorsHeaderError(`The header is not valid JSON: ${(err as Error).message}.`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Names that would reach an object's prototype if a caller copied the header into a plain object. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function refusePrototypeKey(key: string, where: string): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw new ZooSafetensorsHeaderError(`The header has the key \`${key}\`${where}; it is refused: it would reach an object's prototype.`);
  }
}

function parseEntries(header: unknown, dataLength: number): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  if (!isRecord(header)) throw new ZooSafetensorsHeaderError('The header must be a JSON object of tensor entries.');
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    refusePrototypeKey(name, '');
    if (isRecord(entry)) for (const key of Object.keys(entry)) refusePrototypeKey(key, ` in the entry \`${name}\``);
    if (name === '__metadata__') {
      if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
        throw new ZooSafetensorsHeaderError('`__metadata__` must be an object of string values.');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    tensors.set(name, parseEntry(name, entry, dataLength));
  }
  checkTiling([...tensors.values()], dataLength);
  return { tensors, metadata };
}

function parseEntry(name: string, entry: unknown, dataLength: number): TensorInfo {
  const where = `Tensor \`${name}\``;
  if (!isRecord(entry)) throw new ZooSafetensorsHeaderError(`${where}: its entry must be an object with dtype, shape and data_offsets.`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (!isDtype(dtype)) {
    throw new ZooSafetensorsDtypeError(
      `${where}: unknown dtype ${describe(dtype)}; expected one of ${Object.keys(DTYPE_BYTES).join(', ')}.`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ZooSafetensorsShapeError(`${where}: shape ${describe(shape)} is not a list of non-negative integers.`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new ZooSafetensorsOffsetError(
      `${where}: data_offsets ${describe(offsets)} is not a pair [begin, end] of integers with begin <= end.`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw new ZooSafetensorsOffsetError(`${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes).`);
  }
  // The product stays exact: it is compared with a byte count no larger than the file.
  let bytes: number = DTYPE_BYTES[dtype];
  for (const d of shape as number[]) bytes = bytes * d > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : bytes * d;
  if (bytes !== end - begin) {
    throw new ZooSafetensorsShapeError(
      `${where}: shape [${shape}] of ${dtype} needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}.`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The format requires the tensors to cover the data exactly, so no byte is read twice or hidden. */
function checkTiling(tensors: TensorInfo[], dataLength: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let last: TensorInfo | undefined;
  for (const t of sorted) {
    if (t.begin < at) {
      throw new ZooSafetensorsOffsetError(
        `Tensors \`${last!.name}\` [${last!.begin}, ${last!.end}] and \`${t.name}\` [${t.begin}, ${t.end}] overlap.`,
      );
    }
    if (t.begin > at) {
      throw new ZooSafetensorsOffsetError(`Bytes ${at} to ${t.begin} of the data belong to no tensor (a gap before \`${t.name}\`).`);
    }
    at = t.end;
    last = t;
  }
  if (at !== dataLength) {
    throw new ZooSafetensorsOffsetError(
      `The data has ${dataLength} bytes but its tensors end at byte ${at}: ${dataLength - at} trailing byte(s).`,
    );
  }
}
