import * as tfl from '@tensorflow/tfjs-layers';
import { activation, apply, Conv2d, columnsFigure, convNormAct, type Innovation } from '@zoo/core-blocks';

/**
 * The ideas of this package's families, for the docs site. Every number on those pages comes
 * from profiling the `build` functions below, which use the same layers as the models.
 */

const relu = (x: tfl.SymbolicTensor, name: string) => apply(activation('relu', name), x);
const add = (a: tfl.SymbolicTensor, b: tfl.SymbolicTensor, name: string) => apply(tfl.layers.add({ name }), [a, b]);
const cbr = (x: tfl.SymbolicTensor, name: string, filters: number, kernelSize: number, strides = 1, groups = 1, act = true) =>
  convNormAct(x, {
    conv: `${name}.conv`,
    norm: `${name}.bn`,
    act: act ? { kind: 'relu', name: `${name}.relu` } : undefined,
    filters,
    kernelSize,
    strides,
    padding: (kernelSize - 1) / 2,
    groups,
  });

/** ResNet's bottleneck at a given inner width and cardinality (1x1 reduce, 3x3, 1x1 expand, add). */
function bottleneck(x: tfl.SymbolicTensor, width: number, groups: number): tfl.SymbolicTensor {
  const out = x.shape[3] as number;
  let y = cbr(x, 'conv1', width, 1);
  y = cbr(y, 'conv2', width, 3, 1, groups);
  y = cbr(y, 'conv3', out, 1, 1, 1, false);
  return relu(add(y, x, 'add'), 'relu');
}

const residualLearning: Innovation = {
  id: 'residual-learning',
  title: 'Residual learning',
  summary: 'Each block learns a correction F(x) that is added to its input, so very deep networks still train.',
  families: ['ResNet', 'ResNeXt', 'Wide ResNet'],
  body: [
    'A plain stack of layers gets *harder* to train as it gets deeper: past about twenty layers, a deeper plain network',
    'reaches a higher training error than a shallower one, which is not overfitting but an optimisation problem.',
    'ResNet changes what each block is asked to learn. Instead of the whole mapping H(x), a block learns the',
    'residual F(x) = H(x) − x and outputs **x + F(x)**. If a block has nothing useful to add, driving F to zero is easy,',
    'so extra depth can no longer hurt; and the identity path carries gradients straight back to the early layers.',
    '',
    'The shortcut is free: an identity shortcut has no parameters and adds no multiply-accumulates (the addition is an',
    'element-wise operation, which neither MACs convention counts). Only where a stage changes resolution or width does',
    'the shortcut become a strided 1×1 convolution ("projection", `downsample` in torchvision).',
    'Deeper ResNets (50 layers and more) use a *bottleneck* block: a 1×1 convolution reduces the channels four-fold, the',
    '3×3 convolution works on the narrow tensor, and a second 1×1 convolution restores the width.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Plain block', boxes: ['3×3 conv, BN, ReLU', '3×3 conv, BN', 'ReLU'] },
      { title: 'Residual block', boxes: ['3×3 conv, BN, ReLU', '3×3 conv, BN'], skip: 'identity x' },
    ],
    'A plain block and a residual block: the residual block adds its input to the output of its two convolutions.',
  ),
  comparisons: [
    {
      title: 'Two 3×3 convolutions at 56×56×64 (ResNet-18/34 layer1), with and without the shortcut',
      input: [56, 56, 64],
      variants: [
        { label: 'plain: conv-BN-ReLU, conv-BN-ReLU', build: (x) => cbr(cbr(x, 'conv1', 64, 3), 'conv2', 64, 3) },
        {
          label: 'residual: conv-BN-ReLU, conv-BN, + x, ReLU',
          build: (x) => relu(add(cbr(cbr(x, 'conv1', 64, 3), 'conv2', 64, 3, 1, 1, false), x, 'add'), 'relu'),
        },
      ],
      note: 'The identity shortcut costs nothing: parameters and MACs are the same.',
    },
    {
      title: 'Downsampling from 56×56×64 to 28×28×128 (ResNet-18 layer2.0)',
      input: [56, 56, 64],
      variants: [
        { label: 'plain: two 3×3 convolutions, the first strided', build: (x) => cbr(cbr(x, 'conv1', 128, 3, 2), 'conv2', 128, 3) },
        {
          label: 'residual: the same, plus a strided 1×1 projection shortcut',
          build: (x) =>
            relu(
              add(cbr(cbr(x, 'conv1', 128, 3, 2), 'conv2', 128, 3, 1, 1, false), cbr(x, 'downsample', 128, 1, 2, 1, false), 'add'),
              'relu',
            ),
        },
      ],
      note: 'Where the shape changes, the shortcut needs a projection; it costs a few percent of the block.',
    },
    {
      title: 'Basic block against bottleneck block at 56×56×256',
      input: [56, 56, 256],
      variants: [
        {
          label: 'basic: two 3×3 convolutions at 256 channels',
          build: (x) => relu(add(cbr(cbr(x, 'conv1', 256, 3), 'conv2', 256, 3, 1, 1, false), x, 'add'), 'relu'),
        },
        { label: 'bottleneck: 1×1 to 64, 3×3 at 64, 1×1 to 256 (ResNet-50 layer1)', build: (x) => bottleneck(x, 64, 1) },
      ],
      note: 'The bottleneck does the expensive 3×3 work on a quarter of the channels; the ratio column shows what that saves.',
    },
  ],
};

