import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { zipSync } from 'fflate';
import { readPickle } from '../src/checkpoint/pickle.js';
import {
  exportStateDict,
  loadStateDict,
  type PickleValue,
  PthFile,
  readCheckpoint,
  readPth,
  SafetensorsFile,
  type TorchStorage,
  TorchTensor,
  writeSafetensors,
  ZooCheckpointError,
  ZooCheckpointFormatError,
  ZooPickleGlobalError,
  ZooPickleLimitError,
  ZooPthError,
  ZooStateDictError,
} from '../src/family.js';
import { forge, smallNet } from './checkpoint-helpers.js';

/**
 * readPth against files written by PyTorch itself: test/fixtures/torch-checkpoints.py runs with
 * Debian's torch 1.13 (`/usr/bin/python3`) into a temporary folder and saves each case with
 * `torch.save` in both formats, with what torch holds for every tensor (dtype, shape, stride,
 * storage offset, the row-major bytes, the float32 values) beside them. Every comparison is
 * exact. The hostile files are pickles made by Python's own pickle module; loading one with
 * Python would touch a marker file, and the reader must refuse each without doing so.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./fixtures/torch-checkpoints.py', import.meta.url));

interface TensorEntry {
  dtype: string;
  shape: number[];
  stride: number[];
  offset: number;
  storage: number;
  contiguous: boolean;
  hex?: string;
  float32?: [number, number];
  sha256?: string;
}
interface Manifest {
  torch: string;
  files: Record<string, { state_dict?: string; key?: string }>;
  state_dicts: Record<string, Record<string, TensorEntry>>;
  evil: Record<string, string>;
  optimizer: { param_groups: Record<string, unknown>[]; momentum: Record<string, TensorEntry> };
}

const DTYPES: Record<string, string> = {
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FLOATS = ['F32', 'F16', 'BF16', 'F64'];

let dir = '';
let manifest: Manifest;
let values: Uint8Array;
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const bits = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));
const expectedBits = ([at, n]: [number, number]) => Array.from(new Uint32Array(values.slice(at, at + 4 * n).buffer));

beforeAll(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `pth.test.ts compares against files written by PyTorch itself, but ${PYTHON} cannot import torch, torchvision and numpy ` +
        `(${(probe.stderr ?? probe.error?.message ?? '').trim().split('\n').pop()}). On Debian: apt-get install -y python3-torch python3-torchvision.`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'zoo-pth-'));
  execFileSync(PYTHON, [SCRIPT, dir], { stdio: 'pipe' });
  manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  values = new Uint8Array(readFileSync(join(dir, 'values.bin')));
  await tf.setBackend('cpu');
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tensor(p: PthFile, key: string): TorchTensor {
  const t = p.tensors.get(key);
  if (!t) throw new Error(`no tensor ${key}`);
  return t;
}

/** Every tensor against torch's own account of it: dtype, shape, view, bytes, float32 bits, shared storages. */
function expectStateDict(p: PthFile, expected: Record<string, TensorEntry>): void {
  expect(p.keys()).toEqual(Object.keys(expected));
  for (const [key, e] of Object.entries(expected)) {
    const t = tensor(p, key);
    expect({ key, ...p.info(key) }).toEqual({ key, dtype: DTYPES[e.dtype], shape: e.shape });
    expect({ key, stride: t.stride, offset: t.offset, contiguous: t.contiguous }).toEqual({
      key,
      stride: e.stride,
      offset: e.offset,
      contiguous: e.contiguous,
    });
    if (e.hex !== undefined) expect({ key, hex: hex(t.bytes()) }).toEqual({ key, hex: e.hex });
    if (e.float32) expect({ key, bits: bits(p.float32(key)) }).toEqual({ key, bits: expectedBits(e.float32) });
    if (e.sha256) {
      const data = FLOATS.includes(t.dtype) ? p.float32(key) : t.bytes();
      const digest = createHash('sha256')
        .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        .digest('hex');
      expect({ key, digest }).toEqual({ key, digest: e.sha256 });
    }
  }
  // Tensors share a storage object exactly where torch's share one: the pairing is one to one.
  const ours = new Map<number, TorchStorage>();
  const theirs = new Map<TorchStorage, number>();
  for (const [key, e] of Object.entries(expected)) {
    const s = tensor(p, key).storage;
    if (!ours.has(e.storage)) ours.set(e.storage, s);
    if (!theirs.has(s)) theirs.set(s, e.storage);
    expect({ key, same: ours.get(e.storage) === s && theirs.get(s) === e.storage }).toEqual({ key, same: true });
  }
}

