import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import {
  cacheStorageCache,
  defineModel,
  dequantizeValues,
  exportStateDict,
  folderCache,
  hubUrl,
  type ModelEntry,
  type QuantizeDtype,
  quantizes,
  quantizeValues,
  quantizingHandler,
  toSafetensors,
  type WeightSet,
  weightsEnv,
  weightsOf,
  writeSafetensors,
  ZooCheckpointError,
  ZooModelJsonError,
  ZooOptionError,
  ZooUnknownWeightsError,
  ZooUnsupportedWeightsError,
  ZooWeightsAbortedError,
  ZooWeightsFetchError,
  ZooWeightsIntegrityError,
  ZooWeightsTimeoutError,
  ZooWeightsTruncatedError,
} from '../src/family.js';
import { tinyDefinition } from './helpers/tiny-model.js';

/**
 * The loader end to end against a server on 127.0.0.1 laid out like the hub and like a plain
 * download host, with every fault a network gives: the model either loads the right weights or
 * fails with a typed error, and a failed load leaves no weight behind.
 */

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let server: Server;
let base: string;
let file: Uint8Array; // a checkpoint of `tiny` with non-trivial weights
let expected: Map<string, { shape: number[]; data: Float32Array }>;
const hits = new Map<string, number>();
const dir = mkdtempSync(join(tmpdir(), 'zoo-weights-'));

function set(name: string, file: WeightSet['file'], extra: Partial<WeightSet> = {}): WeightSet {
  return {
    name,
    publisher: 'torchvision',
    isDefault: false,
    file,
    keys: 'torchvision',
    preprocessing: { inputSize: 16, resizeSize: 18, interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    classes: { dataset: 'imagenet-1k', count: 1000 },
    accuracy: null,
    license: 'BSD-3-Clause',
    docs: null,
    ...extra,
  };
}

let entry: ModelEntry;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // Weights to serve: a model with random weights and perturbed norms, exported as a state dict.
  const source = defineModel(tinyDefinition).create();
  for (const w of source.weights) w.write(tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 7));
  file = toSafetensors(source);
  expected = exportStateDict(source);
  source.dispose();
  server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.endsWith('/resolve/main/model.safetensors') || path.startsWith('/files/')) {
      res.writeHead(200, { 'content-length': String(file.length), 'content-type': 'application/octet-stream' });
      res.end(Buffer.from(file));
    } else if (path.startsWith('/tfjs/')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(join(dir, path)));
    } else if (path === '/html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Sign in</title>');
    } else if (path === '/html-as-octets') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('<!doctype html><title>Error</title>');
    } else if (path === '/truncated') {
      res.writeHead(200, { 'content-length': String(file.length) });
      res.write(Buffer.from(file.subarray(0, file.length >> 1)), () => res.destroy());
    } else if (path === '/stall') {
      res.writeHead(200, { 'content-length': String(file.length) });
      res.write(Buffer.from(file.subarray(0, 64)));
      // ... and nothing more until the client gives up (the server closes it in afterAll).
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hash = sha(file);
  entry = defineModel({
    ...tinyDefinition,
    weights: [
      set(
        'HUB',
        { hub: { repo: 'timm/tiny.test_in1k', file: 'model.safetensors', revision: 'main' }, format: 'safetensors', bytes: null },
        { publisher: 'timm' },
      ),
      set(
        'V1',
        { url: `${base}/files/tiny-${hash.slice(0, 8)}.pth`, format: 'pth', sha256: hash.slice(0, 8), bytes: file.length },
        { isDefault: true },
      ),
      set('WRONG_HASH', { url: `${base}/files/tiny-0badc0de.pth`, format: 'pth', sha256: '0badc0de', bytes: file.length }),
      set('GONE', { url: `${base}/gone.pth`, format: 'pth', bytes: null }),
      set('HTML', { url: `${base}/html`, format: 'pth', bytes: null }),
      set('HTML_OCTETS', { url: `${base}/html-as-octets`, format: 'pth', bytes: null }),
      set('TRUNCATED', { url: `${base}/truncated`, format: 'pth', bytes: null }),
      set('STALL', { url: `${base}/stall`, format: 'pth', bytes: null }),
      set('LATER', { url: `${base}/files/later.pth`, format: 'pth', bytes: null }, { unsupported: 'its key names are not mapped yet.' }),
      set('TEN', { url: `${base}/files/ten.pth`, format: 'pth', bytes: null }, { classes: { dataset: 'other', count: 10 } }),
    ],
  });
  process.env.ZOO_CACHE = join(dir, 'default-cache');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function variables(): number {
  return Object.keys(tf.engine().registeredVariables).length;
}

/** The loaded model's weights equal the served ones, key by key, bit for bit. */
function expectServedWeights(model: tfl.LayersModel): void {
  const got = exportStateDict(model);
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) expect(got.get(k)!.data).toEqual(v.data);
}

