import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { launchChromium } from '@zoo/test-support/browser';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { mobilenet_v3_small } from '../src/index.js';

/**
 * The documented way to run a converted model in a web app: a bare `import '@zoo/mobile'` (or
 * `import '@zoo/core-blocks'`) for the custom layers, then `tf.loadLayersModel(url)`. The bare
 * import must survive bundling (the packages list the modules that register the layers under
 * `sideEffects`): a tiny app is bundled with esbuild and with Vite (Rollup), served with a model
 * written here from 127.0.0.1, run in headless Chromium on the cpu backend, and must give the
 * probabilities Node computes for the same model and image. A third app reaches the model by name
 * through the front door (`import '@zoo/mobile/register'`, `createModel`).
 *
 * TF.js is left external, as in bundle.test.ts, and given to the page once through an import
 * map (three esbuild modules: core, layers, cpu backend): what is tested is what the bundlers
 * keep of the zoo's packages, and Rollup parsing all of TF.js would take 20 s a build here.
 */
const SIZE = 64;
const CLASSES = 10;
const root = process.cwd(); // packages/mobile: where the app's imports resolve from
const TFJS = { core: '@tensorflow/tfjs-core', layers: '@tensorflow/tfjs-layers', cpu: '@tensorflow/tfjs-backend-cpu' };

/** The whole app: only the TF.js modules it needs, the bare zoo import under test, a load and a predict. */
const app = (bareImport: string) => `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import '${bareImport}';

globalThis.zooPredict = async (pixels, size) => {
  await tf.setBackend('cpu');
  const model = await loadLayersModel('/model/model.json');
  const x = tf.tidy(() => tf.div(tf.tensor4d(pixels, [1, size, size, 3], 'float32'), 255));
  const y = model.predict(x);
  const probs = Array.from(await y.data());
  tf.dispose([x, y]);
  model.dispose();
  return probs;
};
globalThis.zooReady = true;
`;

/**
 * The front door in a bundled app: `import '@zoo/mobile/register'`, then the model by name with
 * `createModel`, given the converted model's weights; a typo must come back with the nearest name.
 */
const frontDoorApp = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { createModel, getModel } from '@zoo/core-blocks';
import '@zoo/mobile/register';

