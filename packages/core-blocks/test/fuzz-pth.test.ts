import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { type PickleValue, readPickle, storageDtype, TorchStorage } from '../src/checkpoint/pickle.js';
import { readPth, TorchTensor, ZooCheckpointError } from '../src/family.js';
import { byteMutations, fuzz, hostileNumber } from './helpers/fuzz.js';

/**
 * The pickle reader and the torch.save containers under 26,000 inputs per run: for the pickle
 * reader, random bytes, random sequences of real opcodes (allowed and refused globals, lying
 * lengths, stray marks) and byte mutations of valid pickles, alone and as the main pickle of a
 * legacy file; for the zip reader, mutations of a valid zip file at the byte level and in the
 * fields of its directory (sizes, offsets, counts, compression), and zips made of random
 * entries. Every input must parse or throw a `ZooCheckpointError`, fast. A successful read also
 * decodes every tensor, as a loader would. The valid files are written here, opcode for opcode
 * as torch.save writes them (test/pth.test.ts reads the real ones).
 */

// Fixed so that a failure replays: fuzz() prints it with fast-check's path.
const SEED = 0x7079;

// --- a pickle writer, enough for state dicts ----------------------------------------------------

const enc = new TextEncoder();

class Pickler {
  private readonly out: number[] = [];
  private memo = 0;
  constructor(private readonly protocol: 2 | 4) {
    this.op(0x80, protocol);
  }