async function rejectsCleanly(p: Promise<unknown>, type: new (...a: never[]) => Error, message?: RegExp): Promise<void> {
  const before = variables();
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  if (message) expect((err as Error).message).toMatch(message);
  expect(variables()).toBe(before);
}

/** The served weights as a quantized copy holds them: the kernels the rule picks through the quantizer, the rest as they are. */
function expectQuantizedWeights(model: tfl.LayersModel, dtype: QuantizeDtype): void {
  const got = exportStateDict(model);
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  let quantized = 0;
  for (const [k, v] of expected) {
    const q = quantizes(k, v.shape);
    quantized += Number(q);
    expect([k, got.get(k)!.data]).toEqual([k, q ? dequantizeValues(quantizeValues(v.data, dtype)!) : v.data]);
  }
  expect(quantized).toBe(1); // the 8 -> 1000 classifier; the 216-value stem kernel stays float32
}

/** Writes a model as `zoo convert` does (model.json, one shard) into `folder`, quantized or not. */
async function writeTfjs(model: tfl.LayersModel, folder: string, dtype: QuantizeDtype | null): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    quantizingHandler(
      tf.io.withSaveHandler(async (a) => {
        const data = new Uint8Array(new tf.io.CompositeArrayBuffer(a.weightData ?? []).slice(0));
        writeFileSync(join(folder, 'weights.bin'), data);
        const json = {
          modelTopology: a.modelTopology,
          format: 'layers-model',
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
          userDefinedMetadata: a.userDefinedMetadata,
        };
        writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
      dtype,
    ),
  );
}