globalThis.zooPredict = async (pixels, size) => {
  await tf.setBackend('cpu');
  const typo = await getModel('mobilenet_v3_smal').then(() => 'found', (err) => err.message);
  const m = await createModel('mobilenet_v3_small', { numClasses: ${CLASSES}, inputShape: [size, size, 3], classifierActivation: 'softmax' });
  const saved = await loadLayersModel('/model/model.json');
  m.model.setWeights(saved.getWeights());
  saved.dispose();
  const x = tf.tidy(() => tf.div(tf.tensor4d(pixels, [1, size, size, 3], 'float32'), 255));
  const y = m.model.predict(x);
  const probs = Array.from(await y.data());
  tf.dispose([x, y]);
  m.dispose();
  return { probs, typo };
};
globalThis.zooReady = true;
`;

/** A deterministic pseudo-random image: smooth gradients plus a hash, 0..255 per channel. */
function image(): number[] {
  const px: number[] = [];
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      for (let c = 0; c < 3; c++) px.push((x * 4 + y * 3 * (c + 1) + ((x * 7919 + y * 104729 + c * 31) % 61)) % 256);
  return px;
}

let dir: string;
let browser: Browser | undefined;
let server: Server | undefined;
let base: string;
const expected: { probs: number[]; top: number } = { probs: [], top: -1 };
const pixels = image();
/** What the server answers under `/app/`: the bundle being tested. */
let appDir = '';

const argmax = (a: number[]) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zoo-bundlers-'));
  await tf.setBackend('cpu');

  // A converted model: mobilenet_v3_small (the zoo's Conv2d, ZooActivation with hard-swish, ...) with deterministic non-trivial weights, BatchNorm statistics included.
  const model = mobilenet_v3_small.create({ numClasses: CLASSES, inputShape: [SIZE, SIZE, 3], classifierActivation: 'softmax' });
  const names = new Set(model.layers.map((l) => l.getClassName()));
  expect([...names]).toEqual(expect.arrayContaining(['Conv2d', 'ZooActivation']));
  model.setWeights(
    model.weights.map((w, i) => {
      const name = w.originalName;
      const shape = w.shape as number[];
      const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
      if (/moving_variance|gamma/.test(name)) return tf.randomUniform(shape, 0.5, 1.5, 'float32', 1000 + i);
      if (/moving_mean|beta|bias/.test(name)) return tf.randomUniform(shape, -0.2, 0.2, 'float32', 1000 + i);
      return tf.randomNormal(shape, 0, 1.2 / Math.sqrt(fanIn), 'float32', 1000 + i);
    }),
  );
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(join(dir, 'model'));
      const { weightData, ...rest } = artifacts;
      const bin = Buffer.from(weightData as ArrayBuffer);
      writeFileSync(join(dir, 'model', 'weights.bin'), bin);
      const manifest = { ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      delete (manifest as { weightSpecs?: unknown }).weightSpecs;
      writeFileSync(join(dir, 'model', 'model.json'), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bin.length } };
    }),
  );
  const x = tf.div(tf.tensor4d(pixels, [1, SIZE, SIZE, 3], 'float32'), 255);
  const y = model.predict(x) as tf.Tensor;
  expected.probs = Array.from(await y.data());
  expected.top = argmax(expected.probs);
  tf.dispose([x, y]);
  model.dispose();
  // Non-trivial: a clear winner, not a uniform output.
  const sorted = [...expected.probs].sort((a, b) => b - a);
  expect(sorted[0] - sorted[1]).toBeGreaterThan(1e-3);

  const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file =
      path === '/' ? join(dir, 'index.html') : path.startsWith('/app/') ? join(appDir, path.slice('/app/'.length)) : join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // TF.js, once for all the apps: one ES module a package (and one for each deep import of core's
  // that layers makes, register_all_gradients), each importing the others through the import map.
  const modules: Record<string, string> = { ...TFJS };
  for (let i = 0; i < Object.keys(modules).length; i++) {
    const [name, pkg] = Object.entries(modules)[i];
    const built = await esbuild.build({
      stdin: { contents: `export * from '${pkg}';`, resolveDir: root, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      // Every other TF.js module stays external (an esbuild `external` pattern would catch this one too).
      plugins: [
        {
          name: 'tfjs-external',
          setup: (b) => b.onResolve({ filter: /^@tensorflow\// }, (a) => (a.path === pkg ? undefined : { path: a.path, external: true })),
        },
      ],
      outfile: join(dir, 'tf', `${name}.js`),
      metafile: true,
      logLevel: 'silent',
    });
    const imported = Object.values(built.metafile.outputs).flatMap((o) => o.imports.filter((m) => m.external).map((m) => m.path));
    for (const spec of imported) if (!Object.values(modules).includes(spec)) modules[spec.replace(/\W/g, '_')] = spec;
  }
  const importMap = { imports: Object.fromEntries(Object.entries(modules).map(([name, pkg]) => [pkg, `/tf/${name}.js`])) };
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><script type="importmap">${JSON.stringify(importMap)}</script><script type="module" src="/app/app.js"></script>`,
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Bundles `source` into `out/app.js` (plus any chunks). */
const BUNDLERS: Record<string, (source: string, out: string) => Promise<void>> = {
  esbuild: async (source, out) => {
    await esbuild.build({
      stdin: { contents: source, resolveDir: root, loader: 'js', sourcefile: 'app.js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      external: ['@tensorflow/*'],
      outfile: join(out, 'app.js'),
      logLevel: 'silent',
    });
  },
  // Vite's production build (Rollup) of an app whose entry is a virtual module: its bare imports
  // resolve from the mobile package, as an app's would from its own folder.
  vite: async (source, out) => {
    const id = '\0zoo-app.js';
    await viteBuild({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [
        { name: 'zoo-app', enforce: 'pre', resolveId: (s) => (s === 'zoo-app' ? id : null), load: (s) => (s === id ? source : null) },
      ],
      build: {
        outDir: out,
        emptyOutDir: true,
        minify: true,
        modulePreload: false,
        reportCompressedSize: false,
        rollupOptions: {
          input: 'zoo-app',
          external: [/^@tensorflow\//],
          output: { entryFileNames: 'app.js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    });
  },
};

const APPS: [string, string][] = [
  ["a bare import '@zoo/mobile'", app('@zoo/mobile')],
  ["a bare import '@zoo/core-blocks'", app('@zoo/core-blocks')],
  ["createModel by name after import '@zoo/mobile/register'", frontDoorApp],
];

describe.each(APPS)('%s in a bundled app', (what, source) => {
  it.each(Object.keys(BUNDLERS))(
    'bundled by %s, builds the model and predicts as in Node',
    async (bundler) => {
      appDir = join(dir, `${bundler}-${what.replace(/\W/g, '_')}`);
      await BUNDLERS[bundler](source, appDir);
      const size = statSync(join(appDir, 'app.js')).size;
      console.log(`${bundler}, ${what}: app.js ${size} bytes`);

      const page = await browser!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      try {
        await page.goto(`${base}/`);
        await page
          .waitForFunction(() => (globalThis as { zooReady?: boolean }).zooReady === true, undefined, { timeout: 20_000 })
          .catch((err) => {
            throw new Error(`the app did not start: ${[...errors, String(err)].join('\n')}`);
          });
        const outcome: { probs?: number[]; typo?: string; error?: string } = await page.evaluate(
          async ([px, s]) => {
            try {
              const r = await (globalThis as unknown as { zooPredict: (p: number[], s: number) => Promise<unknown> }).zooPredict(px, s);
              return Array.isArray(r) ? { probs: r as number[] } : (r as { probs: number[]; typo?: string });
            } catch (err) {
              return { error: String((err as Error)?.message ?? err) };
            }
          },
          [pixels, SIZE] as const,
        );
        expect(outcome.error).toBeUndefined();
        if (what.startsWith('createModel'))
          expect(outcome.typo).toMatch(/Unknown model `mobilenet_v3_smal`. Did you mean `mobilenet_v3_small`/);
        expect(errors.filter((e) => /Unknown layer/.test(e))).toEqual([]);
        const probs = outcome.probs!;
        expect(probs).toHaveLength(CLASSES);
        expect(argmax(probs)).toBe(expected.top);
        const worst = Math.max(...probs.map((p, i) => Math.abs(p - expected.probs[i])));
        expect(worst).toBeLessThanOrEqual(1e-5);
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
