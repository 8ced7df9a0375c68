import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ModelEntry, readSafetensors, type TensorToWrite, toSafetensors, writeSafetensors } from '@zoo/core-blocks/family';
import { fileLoadHandler, fileSaveHandler, ZooModelFileError } from '../src/node/index.js';
import { installedProject, zoo as zooIn } from './installed-project.js';

const project = installedProject();
const zoo = (...args: string[]) => zooIn(project.dir, ...args);

let tmp: string;
let source: tfl.LayersModel;
const input = () => tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 7);
const predict = (m: tfl.LayersModel) => tf.tidy(() => (m.predict(input()) as tf.Tensor).dataSync() as Float32Array).slice();

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'zoo-convert-'));
  const { catalog } = (await import(join(project.dir, 'node_modules/@example/tiny-family/catalog.js'))) as { catalog: ModelEntry[] };
  source = catalog[0].create();
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