const cardinality: Innovation = {
  id: 'group-convolution-cardinality',
  title: 'Group convolution and cardinality (ResNeXt)',
  summary: 'Split the 3×3 convolution of a bottleneck into many parallel groups: wider blocks for the same cost.',
  families: ['ResNeXt'],
  body: [
    "ResNeXt keeps ResNet's layout and changes one layer. The 3×3 convolution inside each bottleneck becomes a",
    '**group convolution**: its channels are split into *C* groups (the *cardinality*) and each group is convolved',
    'only with itself. A dense convolution from *c* to *c* channels costs *c*² weights per kernel position; with *C*',
    'groups it costs *c*²/*C*. ResNeXt spends the saving on width: `resnext50_32x4d` has 32 groups of 4 channels, so',
    "its 3×3 layer is 128 channels wide where ResNet-50's is 64, at nearly the same parameters and MACs.",
    'The paper shows that raising cardinality improves accuracy more than going deeper or wider at the same cost.',
    '',
    "TensorFlow.js's own `Conv2D` layer ignores `groups`; the zoo's `Conv2d` (from `@zoo/core-blocks`) implements them",
    'as PyTorch does, which is what makes these models exact.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'ResNet-50 bottleneck', boxes: ['1×1 conv, 256→64', '3×3 conv, 64→64', '1×1 conv, 64→256'], skip: 'identity' },
      { title: 'ResNeXt-50 32×4d', boxes: ['1×1 conv, 256→128', '3×3 conv, 32 groups', '1×1 conv, 128→256'], skip: 'identity' },
    ],
    'ResNet and ResNeXt bottlenecks: ResNeXt doubles the inner width and splits the 3×3 convolution into 32 groups.',
  ),
  comparisons: [
    {
      title: 'A 3×3 convolution from 128 to 128 channels at 56×56',
      input: [56, 56, 128],
      variants: [
        {
          label: 'dense (groups = 1)',
          build: (x) => apply(new Conv2d({ name: 'conv', filters: 128, kernelSize: 3, padding: 1, useBias: false }), x),
        },
        {
          label: '32 groups of 4 channels',
          build: (x) => apply(new Conv2d({ name: 'conv', filters: 128, kernelSize: 3, padding: 1, groups: 32, useBias: false }), x),
        },
      ],
      note: 'With C groups the layer has C times fewer weights and MACs.',
    },
    {
      title: 'A bottleneck block at 56×56×256: ResNet-50 against ResNeXt-50 32×4d (layer1)',
      input: [56, 56, 256],
      variants: [
        { label: 'ResNet-50: inner width 64, dense 3×3', build: (x) => bottleneck(x, 64, 1) },
        { label: 'ResNeXt-50 32×4d: inner width 128, 32 groups', build: (x) => bottleneck(x, 128, 32) },
      ],
      note: 'Twice the inner width for a few percent more cost: the 1×1 convolutions grow, the grouped 3×3 shrinks.',
    },
  ],
};

const width: Innovation = {
  id: 'wide-residual-networks',
  title: 'Width over depth (Wide ResNet)',
  summary: 'Fewer, wider residual blocks: double the channels inside each bottleneck instead of adding layers.',
  families: ['Wide ResNet'],
  body: [
    'Very deep residual networks train, but each extra block adds little, and long chains of thin layers use',
    'parallel hardware poorly. Wide ResNets keep the depth of ResNet-50 or ResNet-101 and double the number of',
    'channels inside each bottleneck (the `widthPerGroup` row of the specification table: 128 instead of 64).',
    'The outer width (the channels between blocks) stays the same, so the shortcuts and the classifier do not change.',
    '',
    'The cost is steep: the 3×3 convolution, which dominates a bottleneck, grows four-fold with doubled width, and',
    'the 1×1 convolutions two-fold. `wide_resnet50_2` has more than twice the parameters and MACs of `resnet50`,',
    'and in exchange is about as accurate as the much deeper `resnet152`, at fewer sequential layers.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'ResNet-50 bottleneck', boxes: ['1×1 conv, 256→64', '3×3 conv, 64→64', '1×1 conv, 64→256'], skip: 'identity' },
      { title: 'Wide ResNet-50-2', boxes: ['1×1 conv, 256→128', '3×3 conv, 128→128', '1×1 conv, 128→256'], skip: 'identity' },
    ],
    'ResNet-50 and Wide ResNet-50-2 bottlenecks: the inner width doubles.',
  ),
  comparisons: [
    {
      title: 'A bottleneck block at 56×56×256 (layer1), normal and twice as wide inside',
      input: [56, 56, 256],
      variants: [
        { label: 'ResNet-50: inner width 64', build: (x) => bottleneck(x, 64, 1) },
        { label: 'Wide ResNet-50-2: inner width 128', build: (x) => bottleneck(x, 128, 1) },
      ],
      note: 'Doubling the inner width costs between two and four times as much, depending on the layer.',
    },
  ],
};

export const innovations: readonly Innovation[] = [residualLearning, cardinality, width];
