import type { ExtraOption } from '@zoo/core-blocks/family';

/** The `widthMultiplier` option of the MobileNets, defaulting to the named variant's multiplier. */
export function widthMultiplierOption(defaultValue: number): ExtraOption<number> {
  return {
    default: defaultValue,
    check: (v) =>
      typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 4
        ? null
        : 'a number in (0, 4], the factor applied to every layer width before rounding to a multiple of 8',
    doc: `Scales every layer's channels, each rounded to a multiple of 8 (${defaultValue} for this variant).`,
  };
}
