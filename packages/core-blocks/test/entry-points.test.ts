import { describe, expect, it } from '@jest/globals';
import * as family from '../src/family.js';
import * as user from '../src/index.js';

// Two entry points: `@zoo/core-blocks` for apps, `@zoo/core-blocks/family` for family authors.
describe('entry points', () => {
  it('the user entry is a part of the family entry, and holds no building blocks', () => {
    const userNames = Object.keys(user);
    const familyNames = new Set(Object.keys(family));
    expect(userNames.filter((n) => !familyNames.has(n))).toEqual([]);
    for (const n of userNames) expect([n, (user as Record<string, unknown>)[n]]).toEqual([n, (family as Record<string, unknown>)[n]]);
    for (const author of [
      'defineModel',
      'Conv2d',
      'apply',
      'convNormAct',
      'registerFamily',
      'registerCompiler',
      'registerStateDictRule',
      'tokenMap',
    ]) {
      expect(userNames).not.toContain(author);
      expect(familyNames.has(author)).toBe(true);
    }
  });

  it('gives an app what it uses: the front door, inference, weights and their errors', () => {
    for (const name of [
      'createModel',
      'getModel',
      'listModels',
      'ZooModel',
      'classify',
      'embed',
      'preprocess',
      'weightsOf',
      'loadCheckpoint',
      'featureInfoOf',
      'ZooUnknownModelError',
      'ZooWeightsIntegrityError',
    ]) {
      expect(Object.keys(user)).toContain(name);
    }
  });
});
