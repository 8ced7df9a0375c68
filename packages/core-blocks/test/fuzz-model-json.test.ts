import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { checkWeightBytes, readModelArtifacts, readModelJson, ZooModelJsonError } from '../src/family.js';
import { smallNet } from './checkpoint-helpers.js';
import { byteMutations, deepValue, fuzz, hostileNumber } from './helpers/fuzz.js';
import { saveToMemory } from './helpers/memory-io.js';

/**
 * The model.json / weight-manifest reader under 12,000 inputs per run: made-up manifests, and
 * mutations of a real model.json (a model with the zoo's custom layers) at the byte level and
 * at the level of its fields (weight paths that leave the folder, shapes and dtypes that
 * disagree with the bytes, duplicate and missing weights, prototype keys, deep nesting), read
 * with a weight-data size that matches, or not.
 */

// Fixed so that a failure replays: fuzz() prints it with fast-check's path.
const SEED = 0x40de15;

let BASE: Record<string, unknown>;
let BASE_BYTES: Uint8Array;
let DATA_BYTES: number;
let WEIGHTS: Array<Record<string, unknown>>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = smallNet(1);
  const artifacts = await saveToMemory(model);
  model.dispose();
  DATA_BYTES = new tf.io.CompositeArrayBuffer(artifacts.weightData!).byteLength;
  WEIGHTS = artifacts.weightSpecs as unknown as Array<Record<string, unknown>>;
  BASE = {
    modelTopology: artifacts.modelTopology,
    format: 'layers-model',
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: WEIGHTS }],
  };
  BASE_BYTES = new TextEncoder().encode(JSON.stringify(BASE));
});

const encode = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

interface Input {
  json: Uint8Array;
  /** Sizes of the weight files read next to it. */
  files: number[];
}

function readAll({ json, files }: Input): void {
  const info = readModelJson(json);
  checkWeightBytes(info, files);
}

const hostilePath = fc.oneof(
  fc.constantFrom(
    '../w.bin',
    'a/../../w.bin',
    '/etc/passwd',
    '\\\\server\\w.bin',
    'C:\\w.bin',
    'c:w.bin',
    'https://x.test/w.bin',
    'file:///w.bin',
    'a\\..\\..\\w.bin',
    '',
    'a\0b',
    '..',
    '.',
  ),
  fc.string(),
  hostileNumber,
);

/** The manifest of the base file with one thing changed. */
const manifestEdit = (n: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.array(hostilePath, { minLength: 1, maxLength: 3 }).map((paths) => ({ paths, weights: WEIGHTS })),
    fc
      .tuple(
        fc.nat({ max: n - 1 }),
        fc.constantFrom('name', 'shape', 'dtype', 'quantization'),
        fc.oneof(hostileNumber, fc.string(), fc.constantFrom('__proto__', 'toString', 'constructor', 'float16', 'int32', 'bool', 'string')),
      )
      .map(([i, field, v]) => ({ paths: ['w.bin'], weights: WEIGHTS.map((w, j) => (j === i ? { ...w, [field]: v } : w)) })),
    fc
      .tuple(fc.nat({ max: n - 1 }), fc.array(hostileNumber, { maxLength: 5 }))
      .map(([i, shape]) => ({ paths: ['w.bin'], weights: WEIGHTS.map((w, j) => (j === i ? { ...w, shape } : w)) })),
    fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 })).map(([a, b]) => ({
      paths: ['w.bin'],
      weights: WEIGHTS.map((w, j) => (j === a ? { ...w, shape: WEIGHTS[b]!.shape } : j === b ? { ...w, shape: WEIGHTS[a]!.shape } : w)),
    })),
    fc.nat({ max: n - 1 }).map((i) => ({ paths: ['w.bin'], weights: [...WEIGHTS, WEIGHTS[i]] })),
    fc.nat({ max: n - 1 }).map((i) => ({ paths: ['w.bin'], weights: WEIGHTS.filter((_, j) => j !== i) })),
    fc.record({ uint: fc.constantFrom('uint8', 'uint16', 'int4'), i: fc.nat({ max: n - 1 }) }).map(({ uint, i }) => ({
      paths: ['w.bin'],
      weights: WEIGHTS.map((w, j) => (j === i ? { ...w, quantization: { dtype: uint, scale: 1, min: 0 } } : w)),
    })),
  );

/** Weight-file sizes: the right total, split or not, or a wrong one. */
const fileSizes: fc.Arbitrary<number[]> = fc.oneof(
  fc.constant(null).map(() => [DATA_BYTES]),
  fc.nat({ max: 64 }).map((k) => [Math.max(0, DATA_BYTES - k)]),
  fc.nat().map((k) => [DATA_BYTES + k]),
  fc.array(fc.nat({ max: 4096 }), { maxLength: 3 }),
);

const mutated: fc.Arbitrary<Input> = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.constant(null).chain(() => byteMutations(BASE_BYTES)),
        fileSizes,
      )
      .map(([json, files]) => ({ json, files })),
    weight: 35,
  },
  {
    arbitrary: fc
      .constant(null)
      .chain(() => fc.tuple(manifestEdit(WEIGHTS.length), fileSizes))
      .map(([group, files]) => ({ json: encode({ ...BASE, weightsManifest: [group] }), files })),
    weight: 40,
  },
  {
    // A prototype key spliced in after any `{` of the file.
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom('__proto__', 'constructor', 'prototype')).map(([i, key]) => {
      const text = new TextDecoder().decode(BASE_BYTES);
      const braces = [...text.matchAll(/\{/g)].map((m) => m.index!);
      const at = braces[i % braces.length]! + 1;
      return { json: encode(`${text.slice(0, at)}"${key}":{"x":1},${text.slice(at)}`), files: [DATA_BYTES] };
    }),
    weight: 10,
  },
  {
    arbitrary: fc
      .constantFrom(null, [], 1, 'model', { weightsManifest: [] }, { modelTopology: 1 })
      .map((v) => ({ json: encode(v), files: [] })),
    weight: 2,
  },
  // Rare: each costs a deep parse (about 0.05 s).
  { arbitrary: deepValue.map((v) => ({ json: encode(`{"modelTopology":${v}}`), files: [] })), weight: 1 },
);

