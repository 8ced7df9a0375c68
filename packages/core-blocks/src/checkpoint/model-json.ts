import type * as tf from '@tensorflow/tfjs-core';
import { describe } from '../base/errors.js';
import { ZooCheckpointError } from './errors.js';

/** A `model.json` (TF.js layers format) or its weights that cannot be used: see the message. */
export class ZooModelJsonError extends ZooCheckpointError {
  override name = 'ZooModelJsonError';
}

/** One weight of a manifest, with where its bytes sit in the concatenated weight data. */
export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  byteOffset: number;
  byteLength: number;
}

/** A validated `model.json`: its parsed JSON, the weight paths in order, and every weight's bytes. */
export interface ModelJsonInfo {
  json: tf.io.ModelJSON;
  paths: string[];
  weights: ManifestWeight[];
  /** Bytes the weight files must hold in all. */
  weightBytes: number;
}

export interface ModelJsonOptions {
  /** Largest `model.json` accepted, in bytes (default 64 MB; a ViT-H/14 topology is under 1 MB). */
  maxJsonBytes?: number;
}

const DEFAULT_MAX_JSON = 64 * 1024 * 1024;
/** Keys that would reach an object's prototype when the JSON is copied into plain objects. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A weight path must name a file in the model's folder: no URL, no absolute path, no `..`, no
 * backslash (a separator on Windows). Checked on the text, before any file or URL is opened.
 */
export function checkWeightPath(p: unknown): string {
  const refuse = (why: string) => new ZooModelJsonError(`Weight path ${describe(p)} ${why}; weight files must sit in the model's folder.`);
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) throw refuse('is not a file name');
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-z]:/i.test(p)) throw refuse('is absolute');
  if (/^[a-z][a-z0-9+.-]*:/i.test(p)) throw refuse('is a URL');
  if (p.includes('\\')) throw refuse('contains a backslash');
  if (p.split('/').some((s) => s === '..')) throw refuse('points outside the folder');
  return p;
}

/** Walks the parsed JSON without recursion (a deep file must not overflow the stack) for prototype keys. */
function refusePrototypeKeys(root: unknown): void {
  // The path is rebuilt from parent links only for the error: building it per node costs more than the walk.
  const nodes: Array<{ value: unknown; parent: number; key: string }> = [{ value: root, parent: -1, key: '' }];
  const pathOf = (i: number): string => {
    const parts: string[] = [];
    for (let at = i; at > 0; at = nodes[at]!.parent) parts.push(nodes[at]!.key);
    return parts.reverse().join('.');
  };
  for (let i = 0; i < nodes.length; i++) {
    const v = nodes[i]!.value;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++)
        if (typeof v[k] === 'object' && v[k] !== null) nodes.push({ value: v[k], parent: i, key: String(k) });
      continue;
    }
    for (const key in v) {
      if (PROTOTYPE_KEYS.has(key)) {
        const where = pathOf(i);
        throw new ZooModelJsonError(
          `model.json has the key \`${key}\` at ${where || 'its top'}; it is refused: it would reach an object's prototype.`,
        );
      }
      const child = (v as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) nodes.push({ value: child, parent: i, key });
    }
  }
}

function parseJson(input: string | Uint8Array | ArrayBuffer, maxJsonBytes: number): unknown {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    if (bytes.length > maxJsonBytes) {
      throw new ZooModelJsonError(`model.json has ${bytes.length} bytes, over the ${maxJsonBytes}-byte bound; is it a TF.js model.json?`);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ZooModelJsonError('model.json is not valid UTF-8.');
    }
  }
  if (text.length > maxJsonBytes) {
    throw new ZooModelJsonError(`model.json has ${text.length} characters, over the ${maxJsonBytes}-byte bound; is it a TF.js model.json?`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ZooModelJsonError(`model.json is not valid JSON: ${(err as Error).message}.`);
  }
}

