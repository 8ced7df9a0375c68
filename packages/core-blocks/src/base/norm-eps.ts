import type { ExtraOption } from './options.js';

/**
 * A family's `normEps` creation option: the epsilon of every BatchNorm. Implementations of one
 * architecture differ in it (torchvision trains MobileNetV3 and EfficientNet-B5..B7 with 1e-3,
 * timm with PyTorch's 1e-5), so a checkpoint's weight set says which its model needs.
 */
export function normEpsOption(defaultEps: number, source: string): ExtraOption<number> {
  return {
    default: defaultEps,
    check: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1 ? null : 'a number in (0, 1)'),
    doc: `The epsilon of every BatchNorm (default ${defaultEps}, ${source}; timm's checkpoints of the architecture need 1e-5, which their weight sets set).`,
  };
}