describe('entry.load with quantize, and from a model.json', () => {
  it('keeps the quantized copy in the cache instead of the file, and computes with the same values on the first load and from the cache', async () => {
    const cache = folderCache(join(dir, 'quantized-cache'));
    const path = `/files/tiny-${sha(file).slice(0, 8)}.pth`;
    const before = hits.get(path) ?? 0;
    const first = await entry.load({ cache, quantize: 'uint8' });
    expect(hits.get(path)).toBe(before + 1);
    expectQuantizedWeights(first, 'uint8');
    const second = await entry.load({ cache, quantize: 'uint8' });
    expect(hits.get(path)).toBe(before + 1);
    expect(weightsOf(second)!.source).toMatch(/^cache:.*#zoo-quantize=uint8$/);
    expectQuantizedWeights(second, 'uint8');
    const entries = readdirSync(join(dir, 'quantized-cache', 'weights'));
    expect(entries).toHaveLength(1);
    // One float32 value in 4 of the 8000-value kernel becomes one byte: the copy is smaller than the file.
    const stored = readFileSync(join(dir, 'quantized-cache', 'weights', entries[0], 'data')).length;
    expect(stored).toBeLessThan(file.length - 3 * 8000 + 1024);
    // Another dtype is another copy, fetched again.
    const half = await entry.load({ cache, quantize: 'float16' });
    expect(hits.get(path)).toBe(before + 2);
    expectQuantizedWeights(half, 'float16');
    // The copy records the hash of the file it came from: held against another published hash, it is not used.
    await rejectsCleanly(entry.load({ cache, quantize: 'uint8', sha256: '0badc0de' }), ZooWeightsIntegrityError);
    await rejectsCleanly(entry.load({ cache, quantize: 'int4' as QuantizeDtype }), ZooOptionError, /'float16', 'uint8', 'uint16'/);
    for (const m of [first, second, half]) m.dispose();
  });

  it('reads a model.json (a folder, a file or a URL), quantized or not, with the same values as a quantized copy', async () => {
    const source = await entry.load({ from: file, cache: false });
    await writeTfjs(source, join(dir, 'tfjs', 'f32'), null);
    await writeTfjs(source, join(dir, 'tfjs', 'u8'), 'uint8');
    source.dispose();
    const fromFolder = await entry.load({ from: join(dir, 'tfjs', 'f32') });
    expectServedWeights(fromFolder);
    const fromFile = await entry.load({ from: join(dir, 'tfjs', 'u8', 'model.json') });
    expectQuantizedWeights(fromFile, 'uint8');
    const fromUrl = await entry.load({ from: `${base}/tfjs/u8/model.json` });
    expectQuantizedWeights(fromUrl, 'uint8');
    expect(weightsOf(fromUrl)!.source).toBe(`${base}/tfjs/u8/model.json`);
    // Features only, and a new head for other classes: everything else loads.
    const features = await entry.load({ from: join(dir, 'tfjs', 'u8'), featuresOnly: true });
    expect(exportStateDict(features).get('conv1.weight')!.data).toEqual(expected.get('conv1.weight')!.data);
    const ten = await entry.load({ from: join(dir, 'tfjs', 'u8'), numClasses: 10 });
    expect(ten.outputs[0].shape).toEqual([null, 10]);
    expect(exportStateDict(ten).get('bn1.running_var')!.data).toEqual(expected.get('bn1.running_var')!.data);
    for (const m of [fromFolder, fromFile, fromUrl, features, ten]) m.dispose();
  });

  it('refuses quantize with a model.json, and a model.json whose weights do not fit, leaving nothing behind', async () => {
    await rejectsCleanly(entry.load({ from: join(dir, 'tfjs', 'u8'), quantize: 'uint8' }), ZooOptionError, /zoo convert --quantize/);
    const json = JSON.parse(readFileSync(join(dir, 'tfjs', 'u8', 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].name = 'elsewhere/kernel';
    mkdirSync(join(dir, 'tfjs', 'renamed'), { recursive: true });
    writeFileSync(join(dir, 'tfjs', 'renamed', 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'tfjs', 'renamed', 'weights.bin'), readFileSync(join(dir, 'tfjs', 'u8', 'weights.bin')));
    await rejectsCleanly(entry.load({ from: join(dir, 'tfjs', 'renamed') }), ZooModelJsonError, /Missing \(1\): conv1\/kernel/);
  });
});

describe('entry.load', () => {
  it('lists the sets with the default first, and takes the default set for the data configuration', () => {
    expect(entry.weights[0].name).toBe('V1');
    expect(entry.dataConfig).toMatchObject({ cropSize: 16, resizeSize: 18, interpolation: 'bicubic', mean: [0.5, 0.5, 0.5] });
  });

  it('loads the default set by URL, checks its published hash prefix, and remembers the set and its preprocessing', async () => {
    const seen: number[] = [];
    const model = await entry.load({ cache: false, onProgress: (p) => seen.push(p.loaded) });
    expectServedWeights(model);
    const info = weightsOf(model)!;
    expect(info.set?.name).toBe('V1');
    expect(info.source).toBe(`${base}/files/tiny-${sha(file).slice(0, 8)}.pth`);
    expect(info.dataConfig).toMatchObject({ cropSize: 16, resizeSize: 18, interpolation: 'bicubic', std: [0.25, 0.25, 0.25] });
    expect(info.report.missing).toEqual([]);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(file.length);
    model.dispose();
  });

  it('fetches a hub set from <endpoint>/<repo>/resolve/<revision>/<file>, the endpoint set per call or in weightsEnv', async () => {
    expect(hubUrl({ repo: 'timm/resnet50.a1_in1k', file: 'model.safetensors', revision: 'main' }, 'https://hf.example/')).toBe(
      'https://hf.example/timm/resnet50.a1_in1k/resolve/main/model.safetensors',
    );
    const model = await entry.load({ weights: 'HUB', hubEndpoint: base, cache: false });
    expectServedWeights(model);
    model.dispose();
    const saved = weightsEnv.hubEndpoint;
    weightsEnv.hubEndpoint = base;
    try {
      const again = await entry.load({ weights: 'HUB', cache: false, revision: 'main' });
      expect(weightsOf(again)!.source).toBe(`${base}/timm/tiny.test_in1k/resolve/main/model.safetensors`);
      again.dispose();
    } finally {
      weightsEnv.hubEndpoint = saved;
    }
  });

  it('reads bytes, a local file and a folder holding model.safetensors', async () => {
    const folder = join(dir, 'snapshot');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.safetensors'), file);
    for (const from of [file, file.slice().buffer, join(folder, 'model.safetensors'), folder]) {
      const model = await entry.load({ from });
      expectServedWeights(model);
      model.dispose();
    }
    await rejectsCleanly(entry.load({ from: join(dir, 'nothing-here.pth') }), ZooOptionError, /existing file/);
  });

  it("strips DataParallel's `module.` prefix when every key has it, as authors' checkpoints are saved", async () => {
    const prefixed = writeSafetensors(Object.fromEntries([...expected].map(([k, v]) => [`module.${k}`, { dtype: 'F32' as const, ...v }])));
    const model = await entry.load({ from: prefixed });
    expectServedWeights(model);
    model.dispose();
    // Only when all of them have it: a single `module.` key is the model's own name, and fails.
    const mixed = writeSafetensors(
      Object.fromEntries([...expected].map(([k, v], i) => [i === 0 ? `module.${k}` : k, { dtype: 'F32' as const, ...v }])),
    );
    await rejectsCleanly(entry.load({ from: mixed }), ZooCheckpointError, /module\./);
  });

  it('keeps a verified copy in the cache, and drops and refetches a corrupted one', async () => {
    // The hub set: no published hash, so only the cache's own record can catch the corruption.
    const cache = folderCache(join(dir, 'cache'));
    const path = '/timm/tiny.test_in1k/resolve/main/model.safetensors';
    const load = () => entry.load({ weights: 'HUB', hubEndpoint: base, cache });
    const before = hits.get(path) ?? 0;
    const first = await load();
    expect(hits.get(path)).toBe(before + 1);
    const second = await load();
    expect(hits.get(path)).toBe(before + 1);
    expect(weightsOf(second)!.source).toMatch(/^cache:/);
    // Flip one byte of the cached copy: it no longer matches its recorded hash.
    const entries = readdirSync(join(dir, 'cache', 'weights'));
    expect(entries).toHaveLength(1);
    const data = join(dir, 'cache', 'weights', entries[0], 'data');
    const bytes = readFileSync(data);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(data, bytes);
    const third = await load();
    expect(hits.get(path)).toBe(before + 2);
    expect(weightsOf(third)!.source).not.toMatch(/^cache:/);
    expectServedWeights(third);
    for (const m of [first, second, third]) m.dispose();
  });

  it('keeps and verifies copies in Cache Storage (the browser cache), and drops a corrupted one', async () => {
    // A CacheStorage with the Cache API's semantics over Node's own Request and Response.
    const entries = new Map<string, Response>();
    const cache = {
      match: async (url: string) => entries.get(url)?.clone(),
      put: async (url: string, r: Response) => void entries.set(url, r),
      delete: async (url: string) => entries.delete(url),
    };
    const storage = {
      open: async (name: string) => (name === 'zoo-weights-v1' ? cache : Promise.reject(new Error(name))),
    } as unknown as CacheStorage;
    const browser = cacheStorageCache(storage);
    const path = '/timm/tiny.test_in1k/resolve/main/model.safetensors';
    const before = hits.get(path) ?? 0;
    const first = await entry.load({ weights: 'HUB', hubEndpoint: base, cache: browser });
    const second = await entry.load({ weights: 'HUB', hubEndpoint: base, cache: browser });
    expect(hits.get(path)).toBe(before + 1);
    expect(weightsOf(second)!.source).toMatch(/^cache:/);
    const [url] = [...entries.keys()];
    const stored = new Uint8Array(await entries.get(url)!.arrayBuffer());
    stored[100] ^= 1;
    entries.set(url, new Response(stored, { headers: entries.get(url)!.headers }));
    const third = await entry.load({ weights: 'HUB', hubEndpoint: base, cache: browser });
    expect(hits.get(path)).toBe(before + 2);
    expectServedWeights(third);
    for (const m of [first, second, third]) m.dispose();
  });

  it('checks a cached copy against the published hash too', async () => {
    const cache = folderCache(join(dir, 'cache-published'));
    const url = entry.weights.find((s) => s.name === 'V1')!.file.url!;
    // A cache whose record is consistent but whose bytes are not the published file.
    await cache.put(
      url,
      new Uint8Array([1, 2, 3]),
      createHash('sha256')
        .update(new Uint8Array([1, 2, 3]))
        .digest('hex'),
    );
    const model = await entry.load({ cache });
    expect(weightsOf(model)!.source).toBe(url);
    expectServedWeights(model);
    model.dispose();
  });

  it('uses the default folder cache in Node (ZOO_CACHE)', async () => {
    const model = await entry.load({ weights: 'HUB', hubEndpoint: base });
    expect(readdirSync(join(dir, 'default-cache', 'weights'))).toHaveLength(1);
    const again = await entry.load({ weights: 'HUB', hubEndpoint: base });
    expect(weightsOf(again)!.source).toMatch(/^cache:/);
    model.dispose();
    again.dispose();
  });

  it("scales the set's resize with the crop for another input size, and takes the input size for a file", async () => {
    const big = await entry.load({ cache: false, inputShape: [32, 32, 3] });
    // The set resizes 18 for a 16 crop: the same fraction at 32.
    expect(weightsOf(big)!.dataConfig).toMatchObject({ cropSize: 32, resizeSize: 36, interpolation: 'bicubic' });
    const fromFile = await entry.load({ from: file, inputShape: [24, 24, 3] });
    expect(weightsOf(fromFile)!.dataConfig).toMatchObject({ cropSize: 24, resizeSize: Math.floor(24 / 0.875) });
    big.dispose();
    fromFile.dispose();
  });

  it('builds a new head for other classes, or none, and loads everything else', async () => {
    const ten = await entry.load({ numClasses: 10, cache: false });
    expect(ten.outputs[0].shape).toEqual([null, 10]);
    expect(
      weightsOf(ten)!
        .report.mismatched.map((m) => m.key)
        .sort(),
    ).toEqual(['fc.bias', 'fc.weight']);
    const headless = await entry.load({ includeTop: false, pooling: 'avg', cache: false });
    expect(headless.outputs[0].shape).toEqual([null, 8]);
    const got = exportStateDict(headless);
    expect(got.get('conv1.weight')!.data).toEqual(expected.get('conv1.weight')!.data);
    ten.dispose();
    headless.dispose();
  });

  it('refuses a wrong creation option before fetching anything', async () => {
    const requests = () => [...hits.values()].reduce((a, b) => a + b, 0);
    const before = requests();
    await rejectsCleanly(entry.load({ cache: false, numClases: 10 } as never), ZooOptionError, /numClases/);
    await rejectsCleanly(entry.load({ cache: false, numClasses: -1 }), ZooOptionError, /numClasses/);
    expect(requests()).toBe(before);
  });

  it('refuses an unknown set with suggestions, and a set it cannot load with the reason', async () => {
    await rejectsCleanly(entry.load({ weights: 'V2' }), ZooUnknownWeightsError, /Did you mean `V1`/);
    await rejectsCleanly(entry.load({ weights: 'LATER' }), ZooUnsupportedWeightsError, /key names are not mapped yet/);
    const none = defineModel(tinyDefinition);
    await rejectsCleanly(none.load(), ZooUnsupportedWeightsError, /pass `from`/);
  });

  it('refuses a checkpoint for other classes than the set says, leaving nothing behind', async () => {
    await rejectsCleanly(entry.load({ weights: 'TEN', cache: false }), ZooCheckpointError, /fc\.weight/);
  });

  describe('faults: a typed error, and no weight left behind', () => {
    it('404', () => rejectsCleanly(entry.load({ weights: 'GONE', cache: false }), ZooWeightsFetchError, /HTTP 404.*no such file/));
    it('a wrong hash', () => rejectsCleanly(entry.load({ weights: 'WRONG_HASH', cache: false }), ZooWeightsIntegrityError, /0badc0de/));
    it('a wrong hash given by the caller, and a malformed one', async () => {
      await rejectsCleanly(entry.load({ from: file, sha256: 'f'.repeat(64) }), ZooWeightsIntegrityError);
      await rejectsCleanly(entry.load({ from: file, sha256: 'xyz' }), ZooOptionError);
    });
    it('an HTML page served as HTML', () =>
      rejectsCleanly(entry.load({ weights: 'HTML', cache: false }), ZooWeightsFetchError, /HTML page/));
    it('an HTML page served as bytes', () =>
      rejectsCleanly(entry.load({ weights: 'HTML_OCTETS', cache: false }), ZooCheckpointError, /HTML/));
    it('a truncated body', () =>
      rejectsCleanly(entry.load({ weights: 'TRUNCATED', cache: false }), ZooWeightsTruncatedError, /closed after|cut short/));
    it('a stalled connection', () =>
      rejectsCleanly(entry.load({ weights: 'STALL', cache: false, timeoutMs: 300 }), ZooWeightsTimeoutError, /300 ms/));
    it("the caller's abort signal", async () => {
      const controller = new AbortController();
      const p = entry.load({ weights: 'STALL', cache: false, timeoutMs: 10_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await rejectsCleanly(p, ZooWeightsAbortedError);
      await rejectsCleanly(entry.load({ cache: false, signal: AbortSignal.abort() }), ZooWeightsAbortedError);
    });
    it('a refused connection', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      await rejectsCleanly(entry.load({ from: `http://127.0.0.1:${port}/x.pth`, cache: false }), ZooWeightsFetchError, /Could not fetch/);
    });
    it('nothing bad is cached', async () => {
      const cache = folderCache(join(dir, 'fault-cache'));
      await rejectsCleanly(entry.load({ weights: 'HTML_OCTETS', cache }), ZooCheckpointError);
      await rejectsCleanly(entry.load({ weights: 'WRONG_HASH', cache }), ZooWeightsIntegrityError);
      expect(() => readdirSync(join(dir, 'fault-cache', 'weights'))).toThrow();
    });
  });
});
