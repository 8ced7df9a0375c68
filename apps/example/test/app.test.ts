import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { classify, type Prediction } from '@zoo/core-blocks';
import { readImage } from '@zoo/core-blocks/node';
import { mobilenet_v3_small } from '@zoo/mobile';
import { ensureTorch, runPython, WEIGHTS_SCRIPT } from '@zoo/parity';
import { launchChromium } from '@zoo/test-support/browser';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { build } from 'vite';

/**
 * The example app as a user meets it: built by Vite (its own config, the wasm files wired by the
 * `zooWasm()` plugin), its bundle held by size-limit, served from 127.0.0.1 with a checkpoint
 * that PyTorch wrote in torchvision's own `.pth` format for MobileNetV3-Small, and driven in
 * headless Chromium: it must classify a picked image exactly as the zoo does in Node with the
 * same file and image, keep the file in Cache Storage for the next visit, classify the camera
 * (Chromium's fake device), and say what is wrong when the hash or the wasm files are.
 */
const root = process.cwd(); // apps/example
const dist = join(root, 'dist');
const run = promisify(execFile);

let dir: string;
let server: Server | undefined;
let base: string;
let browser: Browser | undefined;
let checkpoint: Uint8Array;
let sha256: string;
let png: Buffer;
let expected: Prediction[];

