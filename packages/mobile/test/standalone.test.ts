import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

/**
 * `@zoo/mobile` as a web developer gets it: both packages packed as the registry would receive
 * them, installed into an empty project outside the workspace with nothing but TF.js, and a
 * model created and run there in Node on the cpu and wasm backends.
 */
const packages = resolve(process.cwd(), '..');
const TFJS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'];
const TFJS_VERSION = '4.22.0';

const RUN = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mobilenet_v3_small } from '@zoo/mobile';

const results = { resolved: import.meta.resolve('@zoo/mobile') };
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  const model = mobilenet_v3_small.create({ classifierActivation: 'softmax' });
  const y = model.predict(tf.randomNormal([1, 224, 224, 3], 0, 1, 'float32', 7));
  results[backend] = { backend: tf.getBackend(), shape: y.shape, sum: (await tf.sum(y).data())[0] };
  model.dispose();
}
console.log(JSON.stringify(results));
`;

let dir: string;
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoo-mobile-standalone-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('@zoo/mobile installed on its own', () => {
  let tarballs: Record<string, string>;

  it('packs with every workspace: and catalog: specifier replaced by a version', () => {
    tarballs = {};
    for (const pkg of ['core-blocks', 'mobile']) {
      const out = run('pnpm', ['pack', '--pack-destination', dir], join(packages, pkg));
      const tgz = out.trim().split('\n').pop() as string;
      expect(tgz.endsWith('.tgz')).toBe(true);
      tarballs[`@zoo/${pkg}`] = tgz;
      const manifest = JSON.parse(run('tar', ['-xzOf', tgz, 'package/package.json'], dir));
      const specifiers = Object.values({ ...manifest.dependencies, ...manifest.peerDependencies }) as string[];
      expect(specifiers.filter((s) => /^(workspace|catalog):/.test(s))).toEqual([]);
    }
  });

  it('installs into an empty project with only TF.js beside it, and runs mobilenet_v3_small on cpu and wasm', () => {
    const dependencies: Record<string, string> = Object.fromEntries(TFJS.map((name) => [name, TFJS_VERSION]));
    for (const [name, tgz] of Object.entries(tarballs)) dependencies[name] = `file:${tgz}`;
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'standalone-app', private: true, type: 'module', dependencies }, null, 2),
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], dir);
    expect(readdirSync(join(dir, 'node_modules', '@zoo')).sort()).toEqual(['core-blocks', 'mobile']);

    writeFileSync(join(dir, 'run.mjs'), RUN);
    const lines = run('node', ['run.mjs'], dir).trim().split('\n');
    const results = JSON.parse(lines[lines.length - 1]);
    expect(results.resolved.startsWith(`file://${dir}/node_modules/@zoo/mobile/`)).toBe(true);
    for (const backend of ['cpu', 'wasm']) {
      expect(results[backend].backend).toBe(backend);
      expect(results[backend].shape).toEqual([1, 1000]);
      expect(results[backend].sum).toBeCloseTo(1, 4);
    }
  }, 600_000);
});
