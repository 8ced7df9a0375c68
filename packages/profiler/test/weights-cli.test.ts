import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { classify, type ModelEntry, toSafetensors } from '@zoo/core-blocks/family';
import { decodeImage } from '@zoo/core-blocks/node';
import { PNG } from 'pngjs';
import { installedProject, zooWithEnv } from './installed-project.js';

jest.setTimeout(60_000);

const project = installedProject();
let server: Server;
let env: Record<string, string>;
let tmp: string;
let checkpoint: Uint8Array;
let entry: ModelEntry;
const zoo = (...args: string[]) => zooWithEnv(project.dir, env, ...args);

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'zoo-weights-cli-'));
  ({
    catalog: [entry],
  } = (await import(join(project.dir, 'node_modules/@example/tiny-family/catalog.js'))) as { catalog: ModelEntry[] });
  const source = entry.create();
  for (const w of source.weights) w.write(tf.randomNormal(w.shape as number[], 0, 1, 'float32', 3));
  checkpoint = toSafetensors(source);
  source.dispose();
  writeFileSync(join(tmp, 'tiny.safetensors'), checkpoint);
  // A 40x30 PNG made here, as a user's photo would be.
  const png = new PNG({ width: 40, height: 30 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = i % 4 === 3 ? 255 : (i * 37) % 251;
  writeFileSync(join(tmp, 'photo.png'), PNG.sync.write(png));
  server = createServer((req, res) => {
    if (req.url === '/timm/tinynet.test_in1k/resolve/main/model.safetensors') {
      res.writeHead(200, { 'content-length': String(checkpoint.length) });
      res.end(Buffer.from(checkpoint));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env = { ZOO_HUB_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ZOO_CACHE: join(tmp, 'cache') };
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
  project.remove();
});

describe('zoo weights', () => {
  it("lists a model's sets with accuracy, preprocessing, size and license, and which load", async () => {
    const { code, stdout } = await zoo('weights', 'tinynet');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /timm\/tinynet\.test_in1k\s+timm\s+yes\s+12\.50 @16\s+18->16 bicubic\s+1000 imagenet-1k\s+19\.5 KiB\s+apache-2\.0/,
    );
    expect(stdout).toMatch(/timm\/tinynet\.other_in21k\s+timm\s+not yet/);
    expect(stdout).toMatch(/Not loadable yet: its key names are not mapped yet\./);
    const json = JSON.parse((await zoo('weights', 'tinynet', '--json')).stdout);
    expect(json.weights.map((w: { name: string }) => w.name)).toEqual(['timm/tinynet.test_in1k', 'timm/tinynet.other_in21k']);
  });

  it('counts the sets of every model, and how many load', async () => {
    const rows = JSON.parse((await zoo('weights', '--json')).stdout);
    expect(rows).toEqual([expect.objectContaining({ model: 'tinynet', sets: 2, loads: 1, timm: 1, waiting: 1 })]);
  });
});

describe('zoo classify', () => {
  it('prints the top classes of an image file with the set fetched by name, as classify does in process', async () => {
    const { code, stdout, stderr } = await zoo(
      'classify',
      'tinynet',
      join(tmp, 'photo.png'),
      '--weights',
      'timm/tinynet.test_in1k',
      '--top',
      '3',
      '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const model = await entry.load({ from: checkpoint, weights: 'timm/tinynet.test_in1k', sha256: false, cache: false });
    const expected = await classify(model, decodeImage(readFileSync(join(tmp, 'photo.png'))), { topK: 3 });
    model.dispose();
    expect(out.weights).toBe('timm/tinynet.test_in1k');
    expect(out.predictions.map((p: { index: number }) => p.index)).toEqual(expected.map((p) => p.index));
    for (const [i, p] of out.predictions.entries()) expect(p.probability).toBeCloseTo(expected[i].probability, 5);
  });

  it('takes a checkpoint file for --weights, and refuses what is not an image', async () => {
    const ok = await zoo('classify', 'tinynet', join(tmp, 'photo.png'), '--weights', join(tmp, 'tiny.safetensors'), '--top', '1');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/photo\.png\s+1\s+\S/);
    const bad = await zoo('classify', 'tinynet', join(tmp, 'tiny.safetensors'), '--weights', join(tmp, 'tiny.safetensors'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/neither JPEG nor PNG/);
  });
});

describe('zoo convert from a weight set, with another size', () => {
  it('writes the model built for the set, at the size asked for', async () => {
    const out = join(tmp, 'out');
    const { code, stdout } = await zoo('convert', 'tinynet', '--weights', 'timm/tinynet.test_in1k', out, '--size', '24');
    expect(code).toBe(0);
    expect(stdout).toMatch(/loaded 4 tensors from timm\/tinynet\.test_in1k \(timm\)/);
    expect(stdout).toMatch(/input 24x24/);
    // The set resizes 18 for a crop of 16; at 24 the loader keeps that fraction: floor(24 * 18 / 16).
    expect(stdout).toMatch(new RegExp(`preprocessing: resize ${Math.floor((24 * 18) / 16)} \\(bicubic\\), crop 24`));
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[0].config.batch_input_shape).toEqual([null, 24, 24, 3]);
  });
});

describe('the CLI refuses what a command does not take', () => {
  it('a flag of another command, with the command that takes it', async () => {
    const r = await zoo('list', '--size', '300');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zoo list does not take --size\. \(--size is a flag of zoo profile, zoo bench, zoo convert\.\)/);
    expect((await zoo('weights', 'tinynet', '--top', '3')).stderr).toMatch(/zoo weights does not take --top/);
  });

  it('honours the flags a command takes: profile --size, list --family', async () => {
    const p = JSON.parse((await zoo('profile', 'tinynet', '--size', '32', '--json')).stdout);
    expect(p.layers[0].outputShape).toEqual([null, 32, 32, 3]);
    const none = await zoo('list', '--family', 'Nope');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No family `Nope`/);
    expect(JSON.parse((await zoo('list', '--family', 'tinynet', '--json')).stdout)).toHaveLength(1);
  });

  it('--version, help <command>, and a misspelt command', async () => {
    expect((await zoo('--version')).stdout.trim()).toMatch(/^@zoo\/profiler \d+\.\d+\.\d+$/);
    const help = await zoo('help', 'convert');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: zoo convert <model> <checkpoint\.pth\|\.safetensors> <out-dir>/);
    expect(help.stdout).toMatch(/Flags: --weights, --classes, --size/);
    const typo = await zoo('clasify');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean `classify`\?/);
  });
});
