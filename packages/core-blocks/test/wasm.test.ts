import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { wasmDistFolder, zooWasm } from '../src/vite.js';
import { useWasm, WASM_FILES, ZooWasmError } from '../src/wasm.js';

/** A fetch that answers every request with `status` and `type`, and records what it was asked. */
function fakeFetch(status: number, type = 'application/wasm') {
  const asked: { url: string; method: string }[] = [];
  const f = (async (url: string | URL, init?: RequestInit) => {
    asked.push({ url: String(url), method: init?.method ?? 'GET' });
    return new Response(null, { status, headers: { 'content-type': type } });
  }) as typeof globalThis.fetch;
  return { f, asked };
}

describe('useWasm', () => {
  it('looks for the file this environment loads, and says where it looked and how to serve it when it is missing', async () => {
    await tf.setBackend('cpu');
    const { f, asked } = fakeFetch(404);
    const err = await useWasm({ path: 'http://127.0.0.1:9/app/tfjs-wasm/', check: true, fetch: f }).catch((e) => e);
    expect(err).toBeInstanceOf(ZooWasmError);
    // Node's wasm backend has SIMD and no threads: the SIMD build.
    expect(asked).toEqual([{ url: 'http://127.0.0.1:9/app/tfjs-wasm/tfjs-backend-wasm-simd.wasm', method: 'HEAD' }]);
    expect(err.message).toMatch(/is not at http:\/\/127\.0\.0\.1:9\/app\/tfjs-wasm\/tfjs-backend-wasm-simd\.wasm \(HTTP 404\)/);
    expect(err.message).toMatch(/node_modules\/@tensorflow\/tfjs-backend-wasm\/dist\/\*\.wasm .*zooWasm\(\)/);
    // Nothing changed: the backend is still the one in use.
    expect(tf.getBackend()).toBe('cpu');
  });

  it("refuses a single-page app's index page served in the file's place, a path that is not a folder, and a bad thread count", async () => {
    const html = fakeFetch(200, 'text/html; charset=utf-8');
    await expect(useWasm({ path: 'http://127.0.0.1:9/w/', check: true, fetch: html.f })).rejects.toThrow(/answers with an HTML page/);
    await expect(useWasm({ path: 'http://127.0.0.1:9/w', check: true, fetch: html.f })).rejects.toThrow(/must be a folder ending in "\/"/);
    await expect(useWasm({ threads: 0 })).rejects.toThrow(ZooWasmError);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('in Node, starts the backend from its own files', async () => {
    const info = await useWasm();
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toEqual({ url: undefined, simd: true, threads: 1 });
    expect(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).arraySync())).toEqual([2, 3]);
    await tf.setBackend('cpu');
  });
});

type Handler = (req: { url?: string; method?: string }, res: FakeRes, next: () => void) => void;
class FakeRes {
  headers: Record<string, string> = {};
  statusCode = 0;
  body: Uint8Array | string | undefined;
  ended = false;
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  end(body?: Uint8Array | string) {
    this.body = body;
    this.ended = true;
  }
}

describe('zooWasm (Vite plugin)', () => {
  const dist = wasmDistFolder();
  const serve = (options: Parameters<typeof zooWasm>[0], base: string) => {
    const plugin = zooWasm(options);
    plugin.configResolved({ root: process.cwd(), base });
    let handler: Handler | undefined;
    plugin.configureServer({ middlewares: { use: (fn) => (handler = fn as Handler) } });
    return (url: string, method = 'GET') => {
      const res = new FakeRes();
      let passed = false;
      handler!({ url, method }, res, () => (passed = true));
      return { res, passed };
    };
  };

  it("serves the three files under Vite's base, as application/wasm, and passes everything else on", () => {
    const request = serve({}, '/app/');
    for (const name of WASM_FILES) {
      const { res, passed } = request(`/app/tfjs-wasm/${name}?v=1`);
      expect(passed).toBe(false);
      expect(res.headers['content-type']).toBe('application/wasm');
      expect(Buffer.compare(res.body as Uint8Array, readFileSync(join(dist, name)))).toBe(0);
    }
    const head = request('/app/tfjs-wasm/tfjs-backend-wasm-simd.wasm', 'HEAD');
    expect(head.res.body).toBeUndefined();
    expect(Number(head.res.headers['content-length'])).toBe(readFileSync(join(dist, WASM_FILES[1])).length);
    expect(request('/app/index.html').passed).toBe(true);
    expect(request('/tfjs-wasm/tfjs-backend-wasm.wasm').passed).toBe(true);
    expect(request('/app/index.html').res.headers).toEqual({});
  });

  it('sends the cross-origin isolation headers on every response when asked', () => {
    const request = serve({ crossOriginIsolation: true, folder: 'static/wasm/' }, '/');
    const page = request('/index.html');
    expect(page.passed).toBe(true);
    expect(page.res.headers).toEqual({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    expect(request('/static/wasm/tfjs-backend-wasm.wasm').res.headers['content-type']).toBe('application/wasm');
  });

  it('writes the files into the build, and refuses a folder that is not relative', () => {
    const plugin = zooWasm();
    plugin.configResolved({ root: process.cwd(), base: './' });
    const emitted: { fileName: string; source: Uint8Array }[] = [];
    plugin.generateBundle.call({
      emitFile: (f) => {
        emitted.push(f);
        return f.fileName;
      },
    });
    expect(emitted.map((e) => e.fileName)).toEqual(WASM_FILES.map((n) => `tfjs-wasm/${n}`));
    for (const e of emitted) expect(Buffer.compare(e.source, readFileSync(join(dist, e.fileName.slice('tfjs-wasm/'.length))))).toBe(0);
    expect(() => zooWasm({ folder: '/abs/' })).toThrow(/relative folder ending in "\/"/);
    expect(() => zooWasm({ folder: 'no-slash' })).toThrow(/relative folder/);
  });
});
