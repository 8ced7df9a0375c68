import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ModelEntry, QUANTIZE_DTYPES, quantizingHandler, toSafetensors, withZeroInit } from '@zoo/core-blocks/family';
import { fileLoadHandler, fileSaveHandler } from '@zoo/profiler/node';
import { disposeModel, maxRelativeError, type QuantizationFigures, seededImage, seedWeights } from './quantization.js';

/** The figures apps/docs/scripts/measure-quantization.mjs measured and the docs' model cards show. */
export const MEASURED_QUANTIZATION = fileURLToPath(new URL('../../../apps/docs/measured/quantization.json', import.meta.url));

function measured(name: string): QuantizationFigures {
  const all = JSON.parse(readFileSync(MEASURED_QUANTIZATION, 'utf8')) as { seed: number; models: Record<string, QuantizationFigures> };
  const figures = all.models[name];
  if (!figures)
    throw new Error(`${MEASURED_QUANTIZATION} has no figures for ${name}: run \`pnpm --filter @zoo/docs measure:quantization ${name}\`.`);
  return figures;
}

/**
 * Each format round-trips as a user does it: the model with the measurement's seeded weights is
 * saved as a checkpoint, converted as `zoo convert --quantize` converts it (`entry.load({ from })`,
 * then `model.save` through `quantizingHandler` into model.json and shards on disk), loaded back
 * by the zoo's loader (`entry.load({ from: dir })`) and by `tf.loadLayersModel`, and run on the
 * measurement's image: the logits' error against float32 is within the one the script measured
 * for that model and format (5 % over it at most: the script ran on its own thread count), it is
 * not zero (the file really is quantized), both loaders agree exactly, and the file is the
 * measured size. On the active backend; call with the wasm backend set, as the script measures.
 */
export function itRoundTripsQuantizedFiles(entries: readonly ModelEntry[], seed = 0): void {
  describe.each(entries.map((e) => [e.name, e] as const))('%s: quantized weight files', (_name, entry) => {
    const dir = mkdtempSync(join(tmpdir(), `zoo-quantized-${entry.name}-`));
    let reference: Float32Array | undefined;
    let checkpoint: string;
    const x = () => seededImage(entry.defaultInputSize, seed);
    const logits = (m: tfl.LayersModel) => {
      const input = x();
      const y = m.predict(input) as tf.Tensor;
      const v = y.dataSync().slice() as Float32Array;
      tf.dispose([input, y]);
      return v;
    };
    const prepare = () => {
      if (reference) return reference;
      const model = withZeroInit(() => entry.create());
      seedWeights(model, seed);
      reference = logits(model);
      checkpoint = join(dir, 'model.safetensors');
      writeFileSync(checkpoint, toSafetensors(model));
      disposeModel(model);
      return reference;
    };
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(QUANTIZE_DTYPES)(
      '%s: convert, load (the zoo and TF.js), predict: within the measured error, and the measured size',
      async (dtype) => {
        const ref = prepare();
        const figures = measured(entry.name).formats[dtype];
        const before = tf.memory().numTensors;
        const out = join(dir, dtype);
        const loaded = await entry.load({ from: checkpoint });
        await loaded.save(quantizingHandler(fileSaveHandler(out), dtype));
        disposeModel(loaded);
        const viaZoo = await entry.load({ from: out });
        const viaTfjs = await tfl.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
        const got = logits(viaZoo);
        expect(logits(viaTfjs)).toEqual(got);
        const error = maxRelativeError(ref, got);
        console.log(
          `${entry.name} ${dtype}: max relative logit error ${error.toExponential(3)}, measured ${figures.maxRelativeLogitError}`,
        );
        expect(error).toBeGreaterThan(0);
        expect(error).toBeLessThanOrEqual(figures.maxRelativeLogitError * 1.05);
        const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as tf.io.ModelJSON;
        const specs = json.weightsManifest[0]!.weights;
        expect(specs.filter((s) => s.quantization?.dtype === dtype)).toHaveLength(figures.quantized);
        const weightBytes = json.weightsManifest.flatMap((g) => g.paths).reduce((a, p) => a + readFileSync(join(out, p)).length, 0);
        // The measured size is a file save's without zoo convert's record of the model and set (a few hundred bytes).
        expect(Math.abs(weightBytes + readFileSync(join(out, 'model.json')).length - figures.bytesOnDisk)).toBeLessThan(2048);
        disposeModel(viaZoo);
        disposeModel(viaTfjs);
        expect(tf.memory().numTensors).toBe(before);
      },
      600_000,
    );
  });
}