/** A deterministic 320x240 picture: smooth colour fields, edges and a little noise. */
function picture(): Buffer {
  const image = new PNG({ width: 320, height: 240 });
  for (let y = 0; y < 240; y++) {
    for (let x = 0; x < 320; x++) {
      const i = (y * 320 + x) * 4;
      const disc = (x - 200) ** 2 + (y - 110) ** 2 < 70 ** 2;
      const noise = (x * 7919 + y * 104729) % 23;
      image.data[i] = disc ? 210 + (noise % 40) : (x * 255) / 320;
      image.data[i + 1] = disc ? 120 + noise : (y * 255) / 240;
      image.data[i + 2] = disc ? 40 : 128 + ((x ^ y) & 63);
      image.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(image);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.pth': 'application/octet-stream',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zoo-example-'));
  // The app, as `pnpm --filter @zoo/example build` builds it.
  await build({ root, logLevel: 'warn' });
  await ensureTorch();
  const ckpt = join(dir, 'mobilenet_v3_small.pth');
  await runPython(WEIGHTS_SCRIPT, [
    'checkpoint',
    ...['--publisher', 'torchvision', '--model', 'mobilenet_v3_small', '--set', 'IMAGENET1K_V1', '--format', 'zip'],
    ...['--checkpoint', ckpt],
  ]);
  checkpoint = readFileSync(ckpt);
  sha256 = createHash('sha256').update(checkpoint).digest('hex');
  png = picture();
  writeFileSync(join(dir, 'picture.png'), png);

  // What the zoo gives in Node for the same file and image.
  await tf.setBackend('wasm');
  const model = await mobilenet_v3_small.load({ weights: 'IMAGENET1K_V1', from: ckpt, cache: false });
  expected = await classify(model, await readImage(join(dir, 'picture.png')));
  model.dispose();
  // Random weights, but a real ranking: not five ties.
  expect(expected[0].probability - expected[4].probability).toBeGreaterThan(1e-4);

  // The built app under `/` and again under `/no-wasm/` with its wasm folder missing; the checkpoint under `/weights/`.
  server = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path === '/weights/mobilenet_v3_small.pth') {
      res.writeHead(200, { 'content-type': TYPES['.pth'], 'content-length': String(checkpoint.length) });
      res.end(req.method === 'HEAD' ? undefined : checkpoint);
      return;
    }
    // The app as a host serving the README's headers would serve it (cross-origin isolated, so the
    // threaded build runs); under /no-wasm/ without them, so the single-threaded build is looked for.
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    let headers: Record<string, string> = isolation;
    if (path.startsWith('/no-wasm/')) {
      headers = {};
      path = path.slice('/no-wasm'.length);
      if (path.startsWith('/tfjs-wasm/')) return void res.writeHead(404).end('not found');
    }
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
    const bytes = readFileSync(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(bytes.length),
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A fake camera (a moving test pattern), allowed without a prompt.
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The app's state and message once it settles on one of `states`. */
async function settle(page: Page, states: string[], timeout = 90_000): Promise<{ state: string; text: string; source?: string }> {
  await page.waitForFunction((s) => s.includes(document.getElementById('status')?.dataset.state ?? ''), states, { timeout, polling: 100 });
  return page.evaluate(() => {
    const el = document.getElementById('status')!;
    return { state: el.dataset.state!, text: el.textContent ?? '', source: el.dataset.source };
  });
}

async function shown(page: Page): Promise<{ index: number; probability: number; label: string }[]> {
  return page.$$eval('#results li', (lis) =>
    lis.map((li) => ({
      index: Number((li as HTMLElement).dataset.index),
      probability: Number((li as HTMLElement).dataset.probability),
      label: li.querySelector('span')?.textContent ?? '',
    })),
  );
}

function expectSameTop5(got: { index: number; probability: number; label: string }[]): void {
  expect(got.map((p) => p.index)).toEqual(expected.map((p) => p.index));
  expect(got.map((p) => p.label)).toEqual(expected.map((p) => p.label));
  const worst = Math.max(...got.map((p, i) => Math.abs(p.probability - expected[i].probability) / expected[i].probability));
  expect(worst).toBeLessThanOrEqual(1e-4);
}

async function open(url: string): Promise<{ page: Page; errors: string[]; wasm: string[] }> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  const wasm: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`);
  });
  await page.goto(url);
  return { page, errors, wasm };
}

describe('the example app', () => {
  it('is within its size budget (size-limit)', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'node_modules/size-limit/bin.js'), '--json'], { cwd: root }).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(`size-limit failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      },
    );
    const checks = JSON.parse(stdout) as { name: string; size: number; sizeLimit: number; passed: boolean }[];
    for (const c of checks) console.log(`size-limit: ${c.name}: ${c.size} bytes (limit ${c.sizeLimit})`);
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([]);
  });

  it("classifies a picked image as the zoo does in Node, with the file's weights and preprocessing; the second visit reads Cache Storage", async () => {
    const url = `${base}/?weights=/weights/mobilenet_v3_small.pth&sha256=${sha256}`;
    const { page, errors, wasm } = await open(url);
    try {
      const ready = await settle(page, ['ready', 'error']);
      expect(ready).toMatchObject({ state: 'ready', source: 'network' });
      expect(await page.textContent('#about')).toMatch(/mobilenet_v3_small, weights IMAGENET1K_V1 .*wasm backend with SIMD/);
      // Isolated: the threaded build (whose pool tfjs-backend-wasm caps at half the cores, so the
      // count shown is the backend's, one on a 2-core machine).
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      // useWasm's HEAD check and the backend's fetch, both of the threaded build.
      expect([...new Set(wasm.map((u) => u.split('/').pop()))]).toEqual(['tfjs-backend-wasm-threaded-simd.wasm']);
      expect(await page.textContent('#about')).toMatch(/, [1-4] threads?\.$/);
      await page.setInputFiles('#file', { name: 'picture.png', mimeType: 'image/png', buffer: png });
      expect((await settle(page, ['done', 'error'])).state).toBe('done');
      expectSameTop5(await shown(page));

      await page.reload();
      expect(await settle(page, ['ready', 'error'])).toMatchObject({ state: 'ready', source: 'cache' });
      await page.setInputFiles('#file', { name: 'picture.png', mimeType: 'image/png', buffer: png });
      expect((await settle(page, ['done', 'error'])).state).toBe('done');
      expectSameTop5(await shown(page));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('classifies the camera', async () => {
    const { page, errors } = await open(`${base}/?weights=/weights/mobilenet_v3_small.pth&sha256=${sha256}`);
    try {
      expect((await settle(page, ['ready', 'error'])).state).toBe('ready');
      await page.click('#camera');
      const done = await settle(page, ['done', 'error']);
      expect(done.state).toBe('done');
      expect(done.text).toMatch(/^the camera: /);
      const got = await shown(page);
      expect(got).toHaveLength(5);
      for (let i = 0; i < 5; i++) {
        expect(got[i].index).toBeGreaterThanOrEqual(0);
        expect(got[i].index).toBeLessThan(1000);
        expect(got[i].probability).toBeGreaterThan(0);
        if (i > 0) expect(got[i].probability).toBeLessThanOrEqual(got[i - 1].probability);
      }
      expect(got.reduce((s, p) => s + p.probability, 0)).toBeLessThanOrEqual(1 + 1e-6);
      expect(await page.$eval('#video', (v) => (v as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
      await page.click('#camera');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says so when the file is not the one asked for, or the wasm files are not served', async () => {
    const wrongHash = await open(`${base}/?weights=/weights/mobilenet_v3_small.pth&sha256=${'0'.repeat(64)}&cache=0`);
    try {
      const s = await settle(wrongHash.page, ['ready', 'error']);
      expect(s.state).toBe('error');
      expect(s.text).toMatch(new RegExp(`The SHA-256 of .*mobilenet_v3_small\\.pth is ${sha256}, not the published 0{64}`));
    } finally {
      await wrongHash.page.close();
    }
    const noWasm = await open(`${base}/no-wasm/?weights=/weights/mobilenet_v3_small.pth&cache=0`);
    try {
      const s = await settle(noWasm.page, ['ready', 'error']);
      expect(s.state).toBe('error');
      expect(s.text).toMatch(
        /wasm backend's file is not at http:\/\/127\.0\.0\.1:\d+\/no-wasm\/tfjs-wasm\/tfjs-backend-wasm-simd\.wasm \(HTTP 404\)/,
      );
      expect(s.text).toMatch(/zooWasm\(\)/);
    } finally {
      await noWasm.page.close();
    }
  });
});