  op(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  private u32(n: number): this {
    return this.op(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  }

  put(): this {
    return this.protocol === 4 ? this.op(0x94) : this.op(0x71, this.memo++ & 0xff);
  }

  str(s: string): this {
    const b = enc.encode(s);
    if (this.protocol === 4 && b.length < 256) this.op(0x8c, b.length);
    else this.op(0x58).u32(b.length);
    return this.op(...b).put();
  }

  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    if (n >= 0 && n < 65536) return this.op(0x4d, n & 0xff, n >> 8);
    return this.op(0x4a).u32(n >>> 0);
  }

  float(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.op(0x47, ...b);
  }

  global(module: string, name: string): this {
    if (this.protocol === 4) return this.str(module).str(name).op(0x93).put();
    return this.op(0x63, ...enc.encode(`${module}\n${name}\n`)).put();
  }

  tuple(items: number[]): this {
    if (items.length === 0) return this.op(0x29);
    if (items.length > 3) this.op(0x28);
    for (const i of items) this.int(i);
    return this.op(items.length > 3 ? 0x74 : 0x84 + items.length).put();
  }

  tensor(t: TensorSpec, legacy: boolean): this {
    this.global('torch._utils', '_rebuild_tensor_v2').op(0x28, 0x28).str('storage').global('torch', t.storageType);
    this.str(t.storage).str('cpu').int(t.numel);
    if (legacy) this.op(0x4e);
    this.op(0x74).put().op(0x51).int(t.offset).tuple(t.shape).tuple(t.stride).op(0x89);
    return this.global('collections', 'OrderedDict').op(0x29, 0x52).put().op(0x74).put().op(0x52).put();
  }

  bytes(): Uint8Array {
    return new Uint8Array([...this.out, 0x2e]);
  }
}

interface TensorSpec {
  key: string;
  storage: string;
  storageType: string;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** A small state dict with a transposed view, two tensors on one storage, each float dtype and an int64 counter. */
const TENSORS: TensorSpec[] = [
  { key: 'conv.weight', storage: '0', storageType: 'FloatStorage', numel: 12, offset: 0, shape: [2, 3, 2], stride: [6, 2, 1] },
  { key: 'fc.weight', storage: '1', storageType: 'FloatStorage', numel: 6, offset: 0, shape: [3, 2], stride: [1, 3] },
  { key: 'fc.bias', storage: '0', storageType: 'FloatStorage', numel: 12, offset: 9, shape: [3], stride: [1] },
  { key: 'bn.weight', storage: '2', storageType: 'HalfStorage', numel: 3, offset: 0, shape: [3], stride: [1] },
  { key: 'bn.bias', storage: '3', storageType: 'BFloat16Storage', numel: 3, offset: 0, shape: [3], stride: [1] },
  { key: 'bn.running_var', storage: '4', storageType: 'DoubleStorage', numel: 3, offset: 0, shape: [3], stride: [1] },
  { key: 'bn.num_batches_tracked', storage: '5', storageType: 'LongStorage', numel: 1, offset: 0, shape: [], stride: [] },
  { key: 'mask', storage: '6', storageType: 'BoolStorage', numel: 0, offset: 0, shape: [0, 4], stride: [4, 1] },
];
const ELEMENT: Record<string, number> = {
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  DoubleStorage: 8,
  LongStorage: 8,
  BoolStorage: 1,
};
const STORAGES = new Map<string, Uint8Array>();
for (const t of TENSORS) {
  if (STORAGES.has(t.storage)) continue;
  STORAGES.set(
    t.storage,
    Uint8Array.from({ length: t.numel * ELEMENT[t.storageType]! }, (_, i) => (i * 37 + 11) & 0xff),
  );
}

/** The main pickle: a bare state dict, or torchvision's reference scripts' wrapper with optimizer state. */
function statePickle(protocol: 2 | 4, legacy: boolean, wrapped: boolean): Uint8Array {
  const p = new Pickler(protocol);
  if (wrapped) p.op(0x7d).put().op(0x28).str('epoch').int(3).str('state_dict');
  p.global('collections', 'OrderedDict').op(0x29, 0x52).put().op(0x28);
  for (const t of TENSORS) p.str(t.key).tensor(t, legacy);
  // The state dict's `_metadata` attribute, which torch pickles with BUILD.
  p.op(0x75).op(0x7d).put().str('_metadata').global('collections', 'OrderedDict').op(0x29, 0x52).put();
  p.str('').op(0x7d).put().str('version').int(1).op(0x73, 0x73, 0x73, 0x62);
  if (wrapped) {
    p.str('best_acc1').float(76.5).str('optimizer').op(0x7d).put().op(0x28).str('state').op(0x7d).put();
    p.int(0).op(0x7d).put().str('momentum_buffer').tensor(TENSORS[1]!, legacy).op(0x73, 0x73);
    p.str('param_groups').op(0x5d).put().op(0x7d).put().op(0x28).str('lr').float(0.1).str('nesterov').op(0x89);
    p.str('params').op(0x5d).put().op(0x28).int(0).int(1).op(0x65, 0x75, 0x61, 0x75).op(0x75);
  }
  return p.bytes();
}

function zipEntries(pickle: Uint8Array): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = { 'archive/data.pkl': pickle };
  for (const [key, data] of STORAGES) entries[`archive/data/${key}`] = data;
  entries['archive/version'] = enc.encode('3\n');
  return entries;
}

function zipFile(pickle: Uint8Array, level: 0 | 6 = 0): Uint8Array {
  return zipSync(zipEntries(pickle), { level });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The legacy format: magic, protocol, system info, `main`, the storage keys, each storage's count and bytes. */
function legacyFile(main: Uint8Array, protocol: 2 | 4 = 2): Uint8Array {
  const magic = new Pickler(protocol).op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).bytes();
  const version = new Pickler(protocol).int(1001).bytes();
  const sys = new Pickler(protocol)
    .op(0x7d)
    .put()
    .op(0x28)
    .str('protocol_version')
    .int(1001)
    .str('little_endian')
    .op(0x88)
    .op(0x75)
    .bytes();
  const keys = new Pickler(protocol).op(0x5d).put().op(0x28);
  for (const key of STORAGES.keys()) keys.str(key);
  keys.op(0x65);
  const data: Uint8Array[] = [];
  for (const [key, bytes] of STORAGES) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigUint64(0, BigInt(TENSORS.find((t) => t.storage === key)!.numel), true);
    data.push(count, bytes);
  }
  return concat([magic, version, sys, main, keys.bytes(), ...data]);
}

const ZIP = zipFile(statePickle(2, false, false));
const ZIP_P4_WRAPPED = zipFile(statePickle(4, false, true));
const ZIP_DEFLATED = zipFile(statePickle(2, false, true), 6);
const LEGACY = legacyFile(statePickle(2, true, false));
const LEGACY_P4_WRAPPED = legacyFile(statePickle(4, true, true), 4);
const PICKLES = [statePickle(2, false, false), statePickle(4, false, true), statePickle(2, true, true)];
const BASE_ENTRIES = zipEntries(PICKLES[0]!);
const EMPTY_PICKLE = new Uint8Array([0x80, 2, 0x7d, 0x2e]);

