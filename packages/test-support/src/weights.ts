import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelEntry, preprocess, type WeightSet, weightDataConfig } from '@zoo/core-blocks/family';
import { checkWeightSetParity, ensureTimm, PYTHON, pythonEnv, WEIGHTS_SCRIPT, type WeightParityOptions } from '@zoo/parity';

/** One set per distinct preprocessing: what the family's sets ask of an image. */
function distinctPreprocessing(catalog: readonly ModelEntry[]): { entry: ModelEntry; set: WeightSet }[] {
  const seen = new Map<string, { entry: ModelEntry; set: WeightSet }>();
  for (const entry of catalog) {
    for (const set of entry.weights) {
      if (set.unsupported || set.publisher === 'authors') continue;
      const key = JSON.stringify([set.publisher, set.preprocessing]);
      if (!seen.has(key)) seen.set(key, { entry, set });
    }
  }
  return [...seen.values()];
}

/** A deterministic 8-bit RGB image with edges and texture, larger than the crop in both sides. */
function testImage(seed: number, height: number, width: number): Uint8Array {
  const out = new Uint8Array(height * width * 3);
  let s = seed * 2654435761;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s ^ (s >>> 13), 1274126177) + 12345) >>> 0;
    const p = Math.floor(i / 3);
    const [y, x, c] = [Math.floor(p / width), p % width, i % 3];
    const base = 127 + 100 * Math.sin((x * (c + 1)) / 17 + y / 11) * Math.cos(y / (5 + c));
    out[i] = Math.max(0, Math.min(255, Math.round(base + ((x ^ y) & 8 ? 30 : 0) + ((s & 63) - 32))));
  }
  return out;
}

/**
 * Each distinct preprocessing of the family's weight sets against its source's own transform on
 * the same PIL image: torchvision's `weights.transforms()` or timm's `resolve_data_config` +
 * `create_transform`, run by Debian's Python. Exact: `preprocess` computes PIL's fixed-point
 * resize for 8-bit images and torchvision's float32 normalisation, so only float32 rounding of
 * the same operations could separate them (1e-6 after normalisation).
 */
export function itPreprocessesLikeTheWeightSources(catalog: readonly ModelEntry[]): void {
  const picks = distinctPreprocessing(catalog);
  describe(`preprocessing of ${picks.length} distinct weight-set configurations`, () => {
    it('equals torchvision and timm transforms on the same images', async () => {
      await tf.ready();
      if (picks.some((p) => p.set.publisher === 'timm')) await ensureTimm();
      const dir = mkdtempSync(join(tmpdir(), 'zoo-weight-preprocess-'));
      try {
        const cases = picks.map(({ entry, set }, i) => {
          const crop = set.preprocessing.inputSize;
          // Landscape and portrait alternate, so both sides are resized in turn.
          const [h, w] = i % 2 ? [Math.round(crop * 1.37), Math.round(crop * 1.12)] : [Math.round(crop * 1.09), Math.round(crop * 1.41)];
          return { id: `case${i}`, image: { height: h, width: w, data: Array.from(testImage(i + 1, h, w)) }, set, entry };
        });
        writeFileSync(
          join(dir, 'cases.json'),
          JSON.stringify(
            cases.map((c) => ({
              id: c.id,
              image: c.image,
              publisher: c.set.publisher,
              builder: c.entry.name,
              set: c.set.name,
              tag: c.set.name.replace(/^timm\//, ''),
            })),
          ),
        );
        execFileSync(PYTHON, [WEIGHTS_SCRIPT, 'preprocess', join(dir, 'cases.json'), join(dir, 'out')], {
          env: pythonEnv(true),
          stdio: 'pipe',
          maxBuffer: 64 * 1024 * 1024,
        });
        const failures: string[] = [];
        for (const c of cases) {
          const meta = JSON.parse(readFileSync(join(dir, 'out', `${c.id}.json`), 'utf8')) as { shape: number[]; transform: string };
          const raw = readFileSync(join(dir, 'out', `${c.id}.f32`));
          const want = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
          const x = preprocess(
            { data: Uint8Array.from(c.image.data), width: c.image.width, height: c.image.height, channels: 3 },
            weightDataConfig(c.set.preprocessing),
          );
          const got = x.dataSync();
          const shape = x.shape;
          x.dispose();
          let max = 0;
          let off = 0;
          for (let i = 0; i < want.length; i++) {
            const d = Math.abs(got[i] - want[i]);
            max = Math.max(max, d);
            if (d > 1e-6) off++;
          }
          const ok = shape.join() === meta.shape.join() && max <= 1e-6;
          if (!ok) {
            failures.push(
              `${c.entry.name} ${c.set.name}: shape [${shape}] vs [${meta.shape}], max diff ${max.toExponential(3)}, ` +
                `${off} of ${want.length} values off; the source's transform: ${meta.transform}`,
            );
          }
        }
        expect(failures).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 600_000);
  });
}

/** The model's default data configuration is its default weight set's, when it has one. */
export function itTakesTheDefaultSetsPreprocessing(catalog: readonly ModelEntry[]): void {
  const loadable = catalog.filter((e) => e.weights.some((s) => !s.unsupported));
  it.each(loadable.map((e) => [e.name, e] as const))("%s: dataConfig is its default set's", (_n, entry) => {
    const def = entry.weights.find((s) => s.isDefault) ?? entry.weights.find((s) => !s.unsupported)!;
    // The default set comes first in the list, as `zoo weights` and the model card show it.
    expect(entry.weights.findIndex((s) => s.isDefault)).toBeLessThanOrEqual(0);
    expect(entry.dataConfig).toEqual(weightDataConfig(def.preprocessing));
  });
}

/**
 * `entry.load({ weights })` against the reference, for each listed set: see `checkWeightSetParity`.
 * Each case is `[model entry, options]`; `options.sizes` compares at other input sides too, and
 * `options.convention` is the key convention the loader must say it recognised.
 */
export function itLoadsWeightSetsLikeTheReference(
  cases: readonly (readonly [ModelEntry, WeightParityOptions & { convention?: string }])[],
): void {
  it.each(cases.map(([e, o]) => [e.name, o.weights, o.dtype ?? 'float32', (o.sizes ?? []).join(', ') || 'its size', e, o] as const))(
    '%s with %s (%s) at %s: loaded by name from a local server, equals the reference',
    async (_n, _w, _d, _s, entry, options) => {
      const r = await checkWeightSetParity(entry, options);
      // A half-precision file holds float16 tensors and no float32 one (integer buffers aside).
      if (options.dtype === 'float16') expect(r.fileDtypes.filter((d) => d.startsWith('F'))).toEqual(['F16']);
      const set = entry.weights.find((s) => s.name === options.weights || s.name === `timm/${options.weights}`)!;
      const sizes = options.sizes?.length ? options.sizes : [set.preprocessing.inputSize];
      for (const b of r.bySize) expect(b.relative).toBeLessThanOrEqual(options.tolerance ?? 1e-4);
      expect(r.bySize.map((b) => b.size)).toEqual(sizes);
      if (options.convention !== undefined) expect(r.convention).toBe(options.convention);
      // The figures the report quotes, from the run itself.
      console.log(
        `${entry.name} ${set.name}: ${r.convention} keys; ${r.bySize.map((b) => `${b.size}px rel ${b.relative.toExponential(2)}`).join(', ')}`,
      );
    },
    600_000,
  );
}
