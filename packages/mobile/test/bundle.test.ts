import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import * as esbuild from 'esbuild';

/**
 * What one model costs a web app: an app importing only `mobilenet_v3_small`, bundled and
 * minified with TF.js left external (the app has its own). The budget holds that entry, the
 * family's spec table and core-blocks' runtime (every custom layer, registered for loading).
 */
const BUDGET = { minified: 40_000, gzip: 12_000 };
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
    });
    const code = result.outputFiles[0].text;
    const size = { minified: Buffer.byteLength(code), gzip: gzipSync(code).length };
    console.log(
      `mobilenet_v3_small app bundle: ${size.minified} bytes minified, ${size.gzip} bytes gzipped (budget ${BUDGET.minified} / ${BUDGET.gzip})`,
    );
    expect(size.minified).toBeLessThanOrEqual(BUDGET.minified);
    expect(size.gzip).toBeLessThanOrEqual(BUDGET.gzip);

    // Files of the other families contribute nothing; mobilenet_v3_large's entry is never built.
    const inputs = Object.values(result.metafile.outputs)[0].inputs;
    const used = Object.entries(inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([file]) => file);
    expect(used.some((f) => f.endsWith('dist/mobilenet-v3.js'))).toBe(true);
    for (const other of ['squeezenet', 'mobilenet-v1', 'mobilenet-v2', 'shufflenet-v1', 'shufflenet-v2', 'edgevit', 'catalog']) {
      expect(used.filter((f) => f.includes(`mobile/dist/${other}`))).toEqual([]);
    }
    expect(code).not.toMatch(/\(\s*"mobilenet_v3_large"\s*\)/);
    expect(code).toMatch(/\(\s*"mobilenet_v3_small"\s*\)/);
    expect(code).not.toMatch(/@tensorflow\/tfjs-(core|layers)\/dist/);
  });
});
