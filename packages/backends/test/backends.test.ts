import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { catalog as classic } from '@zoo/cnn-classic';
import '@zoo/cnn-classic/register';
import '@zoo/mobile/register';
import '@zoo/transformers/register';
import { CUSTOM_LAYERS, getModel } from '@zoo/core-blocks/family';
import { catalog as mobile } from '@zoo/mobile';
import { launchChromium } from '@zoo/test-support/browser';
import { catalog as transformers } from '@zoo/transformers';
import { BACKEND_CASES, type BackendCase, CHECKED_BACKENDS, type CheckedBackend, ciBackends, TOLERANCES } from '../src/cases.js';
import { type HarnessRun, runBackendChecks } from '../src/harness.js';

/**
 * Every family's representative gives the cpu backend's output on webgl (float32 textures, and
 * 16-bit ones as TF.js falls back to them) and on webgpu, in headless Chromium with SwiftShader;
 * so do the fused plan and each custom layer on its own, given the cpu's input to it. Within
 * the backend's tolerance (src/cases.ts says why each is what it is), and never an error.
 *
 * A value beyond float16's range on 16-bit webgl gives no bound to hold: there the output must be
 * refused by `classifyBatch` with a `ZooNonFiniteError` and the first layer that overflowed found.
 *
 * CI runs the eight `CI_CASES` (together every custom layer class) on all three: SwiftShader
 * compiles each shader on the CPU, up to two minutes a model on webgpu. `pnpm --filter
 * @zoo/backends measure` runs all 21 on every backend and writes what the docs show, which the
 * last tests hold to the same bounds.
 */
const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : String(v));
let run: HarnessRun;

beforeAll(async () => {
  run = await runBackendChecks({
    cases: BACKEND_CASES,
    backendsOf: ciBackends,
    launch: (args) => launchChromium(args),
    onCase: (r) =>
      console.log(
        `${r.model}: ${r.results
          .map(
            (b) =>
              `${b.backend} model ${fmt(b.model)} fused ${fmt(b.fused)} layers ${fmt(Math.max(0, ...b.layers.map((l) => l.relative)))}`,
          )
          .join(', ')}`,
      ),
  });
}, 1_800_000);

describe('the cases', () => {
  it('hold one model of every family of the catalogs', async () => {
    const families = [...new Set([...classic, ...mobile, ...transformers].map((e) => e.family))].sort();
    expect(BACKEND_CASES.map((c) => c.family).sort()).toEqual(families);
    for (const c of BACKEND_CASES) expect((await getModel(c.model)).family).toBe(c.family);
  });

  it('run in CI hold every custom layer class of the zoo', () => {
    const all = CUSTOM_LAYERS.map((c) => c.className).sort();
    expect([...run.customLayers].sort()).toEqual(all);
    const classes = (pick: (c: BackendCase) => boolean) =>
      [...new Set(run.results.filter((r) => pick(BACKEND_CASES.find((c) => c.model === r.model)!)).flatMap((r) => r.classes))].sort();
    expect(classes((c) => ciBackends(c).length === CHECKED_BACKENDS.length)).toEqual(all);
  });

  it('ran on the backends they name: webgl 2 with float32 textures, webgl in 16-bit floats, and a webgpu adapter', () => {
    expect(run.errors).toEqual([]);
    expect(run.pages.default).toMatchObject({ webglVersion: 2, webglFloat32: true, webgpu: true });
    expect(run.pages['?f16']).toMatchObject({ webglVersion: 2, webglFloat32: false });
    for (const r of run.results) {
      expect(r.results.map((b) => b.backend).sort()).toEqual([...ciBackends(BACKEND_CASES.find((c) => c.model === r.model)!)].sort());
    }
  });
});

describe.each(CHECKED_BACKENDS)('on %s', (backend: CheckedBackend) => {
  const tol = TOLERANCES[backend];
  const cases = BACKEND_CASES.filter((c) => ciBackends(c).includes(backend)).map((c) => [c.model, c] as const);
  it.each(cases)("%s, its fused plan and each of its custom layers give the cpu's output", (model) => {
    const r = run.results.find((x) => x.model === model)!.results.find((b) => b.backend === backend)!;
    expect(r.errors).toEqual([]);
    if (backend === 'webgl-f16' && !Number.isFinite(r.model)) {
      // Overflowed float16's range: found at a layer, and refused, never ranked.
      expect(r.firstNonFinite).toEqual({ layer: expect.any(String), className: expect.any(String), max: expect.any(Number) });
      expect(r.refused).toEqual({ error: 'ZooNonFiniteError', backend: 'webgl', float16: true });
      return;
    }
    expect(r.model).toBeLessThanOrEqual(tol.model);
    expect(r.fused).toBeLessThanOrEqual(tol.model);
    if (tol.top1) expect(r.top1Agrees).toBe(true);
    expect(r.layers.length).toBeGreaterThan(0);
    expect(Math.max(...r.layers.map((l) => l.relative))).toBeLessThanOrEqual(tol.layer);
  });
});

describe('what the docs show (apps/docs/measured/backends.json, written by `measure`)', () => {
  const file = new URL('../../../apps/docs/measured/backends.json', import.meta.url);
  const measured = JSON.parse(readFileSync(file, 'utf8')) as {
    tolerances: typeof TOLERANCES;
    cases: {
      model: string;
      backends: Record<string, { finite: boolean; model: number; fused: number; layer: number; errors: string[]; refused?: unknown }>;
    }[];
  };

  it('is for these cases, every backend and these tolerances', () => {
    expect(measured.tolerances).toEqual(TOLERANCES);
    expect(measured.cases.map((c) => c.model)).toEqual(BACKEND_CASES.map((c) => c.model));
    for (const c of measured.cases) expect(Object.keys(c.backends).sort()).toEqual([...CHECKED_BACKENDS].sort());
  });

  it('records no failure, and errors within those tolerances', () => {
    for (const c of measured.cases) {
      for (const [backend, m] of Object.entries(c.backends)) {
        const tol = TOLERANCES[backend as CheckedBackend];
        expect({ model: c.model, backend, errors: m.errors }).toEqual({ model: c.model, backend, errors: [] });
        if (!m.finite) {
          expect({ model: c.model, backend, refused: m.refused }).toEqual({
            model: c.model,
            backend: 'webgl-f16',
            refused: { error: 'ZooNonFiniteError', backend: 'webgl', float16: true },
          });
          continue;
        }
        expect(Math.max(m.model, m.fused)).toBeLessThanOrEqual(tol.model);
        expect(m.layer).toBeLessThanOrEqual(tol.layer);
      }
    }
  });
});