const generated: fc.Arbitrary<Input> = fc.oneof(
  fc.tuple(fc.uint8Array({ maxLength: 256 }), fileSizes).map(([json, files]) => ({ json, files })),
  fc.tuple(fc.jsonValue({ maxDepth: 4 }), fileSizes).map(([v, files]) => ({ json: encode(v), files })),
  fc
    .record({
      modelTopology: fc.oneof(fc.constant({}), fc.object({ maxDepth: 2 })),
      weightsManifest: fc.array(
        fc.record({
          paths: fc.array(fc.oneof(fc.constantFrom('w.bin', 'sub/w.bin'), hostilePath), { maxLength: 2 }),
          weights: fc.array(
            fc.record({
              name: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'hasOwnProperty')),
              shape: fc.array(fc.oneof(fc.nat({ max: 8 }), hostileNumber), { maxLength: 4 }),
              dtype: fc.constantFrom('float32', 'int32', 'bool', 'complex64', 'string', 'float64'),
            }),
            { maxLength: 4 },
          ),
        }),
        { maxLength: 2 },
      ),
    })
    .chain((m) => fileSizes.map((files) => ({ json: encode(m), files }))),
);

/** Artifacts an IOHandler handed over, mutated the same ways. */
const artifacts: fc.Arbitrary<tf.io.ModelArtifacts> = fc
  .constant(null)
  .chain(() => fc.tuple(manifestEdit(WEIGHTS.length), fileSizes))
  .map(([group, files]) => ({
    modelTopology: BASE.modelTopology as object,
    weightSpecs: (group as { weights: tf.io.WeightsManifestEntry[] }).weights,
    weightData: files.map((n) => new ArrayBuffer(Math.min(n, 2 ** 20))),
  }));

describe('model.json reader under fuzzing', () => {
  it('reads the valid file the mutations start from', () => {
    const info = readModelJson(BASE_BYTES);
    expect(info.weightBytes).toBe(DATA_BYTES);
    expect(() => checkWeightBytes(info, [DATA_BYTES])).not.toThrow();
  });

  it('parses or throws a ZooModelJsonError for 4,000 generated files, fast and in bounded memory', () => {
    const stats = fuzz('model.json, generated', generated, readAll, { seed: SEED, numRuns: 4_000 });
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('parses or throws a ZooModelJsonError for 7,000 mutations of a real model.json, fast and in bounded memory', () => {
    const stats = fuzz('model.json, mutated', mutated, readAll, { seed: SEED + 1, numRuns: 7_000 });
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('checks 1,000 mutated in-memory artifacts (readModelArtifacts) the same way', () => {
    const stats = fuzz('model artifacts, mutated', artifacts, readModelArtifacts, { seed: SEED + 2, numRuns: 1_000 });
    expect(stats.refused).toBeGreaterThan(0);
  });
});

describe('model.json: what the reader refuses, as plain tests', () => {
  it.each([
    ['a weight path that leaves the folder', { paths: ['../w.bin'] }, /points outside the folder/],
    ['a Windows path', { paths: ['C:\\w.bin'] }, /is absolute/],
    ['a weight named __proto__', { weights: [{ name: '__proto__', shape: [1], dtype: 'float32' }] }, /would reach an object's prototype/],
    [
      'a shape whose product overflows',
      { weights: [{ name: 'w', shape: [2 ** 40, 2 ** 40], dtype: 'float32' }] },
      /needs more bytes than any file holds/,
    ],
    [
      'a string weight (its size is not in the manifest)',
      { weights: [{ name: 'w', shape: [1], dtype: 'string' }] },
      /dtype "string" is not one of/,
    ],
  ])('%s', (_what, edit, message) => {
    const group = { paths: ['w.bin'], weights: WEIGHTS, ...edit };
    expect(() => readModelJson({ ...BASE, weightsManifest: [group] })).toThrow(ZooModelJsonError);
    expect(() => readModelJson({ ...BASE, weightsManifest: [group] })).toThrow(message);
  });

  it('a prototype key anywhere in the topology, named with where it is', () => {
    const text = new TextDecoder().decode(BASE_BYTES).replace('"config":{', '"config":{"__proto__":{"polluted":1},');
    expect(() => readModelJson(text)).toThrow(/the key `__proto__` at modelTopology\.config/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('weight files a byte short, naming the weight that runs past their end', () => {
    const info = readModelJson(BASE_BYTES);
    const last = info.weights.at(-1)!.name;
    expect(() => checkWeightBytes(info, [DATA_BYTES - 1])).toThrow(
      new RegExp(`need ${DATA_BYTES} bytes .* hold ${DATA_BYTES - 1} \\(\`${last}\``),
    );
  });
});

describe('model.json: deep nesting, as a plain test', () => {
  it('a topology nested 100,000 levels deep is read without overflowing the stack, and refused if it is a list', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => readModelJson(`{"modelTopology":${deep}}`)).toThrow(ZooModelJsonError);
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(readModelJson(`{"modelTopology":${deepObject}}`).weights).toEqual([]);
  });
});
