import { unzipSync } from 'fflate';
import { describe } from '../base/errors.js';
import { DTYPE_BYTES, type SafetensorsDtype } from './dtypes.js';
import { ZooCheckpointError, ZooCheckpointFormatError, ZooPthError } from './errors.js';
import { kindOf, type PickleLimits, type PickleValue, storageDtype, TorchStorage, TorchTensor, unpickle } from './pickle.js';
import { type ReadOptions, readSafetensors, type SafetensorsFile, type TensorInfo, type TensorSource } from './safetensors.js';

/**
 * PyTorch's own checkpoint files, read without Python: both formats `torch.save` writes. The
 * zip format (the default since PyTorch 1.6) holds `<name>/data.pkl` and one uncompressed
 * record `<name>/data/<key>` per storage; the legacy format (`_use_new_zipfile_serialization=False`)
 * is five pickles in a row (magic number, protocol version, system info, the object, the list of
 * storage keys) followed by each storage as an 8-byte element count and its bytes. The pickles
 * go through the restricted unpickler of pickle.ts: nothing in the file is ever run.
 */

export interface PthOptions extends PickleLimits {
  /**
   * The key of the wrapper dict that holds the state dict, where the default search (see
   * `PthFile`) would pick another one, e.g. timm's `state_dict_ema`.
   */
  stateDictKey?: string;
  /**
   * Largest total size of compressed zip entries once inflated (default 1 GiB). PyTorch stores
   * its entries uncompressed; this only bounds a file someone zipped again.
   */
  maxInflatedBytes?: number;
}

/** Where the state dict is looked for in a wrapper dict, in this order (`stateDictKey` overrides). */
const STATE_DICT_KEYS: readonly string[] = ['state_dict', 'model_state_dict', 'model', 'module', 'state_dict_ema'];

const DEFAULT_MAX_INFLATED = 2 ** 30;
/** Deflate expands at most about 1032:1, so a declared size beyond that is a lie (a zip bomb's). */
const DEFLATE_MAX_RATIO = 1032;
/** The smallest central directory record (its fixed part), which bounds how many a file can hold. */
const ZIP_RECORD_BYTES = 46;
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

/**
 * A `torch.save` checkpoint: its state dict as tensors decoded on demand, and whatever the
 * wrapper around it held. The state dict is, in this order:
 * 1. the top-level dict, when all its keys are strings and all its values tensors;
 * 2. else, in a top-level dict, the value under `stateDictKey` if given, or the first of
 *    `STATE_DICT_KEYS` (`state_dict`, `model_state_dict`, `model`, `module`, `state_dict_ema`)
 *    whose value is such a dict of tensors. The wrapper's other entries (epoch, optimizer
 *    state, best accuracy) are `metadata`, tensors in them as `TorchTensor`s.
 * Anything else is refused with a `ZooPthError` that lists what the file holds.
 */
export class PthFile implements TensorSource {
  private constructor(
    readonly format: 'zip' | 'legacy',
    readonly tensors: ReadonlyMap<string, TorchTensor>,
    /** The wrapper's entries other than the state dict; empty when the file is a bare state dict. */
    readonly metadata: ReadonlyMap<PickleValue, PickleValue>,
    /** The wrapper key the state dict was found under; undefined when the file is a bare state dict. */
    readonly stateDictKey: string | undefined,
  ) {}

  /** Reads a `torch.save` file in either format; throws a `ZooCheckpointError` subclass naming the problem. */
  static read(input: Uint8Array | ArrayBuffer, options: PthOptions = {}): PthFile {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    let format: 'zip' | 'legacy';
    let root: PickleValue;
    if (isSafetensors(bytes)) {
      throw new ZooPthError(`Not a torch.save file. ${whatItLooksLike(bytes)}`);
    } else if (isZip(bytes)) {
      format = 'zip';
      root = readZip(bytes, options);
    } else if (isPickle(bytes)) {
      format = 'legacy';
      root = readLegacy(bytes, options);
    } else {
      throw new ZooPthError(
        `Not a torch.save file, which is a zip archive (\`PK\\x03\\x04\`) or a pickle (\`\\x80\\x02\`). ${whatItLooksLike(bytes)}`,
      );
    }
    const found = findStateDict(root, options.stateDictKey);
    return new PthFile(format, found.tensors, found.metadata, found.key);
  }

