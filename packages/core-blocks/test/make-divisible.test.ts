import { describe, expect, it } from '@jest/globals';
import { makeDivisible } from '../src/family.js';

describe('makeDivisible', () => {
  it.each([
    // [value, divisor, expected] worked out from torchvision's rule by hand
    [32, 8, 32],
    [35.2, 8, 32], // 32 * 1.1: int(39.2) // 8 * 8 = 32, not below 0.9 * 35.2
    [38.4, 8, 40], // 32 * 1.2
    [17.6, 8, 16], // 16 * 1.1
    [3, 8, 8], // floor at the divisor
    [90, 8, 88],
    [11, 8, 16], // int(15) // 8 * 8 = 8 < 9.9: one step up
  ])('rounds %p to a multiple of %p: %p', (value, divisor, expected) => {
    expect(makeDivisible(value, divisor)).toBe(expected);
  });

  it('honours a minimum value', () => {
    expect(makeDivisible(4, 8, 16)).toBe(16);
  });
});