/** Reads a file as a loader would: every tensor of the state dict decoded. */
function readAll(bytes: Uint8Array): void {
  const file = readPth(bytes);
  for (const key of file.keys()) {
    const t = file.tensors.get(key)!;
    if (['F32', 'F16', 'BF16', 'F64'].includes(t.dtype)) file.float32(key);
    else t.bytes();
  }
  for (const v of file.metadata.values()) if (v instanceof TorchTensor) v.bytes();
}

/** The unpickler alone, with persistent ids resolved to storages as the containers resolve them. */
function unpickleAll(bytes: Uint8Array): PickleValue {
  return readPickle(bytes, {
    persistentLoad: (pid) => new TorchStorage('k', storageDtype(Array.isArray(pid) ? pid[1]! : pid), 64, 'cpu'),
  });
}

// --- inputs for the pickle reader ---------------------------------------------------------------

const NAMES = [
  'torch',
  'FloatStorage',
  'LongStorage',
  'collections',
  'OrderedDict',
  'storage',
  'cpu',
  '0',
  'torch._utils',
  '_rebuild_tensor_v2',
];
const GLOBALS = [
  'collections\nOrderedDict\n',
  'torch._utils\n_rebuild_tensor_v2\n',
  'torch._utils\n_rebuild_parameter\n',
  'torch\nFloatStorage\n',
  'torch\nSize\n',
  'torch\nfloat16\n',
  'posix\nsystem\n',
  '__builtin__\neval\n',
  'torch\nFloatStorage.__init__\n',
  'collections\nOrderedDict',
];

/** One opcode with plausible (or lying) operands. */
const token: fc.Arbitrary<number[]> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .constantFrom(0x28, 0x29, 0x5d, 0x7d, 0x8f, 0x4e, 0x88, 0x89, 0x30, 0x31, 0x32, 0x94, 0x93, 0x52, 0x62, 0x81, 0x92, 0x51)
      .map((b) => [b]),
  },
  { weight: 8, arbitrary: fc.constantFrom(0x74, 0x85, 0x86, 0x87, 0x6c, 0x64, 0x61, 0x65, 0x73, 0x75, 0x90, 0x91).map((b) => [b]) },
  { weight: 4, arbitrary: fc.nat({ max: 255 }).map((n) => [0x4b, n]) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(0x71, 0x68), fc.nat({ max: 8 })).map(([o, n]) => [o, n]) },
  { weight: 4, arbitrary: fc.constantFrom(...NAMES).map((s) => [0x8c, s.length, ...enc.encode(s)]) },
  { weight: 3, arbitrary: fc.constantFrom(...GLOBALS).map((s) => [0x63, ...enc.encode(s)]) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => [0x8a, b.length, ...b]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x8a, 0x8c, 0x43, 0x55), fc.nat({ max: 255 })).map(([o, n]) => [o, n]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(0x58, 0x42, 0x6a, 0x72, 0x8b, 0x4a, 0x54), fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff))
      .map(([o, n]) => [o, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(0x8d, 0x8e, 0x96, 0x95), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
      .map(([o, n]) => [o, ...new Uint8Array(new BigUint64Array([n]).buffer)]),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('I01\n', 'I-3\n', 'L99999999999999999999L\n', 'F1.5\n', 'Fnan\n', 'Fx\n', 'p0\n', 'g0\n', 'Vcaf\\u00e9\n', 'P0\n')
      .map((s) => [...enc.encode(s)]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0x69, 0x6f, 0x82, 0x83, 0x84, 0x97, 0x98, 0x53, 0x00, 0xff).map((b) => [b, 0x61, 0x0a, 0x62, 0x0a]),
  },
);

/** A storage persistent id followed by a tensor rebuild with hostile view numbers. */
const tensorTokens: fc.Arbitrary<number[]> = fc
  .tuple(
    fc.constantFrom('FloatStorage', 'HalfStorage', 'LongStorage', 'ComplexFloatStorage', 'Size'),
    fc.array(fc.oneof(fc.nat({ max: 70 }), fc.constantFrom(2 ** 31 - 1)), { minLength: 4, maxLength: 8 }),
  )
  .map(([type, [numel, offset, ...dims]]) => {
    const p = new Pickler(2);
    const half = Math.floor(dims.length / 2);
    p.tensor(
      {
        key: 'x',
        storage: '0',
        storageType: type,
        numel: numel!,
        offset: offset!,
        shape: dims.slice(0, half),
        stride: dims.slice(half, 2 * half),
      },
      true,
    );
    return Array.from(p.bytes().subarray(2, -1));
  });

