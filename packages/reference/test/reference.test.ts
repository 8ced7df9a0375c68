import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import JSON5 from 'json5';
import { getReference, referenceDataSha256, referenceModels, requiredModels } from '../src/index.js';

const json = readFileSync(new URL('../data/models.json', import.meta.url));

describe('reference data', () => {
  it('is the copied models.json, byte for byte as its provenance records', () => {
    expect(createHash('sha256').update(json).digest('hex')).toBe(referenceDataSha256);
    const parsed = JSON5.parse(json.toString('utf8'), (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v));
    expect(referenceModels).toEqual(parsed.models);
  });

  it('reads the NaN accuracies of the shared file as null (not reported)', () => {
    const features = getReference('vgg16')?.published.find((p) => p.tag === 'IMAGENET1K_FEATURES');
    expect(features?.top1).toBeNull();
  });

  it('looks models up by name and lists the required ones by package', () => {
    expect(getReference('resnet50')?.family).toBe('ResNet');
    expect(getReference('toString')).toBeUndefined();
    expect(requiredModels('cnn-classic')).toContain('resnet50');
    expect(requiredModels('cnn-classic')).not.toContain('mobilenet_v2');
    for (const name of requiredModels()) {
      const m = referenceModels[name];
      expect(Number.isInteger(m.params) && Number.isInteger(m.macs.convLinear) && m.macs.total >= m.macs.convLinear).toBe(true);
    }
  });
});
