import { describe, expect, it } from '@jest/globals';
import { dropPathRateOption, linearDropPathRates } from '../src/family.js';

describe('stochastic depth schedule and option', () => {
  it('spreads the rate as linspace(0, rate, blocks): 0 for the first block, the rate for the last', () => {
    const rates = linearDropPathRates(0.3, 4);
    [0, 0.1, 0.2, 0.3].forEach((want, i) => {
      expect(rates[i]).toBeCloseTo(want, 12);
    });
    expect(linearDropPathRates(0.5, 1)).toEqual([0]);
    expect(linearDropPathRates(0.5, 0)).toEqual([]);
  });

  it('accepts a probability in [0, 1) and says what it expects otherwise', () => {
    const option = dropPathRateOption(0.1, "torchvision's stochastic_depth_prob");
    expect(option.default).toBe(0.1);
    expect(option.doc).toMatch(/torchvision's stochastic_depth_prob/);
    for (const ok of [0, 0.5, 0.999]) expect(option.check(ok)).toBeNull();
    for (const bad of [-0.1, 1, 1.5, Number.NaN, '0.1', null]) expect(option.check(bad as never)).toBe('a number in [0, 1)');
  });
});