  keys(): string[] {
    return [...this.tensors.keys()];
  }

  info(key: string): Pick<TensorInfo, 'dtype' | 'shape'> | undefined {
    const t = this.tensors.get(key);
    return t && { dtype: t.dtype, shape: [...t.shape] };
  }

  float32(key: string): Float32Array {
    const t = this.tensors.get(key);
    if (!t) throw new ZooPthError(`No tensor \`${key}\` in this checkpoint's state dict.`);
    return t.float32();
  }
}

/** Shorthand for `PthFile.read`. */
export function readPth(input: Uint8Array | ArrayBuffer, options?: PthOptions): PthFile {
  return PthFile.read(input, options);
}

/**
 * Reads a checkpoint whatever its format, told by its first bytes: safetensors (an 8-byte
 * header length, then `{`), a `torch.save` zip (`PK\x03\x04`) or a legacy `torch.save` pickle
 * (`\x80` and a protocol). Anything else, such as an HTML error page served in place of the
 * file, is a `ZooCheckpointFormatError` that says what it looks like.
 */
export function readCheckpoint(input: Uint8Array | ArrayBuffer, options: ReadOptions & PthOptions = {}): SafetensorsFile | PthFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  // Safetensors first: its length field can begin like a pickle (a 640-byte header is `80 02 00 ...`),
  // while neither torch.save format has `{` at byte 8 (a zip has its compression method there).
  if (isSafetensors(bytes)) return readSafetensors(bytes, options);
  if (isZip(bytes) || isPickle(bytes)) return readPth(bytes, options);
  throw new ZooCheckpointFormatError(`${whatItLooksLike(bytes)} ${FORMATS}`);
}

const FORMATS =
  'A checkpoint is safetensors (an 8-byte header length, then `{`), a torch.save zip (`PK\\x03\\x04`) or a legacy torch.save pickle (`\\x80\\x02`).';

function whatItLooksLike(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'The file is empty.';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256)).trimStart();
  if (head.startsWith('<')) {
    return 'This looks like an HTML page, not a checkpoint: the server sent a page (a login, an error, a redirect) in place of the file.';
  }
  if (head.startsWith('version https://git-lfs')) {
    return 'This is a Git LFS pointer, not a checkpoint: fetch the file itself (`git lfs pull`, or the hub\'s "resolve" URL).';
  }
  if (head.startsWith('{') || head.startsWith('[')) return 'This looks like JSON, not a checkpoint (an error response, or a model.json).';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'This is gzip-compressed: decompress it first.';
  if (isSafetensors(bytes)) return 'This looks like a safetensors file: read it with readSafetensors or readCheckpoint.';
  return `Not a checkpoint this reader knows: it starts with ${hex(bytes)}.`;
}

function hex(bytes: Uint8Array): string {
  const shown = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length ? `the bytes ${shown}${bytes.length > 8 ? ' ...' : ''}` : 'nothing (the file is empty)';
}

/** A length under 4 GiB (its high bytes zero, which no text has) and then `{`; readSafetensors checks the rest. */
function isSafetensors(b: Uint8Array): boolean {
  return b.length >= 9 && b[8] === 0x7b && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0;
}

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

function isPickle(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5;
}

// --- the zip format --------------------------------------------------------------------------

/** The records torch.save writes, under one top folder whose name varies (the file's stem, or `archive`). */
const RECORD = /^([^/]+)\/(data\.pkl|byteorder|data\/([^/]+))$/;
/** What marks a TorchScript archive (`torch.jit.save`), which is code, not a state dict. */
const TORCHSCRIPT = /^[^/]+\/(constants\.pkl|code\/)/;

