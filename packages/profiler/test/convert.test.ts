import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  dequantizeValues,
  loadLayersModelChecked,
  type ModelEntry,
  QUANTIZE_DTYPES,
  quantizeValues,
  readSafetensors,
  type TensorToWrite,
  toSafetensors,
  weightsOf,
  writeSafetensors,
  ZooModelJsonError,
} from '@zoo/core-blocks/family';
import { fileLoadHandler, fileSaveHandler, ZooModelFileError } from '../src/node/index.js';
import { installedProject, zoo as zooIn } from './installed-project.js';

const project = installedProject();
const zoo = (...args: string[]) => zooIn(project.dir, ...args);

let tmp: string;
let source: tfl.LayersModel;
let entry: ModelEntry;
const input = () => tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 7);
const predict = (m: tfl.LayersModel) => tf.tidy(() => (m.predict(input()) as tf.Tensor).dataSync() as Float32Array).slice();

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'zoo-convert-'));
  const { catalog } = (await import(join(project.dir, 'node_modules/@example/tiny-family/catalog.js'))) as { catalog: ModelEntry[] };
  entry = catalog[0];
  source = entry.create();
  writeFileSync(join(tmp, 'tiny.safetensors'), toSafetensors(source));
  // The same weights under another implementation's names (the fixture family's `other-impl` convention).
  const file = readSafetensors(toSafetensors(source));
  const renamed: Record<string, TensorToWrite> = {};
  for (const k of file.keys())
    renamed[k.replace(/^conv\./, 'stem.conv.').replace(/^fc\./, 'head.')] = {
      dtype: 'F32',
      shape: [...file.info(k)!.shape],
      data: file.float32(k),
    };
  writeFileSync(join(tmp, 'tiny-other.safetensors'), writeSafetensors(renamed));
});

afterAll(() => {
  source.dispose();
  rmSync(tmp, { recursive: true, force: true });
  project.remove();
});

describe('zoo convert', () => {
  it("recognises a checkpoint's key convention from its keys and says which", async () => {
    const out = join(tmp, 'out-other');
    const { code, stdout, stderr } = await zoo('convert', 'tinynet', join(tmp, 'tiny-other.safetensors'), out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/tinynet: loaded 4 tensors from .*, keys in other-impl's names \(recognised from the checkpoint's keys\)/);
    const converted = await tfl.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
    expect(predict(converted)).toEqual(predict(source));
    converted.dispose();
  }, 60_000);

  it('writes model.json and shards that tf.loadLayersModel opens, from disk and from memory, predicting the same', async () => {
    const out = join(tmp, 'out');
    const { code, stdout, stderr } = await zoo('convert', 'tinynet', join(tmp, 'tiny.safetensors'), out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/tinynet: loaded 4 tensors from .*, keys in the model's own names/);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);

    const fromDisk = await tfl.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
    expect(predict(fromDisk)).toEqual(predict(source));

    const weightData = readFileSync(join(out, 'group1-shard1of1.bin'));
    const fromMemory = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(weightData).buffer,
      }),
    );
    expect(predict(fromMemory)).toEqual(predict(source));
    fromDisk.dispose();
    fromMemory.dispose();
  }, 60_000);

  it('refuses a checkpoint that does not fit, listing the keys, and writes nothing', async () => {
    const bad = join(tmp, 'bad.safetensors');
    const bytes = toSafetensors(source);
    // The same file under another model's names.
    writeFileSync(bad, Buffer.from(bytes).toString('latin1').replaceAll('"conv.', '"stem.'), 'latin1');
    const { code, stderr } = await zoo('convert', 'tinynet', bad, join(tmp, 'bad-out'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/Missing key\(s\) \(2\): conv\.weight, conv\.bias/);
    expect(stderr).toMatch(/Unexpected key\(s\) \(2\): stem\.weight, stem\.bias/);
    expect(existsSync(join(tmp, 'bad-out'))).toBe(false);
  }, 60_000);

  it('says how to call it', async () => {
    const { code, stderr } = await zoo('convert', 'tinynet');
    expect(code).toBe(2);
    expect(stderr).toMatch(/zoo convert takes a model, a checkpoint and an output folder/);
  }, 60_000);
});

