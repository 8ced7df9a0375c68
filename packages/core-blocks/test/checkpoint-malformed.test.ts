import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  exportStateDict,
  loadCheckpoint,
  type TensorToWrite,
  writeSafetensors,
  type ZooCheckpointError,
  ZooSafetensorsDtypeError,
  ZooSafetensorsHeaderError,
  ZooSafetensorsOffsetError,
  ZooSafetensorsShapeError,
  ZooStateDictError,
} from '../src/family.js';
import { forge, outputs, smallNet } from './checkpoint-helpers.js';

type ErrorClass = new (...args: never[]) => ZooCheckpointError;

let model: tfl.LayersModel;
let before: Float32Array;
let good: Record<string, TensorToWrite>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = smallNet(1);
  before = outputs(model);
  good = {};
  for (const [k, t] of exportStateDict(smallNet(2))) good[k] = { dtype: 'F32', ...t };
  good['stem.bn.num_batches_tracked'] = { dtype: 'I64', shape: [], data: new Uint8Array(8) };
});

afterAll(() => {
  model.dispose();
});

const f32 = (n: number) => new Uint8Array(4 * n);
const tensor = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

/** Each case: a file, the error class it must raise and what the message must say. */
const CASES: Array<[string, () => Uint8Array, ErrorClass, RegExp]> = [
  ['an empty file', () => new Uint8Array(0), ZooSafetensorsHeaderError, /8-byte header length; this one has 0 byte/],
  ['a file shorter than the length field', () => new Uint8Array([1, 0, 0]), ZooSafetensorsHeaderError, /has 3 byte/],
  [
    'a header length past the end of the file',
    () => forge({}, new Uint8Array(0), 4096n),
    ZooSafetensorsHeaderError,
    /4096 bytes runs past the end/,
  ],
  [
    'a header length of 2^64-1',
    () => forge({}, new Uint8Array(0), 2n ** 64n - 1n),
    ZooSafetensorsHeaderError,
    /exceeds the 100000000-byte bound/,
  ],
  [
    'a header length over the bound (200 MB)',
    () => forge({}, new Uint8Array(0), 200_000_000n),
    ZooSafetensorsHeaderError,
    /200000000 bytes exceeds/,
  ],
  ['a header that is not JSON', () => forge('{"a": {"dtype": "F32",'), ZooSafetensorsHeaderError, /not valid JSON/],
  ['a header that is not UTF-8', () => forge(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), ZooSafetensorsHeaderError, /not valid UTF-8/],
  ['a header that is a JSON array', () => forge('[1, 2]'), ZooSafetensorsHeaderError, /must be a JSON object/],
  ['an entry that is not an object', () => forge({ a: 5 }), ZooSafetensorsHeaderError, /`a`: its entry must be an object/],
  [
    '__metadata__ with a non-string value',
    () => forge({ __metadata__: { epoch: 3 } }),
    ZooSafetensorsHeaderError,
    /`__metadata__` must be an object of string values/,
  ],
  [
    'an unknown dtype',
    () => forge({ a: { ...tensor, dtype: 'F17' } }, f32(2)),
    ZooSafetensorsDtypeError,
    /`a`: unknown dtype "F17"; expected one of F64, F32/,
  ],
  [
    'a negative dimension',
    () => forge({ a: { ...tensor, shape: [-2] } }, f32(2)),
    ZooSafetensorsShapeError,
    /shape \[-2\] is not a list of non-negative integers/,
  ],
  [
    'a fractional dimension',
    () => forge({ a: { ...tensor, shape: [1.5] } }, f32(2)),
    ZooSafetensorsShapeError,
    /not a list of non-negative integers/,
  ],
  [
    'a shape that does not match the byte count',
    () => forge({ a: { ...tensor, shape: [2, 2] } }, f32(2)),
    ZooSafetensorsShapeError,
    /needs 16 bytes but data_offsets \[0, 8\] hold 8/,
  ],
  [
    'a shape whose size overflows (2^40 x 2^40), without allocating it',
    () => forge({ a: { ...tensor, shape: [2 ** 40, 2 ** 40] } }, f32(2)),
    ZooSafetensorsShapeError,
    /needs Infinity bytes/,
  ],
  [
    'offsets past the end of the data',
    () => forge({ a: { ...tensor, data_offsets: [0, 1e6] } }, f32(2)),
    ZooSafetensorsOffsetError,
    /run past the end of the data \(8 bytes\)/,
  ],
  [
    'offsets with begin after end',
    () => forge({ a: { ...tensor, data_offsets: [8, 0] } }, f32(2)),
    ZooSafetensorsOffsetError,
    /begin <= end/,
  ],
  ['offsets that are not a pair', () => forge({ a: { ...tensor, data_offsets: [0] } }, f32(2)), ZooSafetensorsOffsetError, /not a pair/],
  [
    'overlapping tensors',
    () => forge({ a: tensor, b: { ...tensor, data_offsets: [4, 12] } }, f32(3)),
    ZooSafetensorsOffsetError,
    /`a` \[0, 8\] and `b` \[4, 12\] overlap/,
  ],
  [
    'bytes that belong to no tensor',
    () => forge({ a: { ...tensor, data_offsets: [4, 12] } }, f32(3)),
    ZooSafetensorsOffsetError,
    /Bytes 0 to 4 of the data belong to no tensor/,
  ],
  ['trailing bytes after the last tensor', () => forge({ a: tensor }, f32(3)), ZooSafetensorsOffsetError, /4 trailing byte/],
  [
    'a missing weight',
    () => writeSafetensors(Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'block.pw.bias'))),
    ZooStateDictError,
    /Missing key\(s\) \(1\): block\.pw\.bias/,
  ],
  [
    'an unexpected key',
    () => writeSafetensors({ ...good, 'head.weight': { dtype: 'F32', shape: [1], data: new Float32Array(1) } }),
    ZooStateDictError,
    /Unexpected key\(s\) \(1\): head\.weight/,
  ],
  [
    'a kernel in the zoo layout instead of PyTorch OIHW',
    () => writeSafetensors({ ...good, 'stem.conv.weight': { dtype: 'F32', shape: [3, 3, 3, 4], data: new Float32Array(108) } }),
    ZooStateDictError,
    /Size mismatch \(1\): stem\.conv\.weight: checkpoint \[3,3,3,4\], model expects \[4,3,3,3\]/,
  ],
  [
    'a classifier for another number of classes',
    () =>
      writeSafetensors({
        ...good,
        'fc.weight': { dtype: 'F32', shape: [10, 6], data: new Float32Array(60) },
        'fc.bias': { dtype: 'F32', shape: [10], data: new Float32Array(10) },
      }),
    ZooStateDictError,
    /fc\.weight: checkpoint \[10,6\], model expects \[5,6\], fc\.bias: checkpoint \[10\], model expects \[5\]/,
  ],
  [
    'an integer tensor where a weight belongs',
    () => writeSafetensors({ ...good, 'stem.bn.running_var': { dtype: 'I64', shape: [4], data: new Uint8Array(32) } }),
    ZooStateDictError,
    /Not floating point \(1\): stem\.bn\.running_var: I64/,
  ],
];

describe('malformed checkpoints: a typed error that says what is wrong, and the model unchanged', () => {
  it.each(CASES)('%s', (_what, make, cls, message) => {
    const bytes = make();
    let error: unknown;
    try {
      loadCheckpoint(model, bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(cls);
    expect((error as Error).message).toMatch(message);
    const after = outputs(model);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it('the well-formed file these cases start from loads and changes the outputs', () => {
    const m = smallNet(1);
    const report = loadCheckpoint(m, writeSafetensors(good));
    expect(report.ignored).toEqual(['stem.bn.num_batches_tracked']);
    expect(outputs(m)).not.toEqual(before);
    m.dispose();
  });
});