describe('torch.save files, both formats, against torch', () => {
  const cases = [
    'all.zip.pth',
    'all.legacy.pth',
    'all-p4.zip.pth',
    'all-p5.zip.pth',
    'all-p4.legacy.pth',
    'smallnet.zip.pth',
    'smallnet.legacy.pth',
    'parameters.zip.pth',
    'parameters.legacy.pth',
  ];
  it.each(cases)('%s: every tensor has torch dtype, shape, view and bytes; float32 bit for bit', (name) => {
    const p = readPth(file(name));
    expect(p.format).toBe(name.includes('zip') ? 'zip' : 'legacy');
    expect(p.stateDictKey).toBeUndefined();
    expect(p.metadata.size).toBe(0);
    expectStateDict(p, manifest.state_dicts[manifest.files[name]!.state_dict!]!);
  });

  it('covers the cases it claims: non-contiguous views, a shared storage with offsets, 0-d and empty tensors, every dtype', () => {
    const p = readPth(file('all.zip.pth'));
    expect(tensor(p, 'transposed').contiguous).toBe(false);
    expect(tensor(p, 'permuted').stride).toEqual([1, 12, 4]);
    expect(tensor(p, 'stepped').stride).toEqual([3]);
    expect(tensor(p, 'shared.a').storage).toBe(tensor(p, 'shared.b').storage);
    expect([tensor(p, 'shared.a').offset, tensor(p, 'shared.b').offset]).toEqual([2, 11]);
    expect(p.info('scalar')!.shape).toEqual([]);
    expect(Array.from(p.float32('scalar'))).toEqual([3.25]);
    expect(p.info('empty')!.shape).toEqual([0, 3]);
    expect(p.float32('empty')).toHaveLength(0);
    expect(new Set(p.keys().map((k) => p.info(k)!.dtype))).toEqual(new Set(Object.values(DTYPES)));
    expect(Array.from(new BigInt64Array(tensor(p, 'bn.num_batches_tracked').bytes().slice().buffer))).toEqual([7n]);
    expect(() => p.float32('bn.num_batches_tracked')).toThrow(ZooPthError);
    expect(() => p.float32('absent')).toThrow(ZooPthError);
  });

  it('torchvision ResNet-18, both formats: every key in order with its dtype and shape, every value exact', () => {
    const expected = manifest.state_dicts['resnet18']!;
    expect(Object.keys(expected)).toHaveLength(122);
    for (const name of ['resnet18.zip.pth', 'resnet18.legacy.pth']) expectStateDict(readPth(file(name)), expected);
  });

  it('a training checkpoint: the state dict under `state_dict`, epoch, best accuracy and optimizer state as metadata', () => {
    for (const name of ['wrapped.zip.pth', 'wrapped.legacy.pth']) {
      const p = readPth(file(name));
      expect(p.stateDictKey).toBe('state_dict');
      expectStateDict(p, manifest.state_dicts[manifest.files[name]!.state_dict!]!);
      expect([...p.metadata.keys()]).toEqual(['epoch', 'arch', 'best_acc1', 'optimizer']);
      expect(p.metadata.get('epoch')).toBe(1);
      expect(p.metadata.get('arch')).toBe('smallnet');
      const best = p.metadata.get('best_acc1') as TorchTensor;
      expect(best).toBeInstanceOf(TorchTensor);
      expect(Array.from(best.float32())).toEqual([76.5]);
      const optimizer = p.metadata.get('optimizer') as Map<PickleValue, PickleValue>;
      expect(plain(optimizer.get('param_groups')!)).toEqual(manifest.optimizer.param_groups);
      const state = optimizer.get('state') as Map<PickleValue, PickleValue>;
      expect([...state.keys()]).toEqual(Object.keys(manifest.optimizer.momentum).map(Number));
      for (const [id, e] of Object.entries(manifest.optimizer.momentum)) {
        const buffer = (state.get(Number(id)) as Map<PickleValue, PickleValue>).get('momentum_buffer') as TorchTensor;
        expect(buffer.shape).toEqual(e.shape);
        expect(bits(buffer.float32())).toEqual(expectedBits(e.float32!));
      }
    }
  });

  it('timm layout: `state_dict` by default, `state_dict_ema` when asked; a key that holds none is refused', () => {
    for (const name of ['timm.zip.pth', 'timm.legacy.pth']) {
      const p = readPth(file(name));
      expect(p.stateDictKey).toBe('state_dict');
      expectStateDict(p, manifest.state_dicts[manifest.files[name]!.state_dict!]!);
      expect([...p.metadata.keys()]).toEqual(['state_dict_ema', 'epoch']);
      const ema = readPth(file(name), { stateDictKey: 'state_dict_ema' });
      expect(ema.stateDictKey).toBe('state_dict_ema');
      expectStateDict(ema, manifest.state_dicts['smallnet-ema']!);
      expect([...ema.metadata.keys()]).toEqual(['state_dict', 'epoch']);
      expect(() => readPth(file(name), { stateDictKey: 'epoch' })).toThrow(/no dict of tensors under `epoch`/);
    }
  });

  it('readCheckpoint tells the formats apart: both torch.save formats and safetensors', () => {
    expect(readCheckpoint(file('all.zip.pth'))).toBeInstanceOf(PthFile);
    expect((readCheckpoint(file('all.legacy.pth')) as PthFile).format).toBe('legacy');
    expect((readCheckpoint(file('all-p4.legacy.pth')) as PthFile).format).toBe('legacy');
    const st = readCheckpoint(writeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } }));
    expect(st).toBeInstanceOf(SafetensorsFile);
    expect(Array.from(st.float32('w'))).toEqual([1, 2]);
    expect(readCheckpoint(file('all.zip.pth').buffer as ArrayBuffer).keys()).toHaveLength(23);
    // A 640-byte safetensors header has a length field that starts like a protocol 2 pickle: `80 02`.
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }).padEnd(640, ' ');
    const lookalike = forge(header, new Uint8Array(4));
    expect([lookalike[0], lookalike[1]]).toEqual([0x80, 2]);
    expect(readCheckpoint(lookalike)).toBeInstanceOf(SafetensorsFile);
    expect(() => readPth(lookalike)).toThrow(/looks like a safetensors file/);
    // A truncated one still goes to the safetensors reader, which says what is wrong.
    expect(() => readCheckpoint(lookalike.subarray(0, 100))).toThrow(/runs past the end of the file/);
  });

  it('loads into a zoo model through loadStateDict: counters ignored, weights exact; an integer weight is reported by dtype', () => {
    const model = smallNet(3);
    const p = readPth(file('smallnet.zip.pth'));
    const report = loadStateDict(model, p);
    expect(report.ignored).toEqual(['stem.bn.num_batches_tracked']);
    expect(report.missing).toEqual([]);
    for (const [key, t] of exportStateDict(model)) expect({ key, bits: bits(t.data) }).toEqual({ key, bits: bits(p.float32(key)) });
    let err: unknown;
    try {
      loadStateDict(model, readPth(file('smallnet-int-bias.legacy.pth')));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZooStateDictError);
    expect((err as ZooStateDictError).report.wrongDtype).toEqual([{ key: 'fc.bias', dtype: 'I64' }]);
    model.dispose();
  });

  it('plain Python values of every pickle protocol, 0 to 5, as the JS values documented', () => {
    const base = new Map<PickleValue, PickleValue>([
      ['int', 1],
      ['neg', -300],
      ['int32', -(2 ** 31)],
      ['big', 2n ** 70n],
      ['negbig', -(2n ** 64n) - 1n],
      ['float', 1.5],
      ['tiny', 5e-324],
      ['str', 'caf\u00e9 \u2713'],
      ['list', [1, [2, 3], []]],
      ['tuple', [1, 'a']],
      ['empty', []],
      ['none', null],
      ['yes', true],
      ['no', false],
      ['nested', new Map([['a', new Map([['b', [null]]])]])],
    ]);
    for (const protocol of [0, 1, 2, 3, 4, 5]) {
      const v = readPickle(file(`plain-p${protocol}.pkl`)) as Map<PickleValue, PickleValue>;
      expect(v).toEqual(base);
      expect([Object.isFrozen(v.get('tuple')), Object.isFrozen(v.get('list'))]).toEqual([true, false]);
    }
    const extra = new Map([...base, ['bytes', new Uint8Array([0, 255])], ['set', new Set([3])], ['frozenset', new Set([4])]]);
    expect(readPickle(file('plain-extra-p4.pkl'))).toEqual(extra);
    expect(readPickle(file('plain-extra-p5.pkl'))).toEqual(new Map([...extra, ['bytearray', new Uint8Array([0x61, 0x62])]]));
  });
});

