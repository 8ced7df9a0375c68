import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import { fileURLToPath } from 'node:url';
import { discoverFamilies } from '../src/node/index.js';

// A project that installed a third-party family package whose catalog module has no `innovations`.
const project = fileURLToPath(new URL('./fixtures', import.meta.url));

describe('discoverFamilies', () => {
  it('finds an installed family and gives it no innovations when its catalog exports none', async () => {
    const families = await discoverFamilies(project);
    const tiny = families.find((f) => f.name === '@example/tiny-family');
    expect(tiny?.catalog.map((e) => e.name)).toEqual(['tinynet']);
    expect(tiny?.innovations).toEqual([]);
  });
});
