import { describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { saveLoadRoundTrip } from '@zoo/parity';
import { catalog } from '../src/catalog.js';

// The largest models run on the cpu backend, which a loaded 2-core machine makes slow.
jest.setTimeout(600_000);

/** Every model saves (`model.json` + weights), loads back with its custom layers and predicts bit for bit. */
describe('save and load', () => {
  it.each(catalog.map((e) => [e.name, e] as const))('%s', async (_name, entry) => {
    const r = await saveLoadRoundTrip(entry);
    console.log(`${r.name}: ${r.params} params at ${r.inputSize}px on ${r.backend}, ${r.seconds.toFixed(2)} s`);
    expect(r.informative).toBe(true);
    expect(r.configDiffs).toEqual([]);
    expect(r.topologyEqual).toBe(true);
    expect(r.firstDifference).toBeNull();
    expect(r.identical).toBe(true);
  });
});