function parseWeight(entry: unknown, where: string, offset: number): ManifestWeight {
  if (!isRecord(entry)) throw new ZooModelJsonError(`${where} must be an object with name, shape and dtype.`);
  const { name, shape, dtype, quantization } = entry;
  if (typeof name !== 'string' || name.length === 0) throw new ZooModelJsonError(`${where}: name ${describe(name)} is not a weight name.`);
  const w = `${where} (\`${name}\`)`;
  if (name in Object.prototype) throw new ZooModelJsonError(`${w}: the name \`${name}\` is refused: it would reach an object's prototype.`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ZooModelJsonError(`${w}: shape ${describe(shape)} is not a list of non-negative integers.`);
  }
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
    throw new ZooModelJsonError(`${w}: dtype ${describe(dtype)} is not one of ${Object.keys(DTYPE_BYTES).join(', ')}.`);
  }
  let perElement = DTYPE_BYTES[dtype]!;
  if (quantization !== undefined) {
    const q = isRecord(quantization) ? quantization.dtype : undefined;
    if (typeof q !== 'string' || !Object.hasOwn(QUANTIZED_BYTES, q)) {
      throw new ZooModelJsonError(
        `${w}: quantization ${describe(quantization)} has no dtype among ${Object.keys(QUANTIZED_BYTES).join(', ')}.`,
      );
    }
    perElement = QUANTIZED_BYTES[q]!;
    if (q !== 'float16') {
      const { scale, min } = quantization as Record<string, unknown>;
      if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0 || typeof min !== 'number' || !Number.isFinite(min)) {
        throw new ZooModelJsonError(
          `${w}: ${q} quantization needs a finite scale >= 0 and a finite min (value = q * scale + min); it has scale ${describe(scale)}, min ${describe(min)}.`,
        );
      }
    }
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new ZooModelJsonError(`${w}: a quantized weight must dequantize to float32 or int32, not ${dtype}.`);
    }
  }
  // Saturates instead of losing precision: any result past the safe range cannot match real data.
  let byteLength = perElement;
  for (const d of shape as number[]) byteLength = byteLength * d > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : byteLength * d;
  if (!Number.isFinite(byteLength) || offset + byteLength > Number.MAX_SAFE_INTEGER) {
    throw new ZooModelJsonError(`${w}: shape [${shape}] of ${dtype} needs more bytes than any file holds.`);
  }
  return { name, shape: shape as number[], dtype, byteOffset: offset, byteLength };
}

/**
 * Reads and validates a TF.js `model.json` before anything else is fetched or built: it is an
 * object with a `modelTopology`, no key reaches a prototype, every weight path stays in the
 * model's folder, every weight has a unique name, a shape and a dtype, and the bytes they need
 * are known. Throws `ZooModelJsonError` saying what is wrong.
 */
export function readModelJson(input: string | Uint8Array | ArrayBuffer | object, options: ModelJsonOptions = {}): ModelJsonInfo {
  const json =
    typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer
      ? parseJson(input, options.maxJsonBytes ?? DEFAULT_MAX_JSON)
      : input;
  if (!isRecord(json)) throw new ZooModelJsonError(`model.json must be a JSON object; it is ${describe(json)}.`);
  refusePrototypeKeys(json);
  if (!isRecord(json.modelTopology)) {
    throw new ZooModelJsonError('model.json has no `modelTopology` object; is it a TF.js layers model?');
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new ZooModelJsonError('`weightsManifest` must be a list of weight groups.');
  const paths: string[] = [];
  const weights: ManifestWeight[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const [g, group] of manifest.entries()) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ZooModelJsonError(`weightsManifest[${g}] must be an object with \`paths\` and \`weights\` lists.`);
    }
    for (const p of group.paths) paths.push(checkWeightPath(p));
    for (const [i, entry] of group.weights.entries()) {
      const w = parseWeight(entry, `weightsManifest[${g}].weights[${i}]`, offset);
      if (names.has(w.name)) throw new ZooModelJsonError(`The weight \`${w.name}\` is listed twice in the manifest.`);
      names.add(w.name);
      weights.push(w);
      offset += w.byteLength;
    }
  }
  if (offset > 0 && paths.length === 0) throw new ZooModelJsonError(`The manifest lists ${weights.length} weight(s) but no weight file.`);
  return { json: json as unknown as tf.io.ModelJSON, paths, weights, weightBytes: offset };
}

