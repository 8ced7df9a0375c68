import { describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { saveLoadRoundTrip } from '@zoo/parity';
import { getReference } from '@zoo/reference';
import { catalog } from '../src/catalog.js';

jest.setTimeout(600_000);

/**
 * Models up to this many parameters: those the wasm backend takes. Larger ones (ConvNeXt-L) run
 * on the cpu backend, whose grouped convolutions take minutes on a loaded 2-core machine.
 */
const MAX_PARAMS = 150e6;

/** Every model saves (`model.json` + weights), loads back with its custom layers and predicts bit for bit. */
describe('save and load', () => {
  const covered = catalog.filter((e) => (getReference(e.name)?.params ?? Number.POSITIVE_INFINITY) <= MAX_PARAMS);

  it('covers all but the largest models', () => {
    expect(covered.length).toBeGreaterThanOrEqual(catalog.length - 2);
  });

  it.each(covered.map((e) => [e.name, e] as const))('%s', async (_name, entry) => {
    const r = await saveLoadRoundTrip(entry);
    console.log(`${r.name}: ${r.params} params at ${r.inputSize}px on ${r.backend}, ${r.seconds.toFixed(2)} s`);
    expect(r.informative).toBe(true);
    expect(r.configDiffs).toEqual([]);
    expect(r.topologyEqual).toBe(true);
    expect(r.firstDifference).toBeNull();
    expect(r.identical).toBe(true);
  });
});
