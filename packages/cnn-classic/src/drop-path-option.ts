import type { ExtraOption } from '@zoo/core-blocks';

/** The `dropPathRate` option: stochastic depth of the last block, active in training only. */
export function dropPathRateOption(defaultRate: number): ExtraOption<number> {
  return {
    default: defaultRate,
    check: (v) => (typeof v === 'number' && v >= 0 && v < 1 ? null : 'a number in [0, 1)'),
    doc: `Stochastic depth: the drop probability of the last residual block, growing linearly from 0 over the blocks (training only; default ${defaultRate}, torchvision's).`,
  };
}
