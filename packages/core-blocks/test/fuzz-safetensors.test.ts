import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readSafetensors, type TensorToWrite, writeSafetensors, ZooCheckpointError } from '../src/family.js';
import { forge } from './checkpoint-helpers.js';
import { byteMutations, deepValue, fuzz, hostileNumber } from './helpers/fuzz.js';

/**
 * The safetensors reader under 12,000 inputs per run: made-up headers, and mutations of a valid
 * file at the byte level (flips, truncation, splices, a forged length) and at the header level
 * (offsets swapped or huge, shapes whose product overflows, unknown dtypes, prototype keys).
 * A successful read also decodes every float tensor, as a loader would.
 */

// Fixed so that a failure replays: fuzz() prints it with fast-check's path.
const SEED = 0x5afe7e;

const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1) * 3);
const TENSORS: Record<string, TensorToWrite> = {
  'conv.weight': { dtype: 'F32', shape: [2, 3, 1, 1], data: values(6) },
  'bn.bias': { dtype: 'F16', shape: [3], data: values(3) },
  'fc.weight': { dtype: 'BF16', shape: [2, 2], data: values(4) },
  'fc.bias': { dtype: 'F64', shape: [2], data: values(2) },
  'bn.num_batches_tracked': { dtype: 'I64', shape: [], data: new Uint8Array(8) },
  mask: { dtype: 'BOOL', shape: [0, 4], data: new Uint8Array(0) },
};
const BASE = writeSafetensors(TENSORS, { format: 'pt' });
const headerLength = Number(new DataView(BASE.buffer).getBigUint64(0, true));
const HEADER = JSON.parse(new TextDecoder().decode(BASE.subarray(8, 8 + headerLength))) as Record<string, Record<string, unknown>>;
const DATA = BASE.subarray(8 + headerLength);
const NAMES = Object.keys(TENSORS);

function readAll(bytes: Uint8Array): void {
  const file = readSafetensors(bytes);
  for (const key of file.keys()) {
    const info = file.info(key)!;
    if (['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) file.float32(key);
  }
}

/** A header edited as an object: one field of one entry replaced, entries swapped, added or dropped. */
const headerEdit: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...NAMES), fc.constantFrom('dtype', 'shape', 'data_offsets'), fc.oneof(hostileNumber, fc.string()))
    .map(([name, field, v]) => ({ ...HEADER, [name]: { ...HEADER[name], [field]: v } })),
  fc
    .tuple(fc.constantFrom(...NAMES), fc.array(hostileNumber, { maxLength: 5 }))
    .map(([name, shape]) => ({ ...HEADER, [name]: { ...HEADER[name], shape } })),
  fc
    .tuple(fc.constantFrom(...NAMES), hostileNumber, hostileNumber)
    .map(([name, a, b]) => ({ ...HEADER, [name]: { ...HEADER[name], data_offsets: [a, b] } })),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES)).map(([a, b]) => ({
    ...HEADER,
    [a]: { ...HEADER[a], data_offsets: HEADER[b]!.data_offsets },
    [b]: { ...HEADER[b], data_offsets: HEADER[a]!.data_offsets },
  })),
  fc.constantFrom(...NAMES).map((name) => {
    const { [name]: _, ...rest } = HEADER;
    return rest;
  }),
  fc
    .tuple(
      fc.string(),
      fc.constantFrom('F32', 'I8', 'F8_E4M3', 'U64'),
      fc.array(fc.nat({ max: 9 }), { maxLength: 3 }),
      fc.nat({ max: 200 }),
    )
    .map(([name, dtype, shape, end]) => ({ ...HEADER, [name]: { dtype, shape, data_offsets: [0, end] } })),
);

/** Header text with a prototype key spliced in at the top level or inside an entry. */
const prototypeHeader: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean(), fc.constantFrom(...NAMES))
  .map(([key, top, name]) => {
    const text = JSON.stringify(HEADER);
    const entry = `"${key}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},`;
    return top ? `{${entry}${text.slice(1)}` : text.replace(`"${name}":{`, `"${name}":{"${key}":1,`);
  });

const generated: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.uint8Array({ maxLength: 64 })).map(([h, d]) => forge(h as object, d)),
  fc
    .dictionary(
      fc.string({ maxLength: 8 }),
      fc.record({
        dtype: fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'U8', 'X'),
        shape: fc.array(fc.nat({ max: 6 }), { maxLength: 3 }),
        data_offsets: fc.tuple(fc.nat({ max: 128 }), fc.nat({ max: 128 })),
      }),
      { maxKeys: 4 },
    )
    .chain((h) => fc.uint8Array({ maxLength: 160 }).map((d) => forge(h, d))),
);

const mutated: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: byteMutations(BASE), weight: 40 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((len) => forge(HEADER, DATA, len)), weight: 8 },
  { arbitrary: fc.integer({ min: -16, max: 16 }).map((d) => forge(HEADER, DATA, BigInt(Math.max(0, headerLength + d)))), weight: 8 },
  { arbitrary: headerEdit.map((h) => forge(h, DATA)), weight: 35 },
  { arbitrary: prototypeHeader.map((h) => forge(h, DATA)), weight: 8 },
  // Rare: each costs a stack overflow caught (about 0.2 s).
  { arbitrary: deepValue.map((v) => forge(`{"a":{"dtype":"F32","shape":${v},"data_offsets":[0,0]}}`)), weight: 1 },
);

describe('safetensors reader under fuzzing', () => {
  it('reads the valid file the mutations start from', () => {
    expect(() => readAll(BASE)).not.toThrow();
  });

  it('parses or throws a ZooCheckpointError for 4,000 generated files, fast and in bounded memory', () => {
    const stats = fuzz('safetensors, generated', generated, readAll, { seed: SEED, numRuns: 4_000 });
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('parses or throws a ZooCheckpointError for 8,000 mutations of a valid file, fast and in bounded memory', () => {
    const stats = fuzz('safetensors, mutated', mutated, readAll, { seed: SEED + 1, numRuns: 8_000 });
    // Some mutations (a flip in the data, a renamed tensor) leave a valid file: both outcomes occur.
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });
});

describe('safetensors: cases fuzzing found, kept as plain tests', () => {
  it('a shape nested 100,000 lists deep is refused with a typed error (describing it overflowed the stack)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => readSafetensors(forge(`{"a":{"dtype":"F32","shape":${deep},"data_offsets":[0,0]}}`))).toThrow(ZooCheckpointError);
  });
});
