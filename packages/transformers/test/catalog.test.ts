import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import { compareEntry } from '@zoo/profiler';
import { getReference } from '@zoo/reference';
import { catalog } from '../src/index.js';
import { PACKAGE } from '../src/package-name.js';

describe('transformers catalog', () => {
  it('lists only models of this package that the reference data knows', () => {
    for (const e of catalog) {
      expect(e.package).toBe(PACKAGE);
      expect(`@zoo/${getReference(e.name)?.package}`).toBe(PACKAGE);
    }
  });

  it('has models that equal their reference figures', () => {
    for (const entry of catalog) {
      const row = compareEntry(entry);
      expect({ name: entry.name, uncounted: row.uncounted, diff: row.diff, outputShape: row.outputShape }).toEqual({
        name: entry.name,
        uncounted: [],
        diff: { params: 0, convLinear: 0, total: 0 },
        outputShape: getReference(entry.name)?.outputShape,
      });
    }
  });
});
