import type { ExtraOption } from '@zoo/core-blocks';

/**
 * The channel rounding of MobileNet (torchvision's `_make_divisible`, timm's `make_divisible`):
 * the nearest multiple of `divisor`, at least `divisor`, and never more than 10% below `v`.
 */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let rounded = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/** The `widthMultiplier` option, defaulting to the named variant's multiplier. */
export function widthMultiplierOption(defaultValue: number): ExtraOption<number> {
  return {
    default: defaultValue,
    check: (v) =>
      typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 4
        ? null
        : 'a number in (0, 4], the factor applied to every layer width before rounding to a multiple of 8',
    doc: `Scales every layer's channels (rounded to a multiple of 8); ${defaultValue} for this variant.`,
  };
}