function readZip(bytes: Uint8Array, options: PthOptions): PickleValue {
  const maxInflated = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED;
  const names = new Set<string>();
  let directoryBytes = 0;
  let storedBytes = 0;
  let inflatedBytes = 0;
  let torchScript = false;
  let files: Record<string, Uint8Array>;
  try {
    // fflate reads the central directory and calls the filter for each entry before it reads or
    // inflates anything, so every claim of the directory is checked here, before any allocation.
    files = unzipSync(bytes, {
      filter: (entry) => {
        const where = `The zip entry ${describe(entry.name.slice(0, 200))}`;
        // Honest records are at least 46 bytes plus their name, all inside the file: this bounds
        // the number of entries a forged count makes fflate visit.
        directoryBytes += ZIP_RECORD_BYTES + entry.name.length;
        if (directoryBytes > bytes.length) {
          throw new ZooPthError(`The zip directory claims more entries than a ${bytes.length}-byte file can hold; the file is corrupt.`);
        }
        if (names.has(entry.name)) throw new ZooPthError(`${where} appears twice; a torch.save archive names each record once.`);
        names.add(entry.name);
        if (TORCHSCRIPT.test(entry.name)) torchScript = true;
        if (!RECORD.test(entry.name)) return false;
        if (entry.compression === 0) {
          if (entry.size !== entry.originalSize || entry.size > bytes.length - storedBytes) {
            throw new ZooPthError(
              `${where} claims ${entry.originalSize} bytes, stored as ${entry.size}, in a ${bytes.length}-byte file (with ${storedBytes} ` +
                'taken by other entries): the directory is corrupt or forged; nothing was read.',
            );
          }
          storedBytes += entry.size;
        } else if (entry.compression === 8) {
          inflatedBytes += entry.originalSize;
          if (entry.originalSize > entry.size * DEFLATE_MAX_RATIO + 1024 || inflatedBytes > maxInflated) {
            throw new ZooPthError(
              `${where} claims to inflate from ${entry.size} to ${entry.originalSize} bytes (${inflatedBytes} in all, bound ` +
                `${maxInflated}): more than deflate can expand or than \`maxInflatedBytes\` allows; nothing was inflated.`,
            );
          }
        } else {
          throw new ZooPthError(`${where} uses compression method ${entry.compression}; torch.save stores entries (method 0).`);
        }
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ZooCheckpointError) throw err;
    throw new ZooPthError(`The zip archive is unreadable (${(err as Error).message}); the file is truncated or corrupt.`);
  }
  if (torchScript) {
    throw new ZooPthError(
      'This is a TorchScript archive (`torch.jit.save`): compiled code, not a state dict. Save `model.state_dict()` with torch.save instead.',
    );
  }
  const prefixes = Object.keys(files)
    .map((n) => RECORD.exec(n))
    .filter((m) => m && m[2] === 'data.pkl')
    .map((m) => m![1]!);
  if (prefixes.length !== 1) {
    throw new ZooPthError(
      prefixes.length
        ? `The zip holds ${prefixes.length} pickles (${prefixes.map((p) => `${p}/data.pkl`).join(', ')}); torch.save writes one.`
        : 'The zip holds no `<name>/data.pkl`: it is not a torch.save file (a zip of something else?).',
    );
  }
  const prefix = prefixes[0]!;
  // The names come from the file: look up own entries only, never what an object inherits.
  const record = (name: string) => (Object.hasOwn(files, name) ? files[name] : undefined);
  const byteorder = record(`${prefix}/byteorder`);
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') {
    throw new ZooPthError(
      `The archive's byteorder is ${describe(new TextDecoder().decode(byteorder.subarray(0, 16)))}; only little-endian files are read.`,
    );
  }
  const storages = new Map<string, TorchStorage>();
  return unpickle(record(`${prefix}/data.pkl`)!, 0, {
    ...options,
    persistentLoad: (pid) => {
      const id = storageId(pid);
      if (id.view) throw new ZooPthError(`Storage \`${id.key}\` is a view of another storage; the zip format never writes those.`);
      const known = storages.get(id.key);
      if (known) return sameStorage(known, id);
      const data = record(`${prefix}/data/${id.key}`);
      if (!data) throw new ZooPthError(`The pickle names storage \`${id.key}\` but the zip has no \`${prefix}/data/${id.key}\`.`);
      const el = DTYPE_BYTES[id.dtype];
      if (data.length / el !== id.numel) {
        throw new ZooPthError(
          `Storage \`${id.key}\` should hold ${id.numel} ${id.dtype} elements (${id.numel * el} bytes); its record has ${data.length} bytes.`,
        );
      }
      const storage = new TorchStorage(id.key, id.dtype, id.numel, id.location);
      storage.data = data;
      storages.set(id.key, storage);
      return storage;
    },
  }).value;
}

// --- the legacy format -----------------------------------------------------------------------

function readLegacy(bytes: Uint8Array, options: PthOptions): PickleValue {
  const limits: PickleLimits = { maxDepth: options.maxDepth, maxMemo: options.maxMemo, maxOps: options.maxOps };
  const magic = unpickle(bytes, 0, limits);
  if (magic.value !== LEGACY_MAGIC) {
    throw new ZooPthError(
      `A pickle, but not a torch.save file: it starts with ${kindOf(magic.value)}, not torch's magic number. ` +
        'Plain pickles are not read (they can hold anything); save with torch.save.',
    );
  }
  const protocol = unpickle(bytes, magic.end, limits);
  if (protocol.value !== LEGACY_PROTOCOL) {
    throw new ZooPthError(`The legacy torch.save protocol is ${kindOf(protocol.value)}; this reader knows ${LEGACY_PROTOCOL}.`);
  }
  const sysInfo = unpickle(bytes, protocol.end, limits);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new ZooPthError('The file was saved on a big-endian machine; only little-endian files are read.');
  }
  // Storages are named in the pickle and filled after it; views (torch before 1.0) are filled from their roots.
  const roots = new Map<string, TorchStorage>();
  const views = new Map<string, { storage: TorchStorage; root: TorchStorage; offset: number }>();
  const main = unpickle(bytes, sysInfo.end, {
    ...limits,
    persistentLoad: (pid) => {
      const id = storageId(pid);
      let root = roots.get(id.key);
      if (root) sameStorage(root, id);
      else {
        root = new TorchStorage(id.key, id.dtype, id.numel, id.location);
        roots.set(id.key, root);
      }
      if (!id.view) return root;
      const known = views.get(id.view.key);
      if (known) return known.storage;
      if (id.view.offset + id.view.numel > id.numel) {
        throw new ZooPthError(
          `Storage view \`${id.view.key}\` ends at element ${id.view.offset + id.view.numel}, past its root's ${id.numel}.`,
        );
      }
      const storage = new TorchStorage(id.view.key, id.dtype, id.view.numel, id.location);
      views.set(id.view.key, { storage, root, offset: id.view.offset });
      return storage;
    },
  });
  const keys = unpickle(bytes, main.end, limits);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) {
    throw new ZooPthError(`After the object, a legacy torch.save file lists its storage keys; it holds ${kindOf(keys.value)}.`);
  }
  let pos = keys.end;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys.value as string[]) {
    const storage = roots.get(key);
    if (!storage) throw new ZooPthError(`The storage list names \`${key}\`, which the pickle never uses.`);
    if (storage.data) throw new ZooPthError(`The storage list names \`${key}\` twice.`);
    if (pos + 8 > bytes.length) throw new ZooPthError(`The file ends before storage \`${key}\` (at byte ${pos}): it is truncated.`);
    const low = view.getUint32(pos, true);
    const high = view.getUint32(pos + 4, true);
    const numel = high * 2 ** 32 + low;
    if (numel !== storage.numel) {
      throw new ZooPthError(
        `Storage \`${key}\` is recorded with ${high >= 0x200000 ? 'over 2^53' : numel} elements; the pickle says ${storage.numel}.`,
      );
    }
    const length = numel * DTYPE_BYTES[storage.dtype];
    if (length > bytes.length - pos - 8) {
      throw new ZooPthError(
        `Storage \`${key}\` needs ${length} bytes at byte ${pos + 8}; the file has ${bytes.length - pos - 8} left: it is truncated.`,
      );
    }
    storage.data = bytes.subarray(pos + 8, pos + 8 + length);
    pos += 8 + length;
  }
  for (const root of roots.values()) {
    if (!root.data) throw new ZooPthError(`The pickle uses storage \`${root.key}\` but the file does not hold its bytes.`);
  }
  for (const { storage, root, offset } of views.values()) {
    const el = DTYPE_BYTES[storage.dtype];
    storage.data = root.data!.subarray(offset * el, (offset + storage.numel) * el);
  }
  return main.value;
}

