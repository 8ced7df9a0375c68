import { expect, it } from '@jest/globals';
import type { ModelEntry } from '@zoo/core-blocks/family';
import { saveLoadRoundTrip } from '@zoo/parity';

/**
 * One test per catalog entry: the model, filled with non-trivial weights, saves (`model.json`
 * topology + weight data through an IOHandler), loads back with its custom layers and predicts
 * bit for bit, every layer's config unchanged. The caller imports the cpu and wasm backends.
 */
export function itSavesAndLoadsEveryModel(catalog: readonly ModelEntry[]): void {
  it.each(catalog.map((e) => [e.name, e] as const))(
    '%s saves, loads back and predicts bit for bit',
    async (_name, entry) => {
      const r = await saveLoadRoundTrip(entry);
      console.log(`${r.name}: ${r.params} params at ${r.inputSize}px on ${r.backend}, ${r.seconds.toFixed(2)} s`);
      expect(r.informative).toBe(true);
      expect(r.configDiffs).toEqual([]);
      expect(r.topologyEqual).toBe(true);
      expect(r.firstDifference).toBeNull();
      expect(r.identical).toBe(true);
    },
    600_000,
  );
}
