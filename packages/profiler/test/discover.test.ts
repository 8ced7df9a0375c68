import { afterAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import { discoverFamilies } from '../src/node/index.js';
import { installedProject } from './installed-project.js';

// A project that installed a third-party family package that declares no `zoo.innovations` subpath.
const project = installedProject();
afterAll(() => project.remove());

describe('discoverFamilies', () => {
  it('finds an installed family and gives it no innovations when it declares none', async () => {
    const families = await discoverFamilies(project.dir);
    const tiny = families.find((f) => f.name === '@example/tiny-family');
    expect(tiny?.catalog.map((e) => e.name)).toEqual(['tinynet']);
    expect(tiny?.innovations).toEqual([]);
  });
});
