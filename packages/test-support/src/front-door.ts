import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { classifierOf, exportStateDict, getModel, type ModelEntry, withZeroInit, ZooModel } from '@zoo/core-blocks/family';

/**
 * The front door for one model of each family (import the family's `register` entry first):
 * `getModel` finds the entry by name; the handle's `embed` gives the pre-logits features, the
 * classifier's input (averaged over space), equal before and after `resetClassifier`; and
 * `resetClassifier(7)` gives seven classes and keeps every other weight as it was. `size` gives
 * each entry's input side (small sides keep it fast).
 */
export function itHasAFrontDoor(entries: readonly ModelEntry[], options: { size?: (e: ModelEntry) => number } = {}): void {
  describe('the front door: embed and resetClassifier', () => {
    it.each(entries.map((e) => [e.name, e] as const))(
      '%s',
      async (name, entry) => {
        expect(await getModel(name)).toBe(entry);
        const size = options.size?.(entry) ?? entry.defaultInputSize;
        const model = withZeroInit(() => entry.create({ inputShape: [size, size, 3] }));
        randomWeights(model);
        const m = ZooModel.wrap(entry, model, { inputShape: [size, size, 3] });
        try {
          const head = classifierOf(m.model);
          expect(head).not.toBeNull();
          const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
          const before = m.embed(x, { preprocess: false });
          // The classifier reads what embed returns: as many features as its input has channels.
          expect(before.shape).toEqual([2, head!.input.shape.at(-1)]);
          const weights = exportStateDict(m.model);
          const headPrefix = `${head!.layer.name}.`;
          m.resetClassifier(7);
          expect(m.model.outputs[0].shape).toEqual([null, 7]);
          const after = exportStateDict(m.model);
          for (const [key, t] of after) {
            if (key.startsWith(headPrefix)) continue;
            // Compared as bytes (a JS loop per element is slow under jest's vm).
            const was = weights.get(key)!.data;
            const same = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(
              Buffer.from(was.buffer, was.byteOffset, was.byteLength),
            );
            expect([key, same]).toEqual([key, true]);
          }
          const again = m.embed(x, { preprocess: false });
          const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(before, again))).dataSync()[0]);
          expect(diff).toBe(0);
          const logits = m.model.predict(x) as tf.Tensor;
          expect(logits.shape).toEqual([2, 7]);
          tf.dispose([x, before, again, logits]);
        } finally {
          m.dispose();
        }
      },
      300_000,
    );
  });
}

/** Every weight drawn by TF.js's own kernels (a JS loop over 68M weights is slow under jest's vm), variances positive. */
function randomWeights(model: { weights: { shape: (number | null)[]; originalName: string; write(t: tf.Tensor): void }[] }): void {
  model.weights.forEach((w, i) => {
    const shape = w.shape as number[];
    const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
    const positive = /variance|gamma|scale/i.test(w.originalName.split('/').pop() ?? '');
    const t = positive
      ? tf.randomUniform(shape, 0.5, 1.5, 'float32', 100 + i)
      : tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', 100 + i);
    w.write(t);
    t.dispose();
  });
}
