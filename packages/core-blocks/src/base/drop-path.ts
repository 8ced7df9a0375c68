import type { ExtraOption } from './options.js';

/**
 * The `dropPathRate` creation option of a family with stochastic depth: the drop probability of
 * the last block, in [0, 1), active in training only. `source` says whose default it is
 * (for example "torchvision's stochastic_depth_prob").
 */
export function dropPathRateOption(defaultRate: number, source: string): ExtraOption<number> {
  return {
    default: defaultRate,
    check: (v) => (typeof v === 'number' && v >= 0 && v < 1 ? null : 'a number in [0, 1)'),
    doc: `Stochastic depth: the drop probability of the last block, rising linearly from 0 over the blocks (training only; default ${defaultRate}, ${source}).`,
  };
}

/**
 * The rate of each of `blocks` blocks when the last one has `rate` and the first 0, rising
 * linearly, as torchvision, timm and the EdgeViT authors spread it (`linspace(0, rate, blocks)`).
 */
export function linearDropPathRates(rate: number, blocks: number): number[] {
  return Array.from({ length: blocks }, (_, i) => (blocks > 1 ? (rate * i) / (blocks - 1) : 0));
}
