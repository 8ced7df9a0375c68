import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { CUSTOM_LAYERS, WASM_GRADIENT_KERNELS } from '../src/family.js';

/**
 * Importing a package makes no network request and changes no global state but the registry
 * of its own layers. scripts/import-purity.mjs imports the built package in a fresh Node
 * process with every network entry point replaced by a recorder; the family packages run the
 * same script on themselves in their own tests.
 */
const SCRIPT = fileURLToPath(new URL('../scripts/import-purity.mjs', import.meta.url));
const run = (dir: string, ...entries: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [SCRIPT, fileURLToPath(new URL(dir, import.meta.url)), ...entries], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );

describe('importing @zoo/core-blocks', () => {
  it('makes no network request and touches no global state beyond registering its layers and the wasm gradients it lacks', () => {
    const r = run('..');
    expect(r.problems).toEqual([]);
    expect(r.newClasses.sort()).toEqual(CUSTOM_LAYERS.map((c) => c.className).sort());
    // The gradient kernels the wasm backend lacks, and nothing else.
    expect(r.newKernels.sort()).toEqual(WASM_GRADIENT_KERNELS.map((k) => `wasm/${k}`).sort());
  });

  it('the check catches a package that does all of that', () => {
    const r = run('./fixtures/impure-package');
    expect(r.network.map((c: { what: string }) => c.what)).toEqual(['fetch', 'node:http.get']);
    expect(r.newGlobals).toEqual(['leakedState']);
    expect(r.replacedClasses).toEqual(['Dense']);
    expect(r.flagsChanged).toBe(true);
    expect(r.newResources).toEqual(['Timeout']);
    expect(r.newKernels).toEqual(['cpu/ImpureKernel']);
    expect(r.problems).toHaveLength(7);
  });
});