/** A pickled value as JSON would hold it, to compare with what the script dumped. */
function plain(v: PickleValue): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

describe('files that are not plain state dicts: refused, nothing run', () => {
  const GLOBALS: Record<string, RegExp> = {
    'os-system': /^(posix|os|nt)\.system$/,
    'builtins-eval': /^(__builtin__|builtins)\.eval$/,
    'builtins-exec': /^(__builtin__|builtins)\.exec$/,
    'subprocess-popen': /^(subprocess|commands)\.Popen$/,
    getattr: /^(__builtin__|builtins)\.getattr$/,
    counter: /^collections\.Counter$/,
    namespace: /^(argparse\.Namespace|copy_reg\._reconstructor|copyreg\._reconstructor)$/,
  };

  function refusal(read: () => unknown): ZooPickleGlobalError {
    try {
      read();
    } catch (err) {
      expect(err).toBeInstanceOf(ZooPickleGlobalError);
      return err as ZooPickleGlobalError;
    }
    throw new Error('expected a refusal');
  }

  it('os.system, builtins.eval/exec, subprocess.Popen, getattr, collections.Counter, argparse.Namespace: the typed error names the global; no marker appears', () => {
    const names = Object.keys(manifest.evil);
    // 7 payloads, each as protocol 0, 2 and 4 pickles and inside a state dict in both torch.save formats.
    expect(names).toHaveLength(35);
    for (const name of names) {
      const bytes = file(name);
      const readers: (() => unknown)[] = name.endsWith('.pkl')
        ? [() => readPickle(bytes)]
        : [() => readPth(bytes), () => readCheckpoint(bytes)];
      if (name.endsWith('.pkl') && !name.endsWith('-p0.pkl')) readers.push(() => readCheckpoint(bytes));
      for (const read of readers) {
        const err = refusal(read);
        expect({ name, global: err.global }).toEqual({ name, global: expect.stringMatching(GLOBALS[manifest.evil[name]!]!) });
        expect(err.message).toContain(`\`${err.global}\``);
        expect(err.message).toMatch(/nothing was run/);
        expect(err.message).toMatch(/not a plain state dict/);
      }
    }
    expect(existsSync(join(dir, 'MARKER'))).toBe(false);
    // The payloads are real: Python's own unpickler ran one of them when the script made the files.
    expect(existsSync(join(dir, 'CONTROL'))).toBe(true);
  });

  it('a whole model (torch.save(model)), numpy metadata and a TorchScript archive are refused with what they are', () => {
    expect(refusal(() => readPth(file('whole-model.pth'))).global).toMatch(/^torch\.nn\.modules\./);
    expect(refusal(() => readPth(file('numpy-metadata.pth'))).global).toMatch(/^numpy\./);
    expect(() => readPth(file('torchscript.pt'))).toThrow(/TorchScript archive/);
  });

  it('an expanded view (stride 0, more elements than its storage) is refused clearly, in both formats', () => {
    for (const name of ['expanded.zip.pth', 'expanded.legacy.pth']) {
      expect(() => readPth(file(name))).toThrow(ZooPthError);
      expect(() => readPth(file(name))).toThrow(/12 elements outnumber its storage's 3 .*expand/);
    }
  });

  it('truncated files, cut anywhere, are typed errors', () => {
    for (const name of ['all.zip.pth', 'all.legacy.pth']) {
      const bytes = file(name);
      for (let i = 0; i < 40; i++) {
        const cut = bytes.subarray(0, Math.floor((bytes.length * i) / 40));
        expect(() => readCheckpoint(cut)).toThrow(ZooCheckpointError);
      }
    }
  });
});

describe('bounds: hostile structure costs nothing', () => {
  /** Measures a refusal: time, and ArrayBuffer memory that stayed allocated through it. */
  function refusedQuickly(read: () => unknown, kind: new (...args: never[]) => Error): { ms: number; grew: number } {
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    expect(read).toThrow(kind);
    return { ms: performance.now() - t0, grew: process.memoryUsage().arrayBuffers - before };
  }

  const deepLists = (n: number) => new Uint8Array([0x80, 2, ...new Array(n).fill(0x5d), ...new Array(n - 1).fill(0x61), 0x2e]);

  it('100,000 nested lists (and tuples): a ZooPickleLimitError, no stack overflow', () => {
    let err: unknown;
    try {
      readPickle(deepLists(100_000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZooPickleLimitError);
    expect((err as ZooPickleLimitError).limit).toBe('maxDepth');
    const tuples = new Uint8Array([0x80, 2, ...new Array(100_000).fill(0x28), 0x4e, ...new Array(100_000).fill(0x74), 0x2e]);
    expect(() => readPickle(tuples)).toThrow(ZooPickleLimitError);
    expect(() => readPth(zipSync({ 'archive/data.pkl': deepLists(100_000) }, { level: 0 }))).toThrow(ZooPickleLimitError);
    // Below the bound the same shape reads.
    expect(readPickle(deepLists(900))).toHaveLength(1);
  });

  /** A small torch-like zip with its central directory patched by `patch(view, recordOffset)` for the entry `name`. */
  function patchedZip(entries: Record<string, Uint8Array>, name: string, patch: (v: DataView, at: number) => void, level: 0 | 6 = 0) {
    const zip = zipSync(entries, { level });
    const v = new DataView(zip.buffer);
    for (let at = zip.length - 22; at >= 0; at--) {
      if (v.getUint32(at, true) !== 0x02014b50) continue;
      const nameLength = v.getUint16(at + 28, true);
      if (new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)) === name) {
        patch(v, at);
        return zip;
      }
    }
    throw new Error(`no central directory record for ${name}`);
  }

  const PICKLE = new Uint8Array([0x80, 2, 0x7d, 0x2e]); // {}

  it('a central directory that claims an entry of 2^32-1 bytes: refused before reading, fast, no allocation', () => {
    const zip = patchedZip({ 'archive/data.pkl': PICKLE, 'archive/data/0': new Uint8Array(16) }, 'archive/data/0', (v, at) => {
      v.setUint32(at + 20, 0xffffffff, true);
      v.setUint32(at + 24, 0xffffffff, true);
    });
    const { ms, grew } = refusedQuickly(() => readPth(zip), ZooPthError);
    expect(() => readPth(zip)).toThrow(/claims 4294967295 bytes/);
    expect(ms).toBeLessThan(200);
    expect(grew).toBeLessThan(8 * 2 ** 20);
  });

  it('a deflated entry that declares 2^32-1 bytes, and an honest zip bomb past maxInflatedBytes: refused before inflating', () => {
    const lie = patchedZip(
      { 'archive/data.pkl': PICKLE, 'archive/data/0': new Uint8Array(1 << 20) },
      'archive/data/0',
      (v, at) => v.setUint32(at + 24, 0xffffffff, true),
      6,
    );
    const a = refusedQuickly(() => readPth(lie), ZooPthError);
    expect(() => readPth(lie)).toThrow(/more than deflate can expand/);
    expect(a.grew).toBeLessThan(8 * 2 ** 20);
    const bomb = zipSync({ 'archive/data.pkl': PICKLE, 'archive/data/0': new Uint8Array(8 << 20) }, { level: 6 });
    expect(bomb.length).toBeLessThan(1 << 20);
    const b = refusedQuickly(() => readPth(bomb, { maxInflatedBytes: 1 << 20 }), ZooPthError);
    expect(b.grew).toBeLessThan(8 * 2 ** 20);
    // Within the bound a deflated archive reads (someone zipped the file again).
    expect(readPth(zipSync({ 'archive/data.pkl': PICKLE }, { level: 6 })).keys()).toEqual([]);
  });

  it('an end-of-directory record that claims 65,535 entries in a small file: refused fast', () => {
    const zip = zipSync({ 'archive/data.pkl': PICKLE }, { level: 0 });
    const v = new DataView(zip.buffer);
    v.setUint16(zip.length - 22 + 8, 0xffff, true);
    v.setUint16(zip.length - 22 + 10, 0xffff, true);
    expect(refusedQuickly(() => readPth(zip), ZooPthError).ms).toBeLessThan(200);
  });
});

describe('readCheckpoint on what is not a checkpoint', () => {
  const text = (s: string) => new TextEncoder().encode(s);

  it('an HTML page says so', () => {
    for (const page of ['<!DOCTYPE html><html><body>404</body></html>', '\n  <html>', '\ufeff<?xml version="1.0"?>']) {
      expect(() => readCheckpoint(text(page))).toThrow(ZooCheckpointFormatError);
      expect(() => readCheckpoint(text(page))).toThrow(/this looks like an HTML page, not a checkpoint/i);
    }
  });

  it('a Git LFS pointer, JSON, an empty file and other bytes each say what they are', () => {
    expect(() => readCheckpoint(text('version https://git-lfs.github.com/spec/v1\noid sha256:abc\n'))).toThrow(/Git LFS pointer/);
    expect(() => readCheckpoint(text('{"error": "not found"}'))).toThrow(/looks like JSON/);
    expect(() => readCheckpoint(new Uint8Array(0))).toThrow(/empty/);
    expect(() => readCheckpoint(new Uint8Array([1, 2, 3]))).toThrow(/starts with the bytes 01 02 03/);
    expect(() => readPth(text('<html>'))).toThrow(ZooPthError);
  });

  it('a plain pickle that is not torch.save output is refused (no magic number)', () => {
    expect(() => readPth(file('plain-p2.pkl'))).toThrow(/not torch's magic number/);
  });
});