/** The weight files' bytes must be exactly what the manifest's shapes and dtypes need. */
export function checkWeightBytes(info: ModelJsonInfo, fileBytes: readonly number[]): void {
  if (fileBytes.length !== info.paths.length) {
    throw new ZooModelJsonError(`The manifest names ${info.paths.length} weight file(s); ${fileBytes.length} were read.`);
  }
  const total = fileBytes.reduce((a, b) => a + b, 0);
  if (total !== info.weightBytes) {
    const where = info.weights.find((w) => w.byteOffset + w.byteLength > total);
    throw new ZooModelJsonError(
      `The weights need ${info.weightBytes} bytes by their shapes and dtypes; the weight files hold ${total}` +
        (where
          ? ` (\`${where.name}\` ends at byte ${where.byteOffset + where.byteLength}): a file is truncated or belongs to another model.`
          : ': the files hold bytes no weight uses.'),
    );
  }
}

/**
 * The manifest's weights against the model built from the topology: every model weight is
 * present once with its shape, and nothing else is there. Names are the model's weight names
 * (`layer/kernel`), as TF.js saves them.
 */
export function checkManifestAgainst(
  info: ModelJsonInfo,
  expected: ReadonlyArray<{ name: string; shape: readonly number[]; dtype?: string }>,
): void {
  const byName = new Map(info.weights.map((w) => [w.name, w]));
  const want = new Set(expected.map((e) => e.name));
  const missing = expected.filter((e) => !byName.has(e.name)).map((e) => e.name);
  const extra = info.weights.filter((w) => !want.has(w.name)).map((w) => w.name);
  const mismatched = expected
    .filter((e) => {
      const w = byName.get(e.name);
      return w && (w.shape.length !== e.shape.length || w.shape.some((d, i) => d !== e.shape[i]));
    })
    .map((e) => `${e.name}: file [${byName.get(e.name)!.shape}], model [${e.shape}]`);
  // A quantized weight is stored in another dtype but dequantizes to the declared one.
  const wrongDtype = expected
    .filter((e) => e.dtype && byName.has(e.name) && byName.get(e.name)!.dtype !== e.dtype)
    .map((e) => `${e.name}: file ${byName.get(e.name)!.dtype}, model ${e.dtype}`);
  if (missing.length || extra.length || mismatched.length || wrongDtype.length) {
    const list = (xs: string[]) => (xs.length > 10 ? `${xs.slice(0, 10).join(', ')}, ... (${xs.length - 10} more)` : xs.join(', '));
    throw new ZooModelJsonError(
      'The weights of this model.json do not fit its model; nothing was loaded.' +
        (missing.length ? `\n  Missing (${missing.length}): ${list(missing)}` : '') +
        (extra.length ? `\n  Not in the model (${extra.length}): ${list(extra)}` : '') +
        (mismatched.length ? `\n  Shape mismatch (${mismatched.length}): ${list(mismatched)}` : '') +
        (wrongDtype.length ? `\n  Wrong dtype (${wrongDtype.length}): ${list(wrongDtype)}` : ''),
    );
  }
}

/**
 * The same checks on artifacts an IOHandler already loaded (`tf.io.fromMemory`, a save handler's
 * output): the topology has no prototype key, the weight specs are valid and the weight data
 * has exactly the bytes they need.
 */
export function readModelArtifacts(artifacts: tf.io.ModelArtifacts): ModelJsonInfo {
  const info = readModelJson({
    modelTopology: artifacts.modelTopology ?? null,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  });
  const data = artifacts.weightData ?? [];
  const parts = Array.isArray(data) ? data : [data];
  checkWeightBytes({ ...info, paths: ['weights.bin'] }, [parts.reduce((a, b) => a + b.byteLength, 0)]);
  return info;
}
