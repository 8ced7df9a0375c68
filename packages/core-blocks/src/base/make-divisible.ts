/**
 * The channel rounding rule of MobileNet and EfficientNet (torchvision's `_make_divisible`): the
 * nearest multiple of `divisor`, at least `minValue` (default `divisor`), bumped up one step when
 * rounding down would lose more than 10% of `value`.
 */
export function makeDivisible(value: number, divisor = 8, minValue = divisor): number {
  let rounded = Math.max(minValue, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}