// --- shared ------------------------------------------------------------------------------------

interface StorageId {
  key: string;
  dtype: SafetensorsDtype;
  numel: number;
  location: string;
  /** Legacy files of torch before 1.0: a slice of the storage `key`, itself named `view.key`. */
  view?: { key: string; offset: number; numel: number };
}

/** `('storage', storage_type, key, location, numel[, view_metadata])`, as both formats write it. */
function storageId(pid: PickleValue): StorageId {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || (pid.length !== 5 && pid.length !== 6)) {
    throw new ZooPthError(
      `A persistent id is ${kindOf(pid)}; torch.save writes ('storage', type, key, location, numel). ` +
        'A whole model saved with torch.save(model) has others: save model.state_dict() instead.',
    );
  }
  const [, type, key, location, numel, view] = pid;
  const dtype = storageDtype(type!);
  const name = (v: PickleValue | undefined, what: string): string => {
    if (typeof v === 'string') return v;
    // Python 2 wrote these as bytes.
    if (v instanceof Uint8Array) return new TextDecoder().decode(v);
    throw new ZooPthError(`A storage's ${what} is ${kindOf(v)}, not a string.`);
  };
  const count = (v: PickleValue | undefined, what: string): number => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    throw new ZooPthError(`A storage's ${what} is ${kindOf(v)}, not a non-negative integer.`);
  };
  const id: StorageId = { key: name(key, 'key'), dtype, numel: count(numel, 'element count'), location: name(location, 'location') };
  if (view !== undefined && view !== null) {
    if (!Array.isArray(view) || view.length !== 3) throw new ZooPthError(`A storage's view is ${kindOf(view)}, not (key, offset, size).`);
    id.view = { key: name(view[0], 'view key'), offset: count(view[1], 'view offset'), numel: count(view[2], 'view size') };
  }
  return id;
}