describe('zoo convert --quantize', () => {
  // tinynet: a 3x3 convolution of 108 values (under the rule's 1024: stays float32), its bias,
  // and a 4 -> 1000 classifier whose 4000-value kernel is quantized; its bias stays float32.
  const kernel = () => source.getLayer('fc').getWeights()[0].dataSync() as Float32Array;
  const convertTo = async (dtype: string) => {
    const out = join(tmp, `out-${dtype}`);
    const r = await zoo('convert', 'tinynet', join(tmp, 'tiny.safetensors'), out, '--quantize', dtype);
    return { ...r, out, json: r.code === 0 ? JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) : null };
  };

  it.each(QUANTIZE_DTYPES)(
    '%s: quantizes the kernels the rule picks, seals the shards, and loads back to the quantized values',
    async (dtype) => {
      const { code, stdout, stderr, out, json } = await convertTo(dtype);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`quantized 1 kernels to ${dtype}: 20\\.0 KiB -> [\\d.]+ KiB; 3 tensors stay float32`));
      const specs = json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[];
      const q = Object.fromEntries(specs.map((w) => [w.name, w.quantization?.dtype ?? 'float32']));
      expect(q).toEqual({ 'conv/kernel': 'float32', 'conv/bias': 'float32', 'fc/kernel': dtype, 'fc/bias': 'float32' });
      const shard = readFileSync(join(out, 'group1-shard1of1.bin'));
      const width = dtype === 'uint8' ? 1 : 2;
      expect(shard.byteLength).toBe(4 * (108 + 4 + 1000) + width * 4000);
      expect(json.userDefinedMetadata.zoo).toMatchObject({
        model: 'tinynet',
        quantization: dtype,
        weightsSha256: createHash('sha256').update(shard).digest('hex'),
        dataConfig: { cropSize: 16 },
      });

      // The quantized kernel, as tf.loadLayersModel and the zoo's loaders read it, is exactly the quantizer's values.
      const expected = dequantizeValues(quantizeValues(kernel(), dtype)!);
      const viaTfjs = await tfl.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
      const viaChecked = await loadLayersModelChecked(fileLoadHandler(join(out, 'model.json')));
      const viaEntry = await entry.load({ from: out });
      for (const m of [viaTfjs, viaChecked, viaEntry]) {
        expect(m.getLayer('fc').getWeights()[0].dataSync()).toEqual(expected);
        expect(m.getLayer('conv').getWeights()[0].dataSync()).toEqual(source.getLayer('conv').getWeights()[0].dataSync());
      }
      expect(predict(viaChecked)).toEqual(predict(viaTfjs));
      expect(predict(viaEntry)).toEqual(predict(viaTfjs));
      // The converted preprocessing comes with the file.
      expect(weightsOf(viaEntry)?.dataConfig).toEqual(json.userDefinedMetadata.zoo.dataConfig);
      expect(expected).not.toEqual(kernel());
      for (const m of [viaTfjs, viaChecked, viaEntry]) m.dispose();
    },
    60_000,
  );

  it('a corrupted shard is a ZooModelJsonError before any weight is set; a truncated one too', async () => {
    const { out } = await convertTo('uint8');
    const shard = join(out, 'group1-shard1of1.bin');
    const bytes = readFileSync(shard);
    bytes[bytes.length - 100] ^= 0x01; // one bit of the uint8 kernel: still a valid value, caught by the hash
    writeFileSync(shard, bytes);
    await expect(loadLayersModelChecked(fileLoadHandler(join(out, 'model.json')))).rejects.toThrow(ZooModelJsonError);
    await expect(loadLayersModelChecked(fileLoadHandler(join(out, 'model.json')))).rejects.toThrow(/SHA-256 .* a shard is corrupted/);
    await expect(entry.load({ from: out })).rejects.toThrow(/a shard is corrupted/);
    writeFileSync(shard, bytes.subarray(0, bytes.length - 1));
    await expect(loadLayersModelChecked(fileLoadHandler(join(out, 'model.json')))).rejects.toThrow(/truncated or belongs to another model/);
    await expect(entry.load({ from: out })).rejects.toThrow(ZooModelJsonError);
  }, 60_000);

  it('a float16 infinity (which the quantizer never writes) and a bad scale are refused', async () => {
    const { out, json } = await convertTo('float16');
    const shard = join(out, 'group1-shard1of1.bin');
    const bytes = readFileSync(shard);
    // Unsealed, so that the value check is what catches it.
    delete json.userDefinedMetadata.zoo.weightsSha256;
    writeFileSync(join(out, 'model.json'), JSON.stringify(json));
    bytes.writeUInt16LE(0x7c00, 4 * (108 + 4) + 10);
    writeFileSync(shard, bytes);
    await expect(loadLayersModelChecked(fileLoadHandler(join(out, 'model.json')))).rejects.toThrow(
      /`fc\/kernel` \(float16\) holds an infinity or NaN at value 5/,
    );
    const { out: out8, json: json8 } = await convertTo('uint8');
    json8.weightsManifest[0].weights.find((w: { name: string }) => w.name === 'fc/kernel').quantization.scale = -1;
    writeFileSync(join(out8, 'model.json'), JSON.stringify(json8));
    await expect(loadLayersModelChecked(fileLoadHandler(join(out8, 'model.json')))).rejects.toThrow(/needs a finite scale >= 0/);
  }, 60_000);

  it('names the dtypes it takes', async () => {
    const { code, stderr } = await convertTo('int4');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--quantize takes float16, uint8, uint16; got `int4`/);
  }, 60_000);
});

