import type * as tfl from '@tensorflow/tfjs-layers';
import { apply, Conv2d, columnsFigure, convNormAct, type Innovation } from '@zoo/core-blocks';

/**
 * The ideas of this package's families, for the docs site. Every number on those pages comes
 * from profiling the `build` functions below, which use the same layers as the models.
 */

const conv = (x: tfl.SymbolicTensor, name: string, filters: number, kernelSize: number, groups = 1) =>
  apply(new Conv2d({ name, filters, kernelSize, padding: (kernelSize - 1) / 2, groups, useBias: false }), x);

const depthwiseSeparable: Innovation = {
  id: 'depthwise-separable-convolution',
  title: 'Depthwise separable convolution',
  summary: 'Factor a convolution into a per-channel spatial filter and a 1×1 channel mix: a fraction of the cost.',
  families: ['MobileNetV1', 'MobileNetV2', 'MobileNetV3', 'EfficientNet'],
  body: [
    "A standard 3×3 convolution does two jobs at once: it filters each position's neighbourhood, and it mixes",
    'channels. Every output channel looks at every input channel through its own 3×3 kernel, so the cost is',
    '*k*² × *C*in × *C*out per output position.',
    '',
    'MobileNetV1 separates the two jobs. A **depthwise** 3×3 convolution filters each channel on its own',
    '(a group convolution with as many groups as channels: *k*² × *C* per position), then a **pointwise** 1×1',
    'convolution mixes the channels (*C*in × *C*out). The pair costs about 1/*C*out + 1/*k*² of the standard',
    'convolution, roughly eight to nine times less for 3×3 kernels, for a small loss of accuracy.',
    'MobileNetV2 and V3, EfficientNet and most light backbones are built from this pair.',
    '',
    'In the zoo both halves are the same layer, `Conv2d` from `@zoo/core-blocks`: `groups: channels` makes it',
    'depthwise (it runs as one `depthwiseConv2d`), `kernelSize: 1` makes it pointwise.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Standard convolution', boxes: ['3×3 conv, 64→64', 'BN, ReLU'] },
      { title: 'Depthwise separable', boxes: ['3×3 depthwise, 64 groups', 'BN, ReLU', '1×1 pointwise, 64→64', 'BN, ReLU'] },
    ],
    'A standard 3×3 convolution and its depthwise separable replacement.',
  ),
  comparisons: [
    {
      title: 'A 3×3 convolution at 112×112×64 against its depthwise separable replacement',
      input: [112, 112, 64],
      variants: [
        { label: 'standard 3×3 convolution, 64→64', build: (x) => conv(x, 'conv', 64, 3) },
        { label: 'depthwise 3×3 (groups = 64) + pointwise 1×1, 64→64', build: (x) => conv(conv(x, 'dw', 64, 3, 64), 'pw', 64, 1) },
      ],
      note: 'Convolutions only: this is the pair that replaces one standard convolution.',
    },
    {
      title: "With BatchNorm and ReLU, 112×112×64 to 128 channels (MobileNetV1's second block)",
      input: [112, 112, 64],
      variants: [
        {
          label: 'standard 3×3 conv-BN-ReLU, 64→128',
          build: (x) =>
            convNormAct(x, { conv: 'conv', norm: 'bn', act: { kind: 'relu', name: 'relu' }, filters: 128, kernelSize: 3, padding: 1 }),
        },
        {
          label: 'depthwise conv-BN-ReLU, pointwise conv-BN-ReLU',
          build: (x) => {
            const y = convNormAct(x, {
              conv: 'dw',
              norm: 'dw.bn',
              act: { kind: 'relu', name: 'dw.relu' },
              filters: 64,
              kernelSize: 3,
              padding: 1,
              groups: 64,
            });
            return convNormAct(y, { conv: 'pw', norm: 'pw.bn', act: { kind: 'relu', name: 'pw.relu' }, filters: 128, kernelSize: 1 });
          },
        },
      ],
      note: 'BatchNorm adds parameters (scale and shift) but no MACs under either convention.',
    },
  ],
};

export const innovations: readonly Innovation[] = [depthwiseSeparable];
