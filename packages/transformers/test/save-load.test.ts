import { describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { saveLoadRoundTrip } from '@zoo/parity';
import { getReference } from '@zoo/reference';
import { catalog } from '../src/catalog.js';

jest.setTimeout(600_000);

/**
 * Models up to this many parameters. ViT-L (304 M) and ViT-H (632 M) take minutes each on the
 * cpu backend of a loaded 2-core machine (filling, saving and loading gigabytes of weights):
 * they wait for a cheaper faithful round trip.
 */
const MAX_PARAMS = 200e6;

/** Every model saves (`model.json` + weights), loads back with its custom layers and predicts bit for bit. */
describe('save and load', () => {
  const covered = catalog.filter((e) => (getReference(e.name)?.params ?? Number.POSITIVE_INFINITY) <= MAX_PARAMS);

  it('covers the base and Swin models', () => {
    expect(covered.length).toBeGreaterThanOrEqual(5);
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