describe('file IO handlers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(tmp, 'saved');
    await source.save(fileSaveHandler(dir));
    writeFileSync(join(tmp, 'outside.bin'), new Uint8Array(16));
  });

  it('round-trip a model exactly', async () => {
    const m = await tfl.loadLayersModel(fileLoadHandler(join(dir, 'model.json')));
    expect(predict(m)).toEqual(predict(source));
    m.dispose();
  });

  it('split weights over 4 MB into shards and read them back in order', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1100], units: 1000, name: 'wide' })] });
    const out = join(tmp, 'sharded');
    await m.save(fileSaveHandler(out));
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const back = await tfl.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
    const bytes = (x: tfl.LayersModel) => Buffer.from((x.getWeights()[0].dataSync() as Float32Array).buffer);
    expect(bytes(back).equals(bytes(m))).toBe(true);
    m.dispose();
    back.dispose();
  }, 60_000);

  function withPaths(name: string, paths: string[]): string {
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = paths;
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(json));
    return file;
  }

  it.each([
    ['a parent-folder path', '../outside.bin', /points outside the folder/],
    ['a nested escape', 'sub/../../outside.bin', /points outside the folder/],
    ['an absolute path', '/etc/hostname', /is absolute/],
    ['a URL', 'https://example.test/w.bin', /is a URL/],
    ['a file: URL', 'file:///etc/hostname', /is a URL/],
    ['the folder itself', '.', /points outside the folder/],
  ])('refuse %s in weightsManifest', async (_what, path, message) => {
    const file = withPaths(`bad-${_what.replaceAll(' ', '-').replaceAll(':', '')}`, [path]);
    await expect(tfl.loadLayersModel(fileLoadHandler(file))).rejects.toThrow(ZooModelFileError);
    await expect(tfl.loadLayersModel(fileLoadHandler(file))).rejects.toThrow(message);
  });

  it('refuse a symbolic link that leads outside the folder', async () => {
    symlinkSync(join(tmp, 'outside.bin'), join(dir, 'link.bin'));
    await expect(tfl.loadLayersModel(fileLoadHandler(withPaths('link', ['link.bin'])))).rejects.toThrow(
      /is a link to a file outside the folder/,
    );
  });
});
