/**
 * The Node half of the cross-backend check: bundles `page.ts` with esbuild, serves it from
 * 127.0.0.1 (a secure context, which WebGPU needs), drives headless Chromium with SwiftShader
 * for WebGL and WebGPU, and runs each case on each backend. Used by the test and by
 * `pnpm --filter @zoo/backends measure`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import type { BackendCase, CheckedBackend } from './cases.js';
import type { CaseResult } from './page.js';

export type { BackendResult, CaseResult, LayerError } from './page.js';

/** Chromium's software GPU: SwiftShader behind ANGLE for WebGL, its Vulkan adapter for WebGPU. */
export const GPU_FLAGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];

const PAGE = fileURLToPath(new URL('../src/page.ts', import.meta.url));

export interface HarnessOptions {
  cases: readonly BackendCase[];
  /** The backends each case runs on. */
  backendsOf: (c: BackendCase) => readonly CheckedBackend[];
  /** Launches the browser with the extra flags (the test's `launchChromium`). */
  launch: (args: readonly string[]) => Promise<Browser>;
  onCase?: (r: CaseResult) => void;
}

export interface HarnessRun {
  results: CaseResult[];
  customLayers: string[];
  /** What each page's webgl and webgpu were (`?f16` for the 16-bit page). */
  pages: Record<string, Record<string, unknown>>;
  errors: string[];
}

export async function runBackendChecks(o: HarnessOptions): Promise<HarnessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-backends-'));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_HTML);
    if (path === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(dir, 'page.js')));
    res.writeHead(404).end();
  });
  let browser: Browser | undefined;
  try {
    await esbuild.build({
      entryPoints: [PAGE],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: join(dir, 'page.js'),
      logLevel: 'silent',
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await o.launch(GPU_FLAGS);
    const results = new Map<string, CaseResult>();
    const errors: string[] = [];
    let customLayers: string[] = [];
    const pageInfo: Record<string, Record<string, unknown>> = {};
    // webgl and webgpu share a page; 16-bit webgl needs its flag set before the backend starts.
    const pages = [
      { query: '', on: (b: CheckedBackend) => b !== 'webgl-f16' },
      { query: '?f16', on: (b: CheckedBackend) => b === 'webgl-f16' },
    ];
    for (const p of pages) {
      const work = o.cases.map((c) => ({ c, backends: o.backendsOf(c).filter(p.on) })).filter((w) => w.backends.length);
      if (!work.length) continue;
      const page = await browser.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/${p.query}`);
      await page.waitForFunction(() => 'zooBackends' in globalThis, undefined, { timeout: 60_000 });
      customLayers = await page.evaluate(() => globalThis.zooBackends.customLayers);
      pageInfo[p.query || 'default'] = await page.evaluate(() => globalThis.zooBackends.describe());
      for (const { c, backends } of work) {
        const inPage = backends.map((b) => (b === 'webgl-f16' ? 'webgl' : b));
        const r = await page.evaluate(([cc, bb]) => globalThis.zooBackends.check(cc, bb), [c, inPage] as const);
        for (const res of r.results) if (p.query === '?f16') res.backend = 'webgl-f16';
        const merged = results.get(c.model);
        if (merged) merged.results.push(...r.results);
        else results.set(c.model, r);
        o.onCase?.(r);
      }
      await page.close();
    }
    return { results: [...results.values()], customLayers, pages: pageInfo, errors };
  } finally {
    await browser?.close();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const PAGE_HTML = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>';