/** torch.save names a storage once per tensor that uses it; every mention must agree. */
function sameStorage(known: TorchStorage, id: StorageId): TorchStorage {
  if (known.dtype !== id.dtype || known.numel !== id.numel) {
    throw new ZooPthError(
      `Storage \`${id.key}\` is named as ${known.numel} ${known.dtype} and as ${id.numel} ${id.dtype} elements; a storage has one type and size.`,
    );
  }
  return known;
}

function tensorDict(v: PickleValue | undefined): Map<string, TorchTensor> | undefined {
  if (!(v instanceof Map)) return undefined;
  for (const [k, t] of v) if (typeof k !== 'string' || !(t instanceof TorchTensor)) return undefined;
  return v as Map<string, TorchTensor>;
}

function findStateDict(
  root: PickleValue,
  key: string | undefined,
): { tensors: Map<string, TorchTensor>; metadata: Map<PickleValue, PickleValue>; key: string | undefined } {
  if (!(root instanceof Map)) {
    throw new ZooPthError(`The checkpoint holds ${kindOf(root)}, not a dict; a state dict is a dict of tensors.`);
  }
  const bare = key === undefined ? tensorDict(root) : undefined;
  if (bare) return { tensors: bare, metadata: new Map(), key: undefined };
  for (const k of key === undefined ? STATE_DICT_KEYS : [key]) {
    const tensors = tensorDict(root.get(k));
    if (!tensors) continue;
    const metadata = new Map(root);
    metadata.delete(k);
    return { tensors, metadata, key: k };
  }
  const shown = [...root.keys()].slice(0, 12).map((k) => (typeof k === 'string' ? `\`${k}\`` : kindOf(k)));
  const nonTensor = [...root].find(([, v]) => !(v instanceof TorchTensor));
  const why = nonTensor
    ? ` (${typeof nonTensor[0] === 'string' ? `\`${nonTensor[0]}\`` : kindOf(nonTensor[0])} is ${kindOf(nonTensor[1])})`
    : '';
  throw new ZooPthError(
    key !== undefined
      ? `The checkpoint has no dict of tensors under \`${key}\` (it holds ${kindOf(root.get(key))}); its keys are ${shown.join(', ')}.`
      : `The checkpoint is a dict of ${root.size} (keys ${shown.join(', ')}${root.size > 12 ? ', ...' : ''}) that is not a state dict${why}, ` +
          `and none of ${STATE_DICT_KEYS.map((k) => `\`${k}\``).join(', ')} holds one. Pass \`stateDictKey\` to name the key that does.`,
  );
}