const opcodePickle: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(2, 4, 5),
    fc.array(fc.oneof({ weight: 6, arbitrary: token }, { weight: 1, arbitrary: tensorTokens }), { maxLength: 40 }),
    fc.boolean(),
  )
  .map(([proto, tokens, stop]) => new Uint8Array([0x80, proto, ...tokens.flat(), ...(stop ? [0x2e] : [])]));

const pickleGenerated: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 128 }).map((b) => new Uint8Array([0x80, 2, ...b])) },
  { weight: 8, arbitrary: opcodePickle },
);

const pickleMutated: fc.Arbitrary<Uint8Array> = fc.oneof(...PICKLES.map((p) => byteMutations(p)));

const legacyInputs: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: byteMutations(LEGACY) },
  { weight: 3, arbitrary: byteMutations(LEGACY_P4_WRAPPED) },
  // A legacy file around a random main pickle: persistent ids and tensor views through the real container.
  { weight: 3, arbitrary: opcodePickle.map((main) => legacyFile(main)) },
  // A forged element count in front of a storage.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat({ max: 6 }), hostileNumber).map(([i, n]) => {
      const out = LEGACY.slice();
      const at = LEGACY.length - [...STORAGES.values()].slice(i).reduce((s, d) => s + d.length + 8, 0);
      const v = typeof n === 'number' && Number.isFinite(n) ? BigInt.asUintN(64, BigInt(Math.trunc(n))) : 2n ** 63n;
      new DataView(out.buffer).setBigUint64(at, v, true);
      return out;
    }),
  },
);

// --- inputs for the zip reader ------------------------------------------------------------------

/** Offsets of every central directory record, and of the end-of-directory record. */
function directory(zip: Uint8Array): { records: number[]; end: number } {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const records: number[] = [];
  let end = -1;
  for (let at = 0; at + 4 <= zip.length; at++) {
    const sig = v.getUint32(at, true);
    if (sig === 0x02014b50) records.push(at);
    else if (sig === 0x06054b50) end = at;
  }
  return { records, end };
}

/** Central directory fields: offset in the record, width. */
const RECORD_FIELDS: [number, 2 | 4][] = [
  [10, 2], // compression method
  [20, 4], // compressed size
  [24, 4], // uncompressed size
  [28, 2], // name length
  [30, 2], // extra length
  [32, 2], // comment length
  [42, 4], // local header offset
];
const END_FIELDS: [number, 2 | 4][] = [
  [8, 2], // entries on this disk
  [10, 2], // entries
  [12, 4], // directory size
  [16, 4], // directory offset
  [20, 2], // comment length
];

const field32 = fc.oneof(
  fc.constantFrom(0, 1, 8, 0xffff, 0xffffffff, 0x7fffffff, ZIP.length, ZIP.length + 1),
  fc.nat({ max: 4096 }),
  fc.nat(),
);

function fieldEdit(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const { records, end } = directory(base);
  return fc.tuple(fc.nat({ max: records.length }), fc.nat({ max: 100 }), field32, fc.nat({ max: 100 })).map(([r, f, value, local]) => {
    const out = base.slice();
    const v = new DataView(out.buffer);
    const [rel, width] = r === records.length ? END_FIELDS[f % END_FIELDS.length]! : RECORD_FIELDS[f % RECORD_FIELDS.length]!;
    const at = (r === records.length ? end : records[r]!) + rel;
    if (width === 2) v.setUint16(at, value & 0xffff, true);
    else v.setUint32(at, value >>> 0, true);
    // Sometimes the local header too (its sizes, name length, extra length).
    if (local < 30 && r < records.length) {
      const lh = v.getUint32(records[r]! + 42, true);
      if (lh + 30 <= out.length) v.setUint16(lh + 26 + (local % 2) * 2, value & 0xffff, true);
    }
    return out;
  });
}

const ENTRY_NAMES = [
  'archive/data.pkl',
  'archive/data/0',
  'archive/data/1',
  'other/data.pkl',
  'archive/byteorder',
  'archive/constants.pkl',
  'archive/code/x.py',
  'archive/version',
  'data.pkl',
  'archive/data/0/x',
];

