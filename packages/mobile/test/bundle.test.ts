import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import * as esbuild from 'esbuild';
import { mobilenet_v3_large, mobilenet_v3_small } from '../src/index.js';

/**
 * What one model costs a web app: an app importing only `mobilenet_v3_small`, bundled and
 * minified with TF.js left external (the app has its own), split at dynamic imports as Vite and
 * Rollup do by default. The initial budget holds that entry, its weight sets, the family's spec
 * table and core-blocks' runtime (every custom layer, registered for loading). The loader
 * (download, cache, hash, the safetensors and `.pth` readers with their zip and pickle code) is
 * a chunk fetched on the first `load()`: an app that never loads weights never downloads it; the
 * model.json reader and the quantizer are fetched only by an app that uses them. The
 * class names of ImageNet-21k and the other large subsets are chunks fetched only for their sets.
 */
// Measured 43.9 kB minified, 14.6 kB gzipped: the model's spec and builder, every custom layer,
// the BatchNorm that trains as PyTorch's, the gradient kernels wasm lacks (4.3 kB, so that fit
// works there), timm's key names for MobileNetV3, the layers' backend errors, `featuresOnly`
// (its stages: 0.6 kB minified, 0.2 kB gzipped) and `defineFamily` (the family's declaration:
// its memo of built entries and its two errors, 0.47 kB minified, 0.21 kB gzipped). About 1 % of room.
const BUDGET = { minified: 44_500, gzip: 14_710 };
// Measured 68.0 kB minified, 27.4 kB gzipped (five chunks): the readers, the hash, the cache and
// reading a quantized copy (its scales; 2 kB). The model.json reader and the quantizer (14 kB) are
// chunks of their own, fetched only by an app that loads a model.json or quantizes. About 3 % of room.
const LOADER_BUDGET = { minified: 70_000, gzip: 28_000 };
const APP = "import { mobilenet_v3_small } from '@zoo/mobile';\nexport const create = () => mobilenet_v3_small.create();\n";

describe('bundle size of one model', () => {
  it(`stays within ${BUDGET.minified} bytes minified, ${BUDGET.gzip} gzipped, and leaves the other models out`, async () => {
    const result = await esbuild.build({
      stdin: { contents: APP, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      external: ['@tensorflow/*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
      splitting: true,
      outdir: 'bundle-out',
    });
    const entryFile = result.outputFiles.find((f) => f.path.endsWith('stdin.js'))!;
    const code = entryFile.text;
    // The class names of ImageNet-21k, 12k, ... are chunks of their own, fetched only for a weight set of those classes.
    const inputsOf = (f: { path: string }) =>
      Object.keys(Object.entries(result.metafile.outputs).find(([out]) => f.path.endsWith(out))![1].inputs);
    const labelChunks = result.outputFiles.filter((f) => f !== entryFile && inputsOf(f).some((i) => i.includes('/inference/labels/')));
    // The first load() fetches the chunks the entry imports dynamically and what they import
    // statically; the model.json reader and the quantizer are chunks fetched only when used.
    const outputs = result.metafile.outputs;
    const outOf = (f: { path: string }) => Object.keys(outputs).find((out) => f.path.endsWith(out))!;
    const labelOuts = new Set(labelChunks.map(outOf));
    const firstLoad = new Set<string>();
    const visit = (out: string) => {
      if (firstLoad.has(out) || labelOuts.has(out)) return;
      firstLoad.add(out);
      for (const i of outputs[out]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    for (const i of outputs[outOf(entryFile)]!.imports) if (i.kind === 'dynamic-import' && !i.external) visit(i.path);
    const chunks = result.outputFiles.filter((f) => firstLoad.has(outOf(f)));
    const onDemand = result.outputFiles.filter((f) => f !== entryFile && !labelChunks.includes(f) && !chunks.includes(f));
    console.log(
      `fetched only when used (a model.json, quantize): ${onDemand.length} chunks, ${onDemand.reduce((a, f) => a + f.contents.length, 0)} bytes minified: ${onDemand
        .map((f) =>
          inputsOf(f)
            .filter((i) => !i.includes('node_modules'))
            .map((i) => i.split('/').pop())
            .join('+'),
        )
        .join(', ')}`,
    );
    console.log(
      `class names of the larger ImageNet subsets: ${labelChunks.length} chunks, ${labelChunks.reduce((a, f) => a + f.contents.length, 0)} bytes minified, fetched only for their weight sets`,
    );
    expect(labelChunks.length).toBeGreaterThanOrEqual(5);
    const lazy = {
      minified: chunks.reduce((a, f) => a + f.contents.length, 0),
      gzip: chunks.reduce((a, f) => a + gzipSync(f.text).length, 0),
    };
    console.log(
      `loaded on the first load(): ${chunks.length} chunks, ${lazy.minified} bytes minified, ${lazy.gzip} gzipped (budget ${LOADER_BUDGET.minified} / ${LOADER_BUDGET.gzip})`,
    );
    expect(chunks.length).toBeGreaterThan(0);
    expect(lazy.minified).toBeLessThanOrEqual(LOADER_BUDGET.minified);
    expect(lazy.gzip).toBeLessThanOrEqual(LOADER_BUDGET.gzip);
    // The readers are not in the initial chunk.
    expect(code).not.toMatch(/OrderedDict|_rebuild_tensor_v2/);
    const size = { minified: Buffer.byteLength(code), gzip: gzipSync(code).length };
    console.log(
      `mobilenet_v3_small app bundle: ${size.minified} bytes minified, ${size.gzip} bytes gzipped (budget ${BUDGET.minified} / ${BUDGET.gzip})`,
    );
    expect(size.minified).toBeLessThanOrEqual(BUDGET.minified);
    expect(size.gzip).toBeLessThanOrEqual(BUDGET.gzip);

    // Files of the other families contribute nothing; mobilenet_v3_large's entry is never built.
    const inputs = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('stdin.js'))![1].inputs;
    const used = Object.entries(inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([file]) => file);
    expect(used.some((f) => f.endsWith('dist/mobilenet-v3.js'))).toBe(true);
    for (const other of ['squeezenet', 'mobilenet-v1', 'mobilenet-v2', 'shufflenet-v1', 'shufflenet-v2', 'edgevit', 'catalog']) {
      expect(used.filter((f) => f.includes(`mobile/dist/${other}`))).toEqual([]);
    }
    expect(code).not.toMatch(/\(\s*"mobilenet_v3_large"\s*,/);
    // Only this model's weight sets: the others' are separate exports, left out.
    const file = (e: typeof mobilenet_v3_small) =>
      e.weights
        .find((w) => w.isDefault)!
        .file.url!.split('/')
        .pop()!;
    expect(code).toContain(file(mobilenet_v3_small));
    expect(code).not.toContain(file(mobilenet_v3_large));
    expect(code).toMatch(/\(\s*"mobilenet_v3_small"\s*,/);
    expect(code).not.toMatch(/@tensorflow\/tfjs-(core|layers)\/dist/);
  });
});