const zipGenerated: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b])) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.dictionary(
          fc.oneof(fc.constantFrom(...ENTRY_NAMES), fc.stringMatching(/^[a-z]{1,8}(\/[a-z0-9.]{1,6}){0,2}$/)),
          fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...PICKLES), fc.constantFrom(enc.encode('little'), enc.encode('big'))),
          { maxKeys: 6 },
        ),
        fc.constantFrom(0, 6),
      )
      .map(([entries, level]) => zipSync(entries, { level: level as 0 | 6 })),
  },
  { weight: 2, arbitrary: opcodePickle.map((p) => zipFile(p)) },
  // The valid entries with some left out and others added: a missing storage, a second pickle, a stray record.
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.subarray(Object.keys(BASE_ENTRIES)),
        fc.dictionary(
          fc.constantFrom(...ENTRY_NAMES),
          fc.oneof(fc.uint8Array({ maxLength: 32 }), fc.constantFrom(...PICKLES, EMPTY_PICKLE)),
          {
            maxKeys: 2,
          },
        ),
        fc.constantFrom(0, 6),
      )
      .map(([kept, extra, level]) =>
        zipSync({ ...Object.fromEntries(kept.map((k) => [k, BASE_ENTRIES[k]!])), ...extra }, { level: level as 0 | 6 }),
      ),
  },
);

const zipMutated: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: byteMutations(ZIP) },
  { weight: 2, arbitrary: byteMutations(ZIP_P4_WRAPPED) },
  { weight: 1, arbitrary: byteMutations(ZIP_DEFLATED) },
  { weight: 4, arbitrary: fieldEdit(ZIP) },
  { weight: 2, arbitrary: fieldEdit(ZIP_DEFLATED) },
  { weight: 2, arbitrary: pickleMutated.map((p) => zipFile(p)) },
);

describe('the valid files the mutations start from', () => {
  it('read as the state dict they were written as, in every variant', () => {
    for (const bytes of [ZIP, ZIP_P4_WRAPPED, ZIP_DEFLATED, LEGACY, LEGACY_P4_WRAPPED]) {
      const file = readPth(bytes);
      expect(file.keys()).toEqual(TENSORS.map((t) => t.key));
      expect(file.tensors.get('fc.weight')!.contiguous).toBe(false);
      expect(file.tensors.get('fc.bias')!.storage).toBe(file.tensors.get('conv.weight')!.storage);
      expect(() => readAll(bytes)).not.toThrow();
    }
    const wrapped = readPth(LEGACY_P4_WRAPPED);
    expect(wrapped.stateDictKey).toBe('state_dict');
    expect([...wrapped.metadata.keys()]).toEqual(['epoch', 'best_acc1', 'optimizer']);
    const f = new DataView(STORAGES.get('1')!.buffer);
    // fc.weight is the transposed view [3, 2] of a row-major [2, 3]: element (i, j) is storage[j * 3 + i].
    expect(Array.from(wrapped.float32('fc.weight'))).toEqual([0, 3, 1, 4, 2, 5].map((i) => f.getFloat32(4 * i, true)));
  });
});

describe('pickle reader under fuzzing', () => {
  it('parses or throws a ZooCheckpointError for 5,000 generated pickles (random bytes, random opcode sequences)', () => {
    const stats = fuzz('pickle, generated', pickleGenerated, unpickleAll, { seed: SEED, numRuns: 5_000 });
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('parses or throws a ZooCheckpointError for 5,000 mutations of valid state-dict pickles', () => {
    const stats = fuzz('pickle, mutated', pickleMutated, unpickleAll, { seed: SEED + 1, numRuns: 5_000 });
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('parses or throws a ZooCheckpointError for 5,000 legacy torch.save files, mutated or around random pickles', () => {
    const stats = fuzz('legacy pth', legacyInputs, readAll, { seed: SEED + 2, numRuns: 5_000 });
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });
});

describe('zip reader under fuzzing', () => {
  it('parses or throws a ZooCheckpointError for 3,000 generated zips (random entries, random pickles)', () => {
    const stats = fuzz('zip pth, generated', zipGenerated, readAll, { seed: SEED + 3, numRuns: 3_000 });
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('parses or throws a ZooCheckpointError for 8,000 mutations of valid zip files (bytes and directory fields)', () => {
    const stats = fuzz('zip pth, mutated', zipMutated, readAll, { seed: SEED + 4, numRuns: 8_000 });
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('what fuzzing checks is a ZooCheckpointError subclass, not a look-alike', () => {
    expect(() => readPth(ZIP.subarray(0, 40))).toThrow(ZooCheckpointError);
  });
});
