import * as tfl from '@tensorflow/tfjs-layers';
import { columnsFigure, type Innovation, type InnovationVariant } from '@zoo/core-blocks/docs';
import { apply, Conv2d, cbam, convNormAct, eca, ecaKernelSize, layerNorm, MaxPool2d, squeezeExcite } from '@zoo/core-blocks/family';
import { cnBlock } from './convnext.js';
import { denseLayer } from './densenet.js';
import { EFFICIENTNET_SPECS, type EfficientNetSpec, features as efficientNetFeatures, efficientNetStages } from './efficientnet.js';
import { inceptionBlock } from './googlenet.js';
import { basicBlock, hrModule, transition } from './hrnet.js';
import { resnetBasicBlock, resnetBottleneck } from './resnet.js';

/**
 * The ideas of this package's families, for the docs site. Every number on those pages comes
 * from profiling the `build` functions below, which use the same layers as the models.
 */

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

/**
 * ResNet's bottleneck (the family's own block) at a given inner width and cardinality, as many
 * channels out as in (an identity shortcut); `attend` is applied to the branch before the add,
 * where SE, CBAM and ECA sit.
 */
function bottleneck(
  x: tfl.SymbolicTensor,
  width: number,
  groups: number,
  name = 'block',
  attend?: (y: tfl.SymbolicTensor) => tfl.SymbolicTensor,
): tfl.SymbolicTensor {
  const channels = x.shape[3] as number;
  return resnetBottleneck(x, name, { inChannels: channels, width, groups, outChannels: channels, stride: 1 }, attend);
}

/** ResNet's basic block (the family's own), `planes` out, strided where `stride` is 2. */
const basic = (x: tfl.SymbolicTensor, planes: number, stride = 1) =>
  resnetBasicBlock(x, 'block', { inChannels: x.shape[3] as number, planes, stride });

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
          build: (x) => basic(x, 64),
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
          build: (x) => basic(x, 128, 2),
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
          build: (x) => basic(x, 256),
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

const cat = (xs: tfl.SymbolicTensor[], name: string) => apply(tfl.layers.concatenate({ axis: -1, name }), xs);

/** ResNet-50's layer1 with the family's blocks: 64 channels in, 256 out, the first block with a 1x1 projection shortcut. */
function resnetLayer1(x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let y = x;
  for (let i = 0; i < 3; i++) {
    y = resnetBottleneck(y, `layer1.${i}`, { inChannels: i === 0 ? 64 : 256, width: 64, groups: 1, outChannels: 256, stride: 1 });
  }
  return y;
}

const INCEPTION_3A = { name: 'inception3a', ch1x1: 64, ch3x3red: 96, ch3x3: 128, ch5x5red: 16, ch5x5: 32, poolProj: 32 };

const inceptionModules: Innovation = {
  id: 'inception-modules',
  title: 'Inception modules',
  summary:
    'Look at several scales at once: parallel 1×1, 3×3 and 5×5 branches and a pooling branch, concatenated, kept cheap by 1×1 reductions.',
  families: ['GoogLeNet'],
  body: [
    'Which kernel size is right for a layer? Objects appear at many scales, so GoogLeNet does not choose: an',
    '**Inception module** runs a 1×1, a 3×3 and a 5×5 convolution and a 3×3 max-pooling side by side on the same input',
    'and concatenates their outputs along the channels. The next layer sees small and large neighbourhoods at once.',
    '',
    'Run naively, this is expensive: the large kernels see every input channel, and the pooling branch passes all',
    'its channels through, so the width grows from module to module. The fix is the **1×1 convolution as a',
    'reduction**: before the 3×3 and the 5×5 a 1×1 convolution shrinks the channels (192 to 96 and to 16 in',
    '`inception3a`), and after the pooling a 1×1 "pool projection" keeps only 32. The module then costs less than a',
    'single 3×3 convolution of the same output width, and GoogLeNet stacks nine of them in 22 layers with a small',
    "fraction of VGG-16's parameters (compare them in the [table](/comparison)).",
    '',
    "torchvision's GoogLeNet (and so the zoo's, which must load its weights) uses a 3×3 convolution in the branch the",
    'paper gives a 5×5; the comparison below uses the same kernels in both Inception variants so only the reductions differ.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Branch 1', boxes: ['1×1 conv, 192→64'] },
      { title: 'Branch 2', boxes: ['1×1 conv, 192→96', '3×3 conv, 96→128'] },
      { title: 'Branch 3', boxes: ['1×1 conv, 192→16', '3×3 conv, 16→32'] },
      { title: 'Branch 4', boxes: ['3×3 max-pool', '1×1 conv, 192→32'] },
    ],
    'Inception 3a: four parallel branches on the same 28×28×192 input, concatenated to 256 channels.',
  ),
  comparisons: [
    {
      title: 'From 28×28×192 to 256 channels (GoogLeNet inception3a)',
      input: [28, 28, 192],
      variants: [
        { label: 'one 3×3 convolution, 192→256', build: (x) => cbr(x, 'conv', 256, 3) },
        {
          label: 'naive Inception: the four branches without 1×1 reductions',
          build: (x) =>
            cat(
              [
                cbr(x, 'branch1', 64, 1),
                cbr(x, 'branch2', 128, 3),
                cbr(x, 'branch3', 32, 3),
                cbr(
                  apply(new MaxPool2d({ name: 'branch4.pool', poolSize: 3, strides: 1, padding: 1, ceilMode: true }), x),
                  'branch4',
                  32,
                  1,
                ),
              ],
              'cat',
            ),
        },
        { label: "GoogLeNet's inception3a: 1×1 reductions to 96 and 16 channels first", build: (x) => inceptionBlock(x, INCEPTION_3A) },
      ],
      note: 'The 1×1 reductions make four branches cheaper than one plain convolution of the same output width.',
    },
  ],
};

const denseConnectivity: Innovation = {
  id: 'dense-connectivity',
  title: 'Dense connectivity (DenseNet)',
  summary: 'Each layer receives the feature maps of all layers before it in its block and adds a few new channels to them.',
  families: ['DenseNet'],
  body: [
    "ResNet *adds* a block's output to its input. DenseNet *concatenates*: inside a dense block, layer ℓ receives the",
    'input of the block and the outputs of all ℓ − 1 layers before it, stacked along the channels, and contributes only',
    '*k* new channels (the **growth rate**, 32 in DenseNet-121). Features computed early are reused by every later layer',
    'instead of being recomputed, gradients reach each layer directly from the end of the block, and each layer can be',
    'narrow.',
    '',
    'Because the input of a layer grows with its depth, every dense layer first reduces it with a 1×1 convolution to',
    '4*k* channels (the "bottleneck", DenseNet-B) before its 3×3 convolution; between blocks a *transition* (1×1',
    'convolution and 2×2 average pooling) halves the channels and the resolution. The result is few parameters for the',
    'accuracy: DenseNet-121 has far fewer than ResNet-50 (see the [table](/comparison)), because its maps never grow',
    "wide: ResNet-50's last stage is 2048 channels, DenseNet-121's ends at 1024. The price is memory traffic: the",
    'concatenated inputs are read again by every layer.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Residual stage', boxes: ['bottleneck block', '+ input', 'bottleneck block', '+ input'] },
      { title: 'Dense block (growth k)', boxes: ['x0', 'layer 1 on [x0] → k', 'layer 2 on [x0, x1] → k', 'layer 3 on [x0, x1, x2] → k'] },
    ],
    'A residual stage adds each block to its input; a dense block feeds every layer the concatenation of all earlier outputs.',
  ),
  comparisons: [
    {
      title: 'From 56×56×64 to 56×56×256: ResNet-50 layer1 against DenseNet-121 denseblock1',
      input: [56, 56, 64],
      variants: [
        { label: 'ResNet-50 layer1: three bottleneck blocks, the first with a projection', build: resnetLayer1 },
        {
          label: 'DenseNet-121 denseblock1: six dense layers, growth rate 32',
          build: (x) => {
            let y = x;
            for (let i = 1; i <= 6; i++) y = cat([y, denseLayer(y, `denselayer${i}`, 32)], `denselayer${i}.cat`);
            return y;
          },
        },
      ],
      note: "The same input and output shapes. In this first block DenseNet costs more than ResNet's layer1; its economy comes later, where ResNet widens to 2048 channels and DenseNet's transitions halve the width after every block.",
    },
  ],
};

/** EfficientNet's paper constants at φ = 1 (depth α, width β, resolution γ; α·β²·γ² ≈ 2). */
const ALPHA = 1.2;
const BETA = 1.1;
const GAMMA = 1.15;

const round3 = (v: number) => Number(v.toFixed(3));
const efficientVariant = (label: string, spec: EfficientNetSpec): InnovationVariant => {
  const stages = efficientNetStages(spec);
  const blocks = stages.reduce((n, st) => n + st.blocks, 0);
  return {
    label: `${label}: width ×${round3(spec.width)}, depth ×${round3(spec.depth)}, ${spec.inputSize}×${spec.inputSize}: ${blocks} MBConv blocks, ${stages[0].inChannels} to ${stages.at(-1)!.outChannels} channels`,
    input: [spec.inputSize, spec.inputSize, 3],
    build: (x) => efficientNetFeatures(spec, x, 0),
  };
};
const B0 = EFFICIENTNET_SPECS.efficientnet_b0;

const compoundScaling: Innovation = {
  id: 'compound-scaling',
  title: 'Compound scaling (EfficientNet)',
  summary: 'Scale depth, width and input resolution together, by fixed ratios, instead of one of them alone.',
  families: ['EfficientNet'],
  body: [
    'A network can be made larger in three ways: more layers (depth), more channels (width), or larger input images',
    '(resolution). Scaling only one of them helps at first and then saturates: a very deep network with few channels, or a',
    'large image seen by a shallow network, gains little. EfficientNet scales the three together. A small base network,',
    'EfficientNet-B0, was found by architecture search (MBConv blocks: inverted residuals with squeeze-and-excitation);',
    'then a grid search at roughly twice the cost found depth ×α = 1.2, width ×β = 1.1 and resolution ×γ = 1.15,',
    'chosen so that α·β²·γ² ≈ 2 (MACs grow linearly with depth and with the square of width and of resolution).',
    'B1 to B7 raise a compound coefficient φ, each step about doubling the cost.',
    '',
    "The released B1–B7 use rounded coefficients (the specification table below); the zoo derives every variant's",
    'channels (`makeDivisible(c × width, 8)`) and block counts (`ceil(n × depth)`) from B0 with one rule, as torchvision',
    'does, and the tables here are computed from that rule and profiled on the real blocks. The notes add that EfficientNet',
    'also uses squeeze-and-excitation attention in every block: see the [SE page](/innovations/squeeze-excitation-hard-swish).',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Width scaling', boxes: ['more channels per layer'] },
      { title: 'Depth scaling', boxes: ['more layers', 'more layers'] },
      { title: 'Resolution scaling', boxes: ['larger input image'] },
      { title: 'Compound scaling', boxes: ['all three,', 'by fixed ratios α, β, γ'] },
    ],
    'The three dimensions of scaling and compound scaling, which raises them together.',
  ),
  comparisons: [
    {
      title: 'EfficientNet-B0 to B7 as the code scales them (features, without the classifier)',
      input: [B0.inputSize, B0.inputSize, 3],
      variants: (Object.entries(EFFICIENTNET_SPECS) as [string, EfficientNetSpec][]).map(([name, spec]) => efficientVariant(name, spec)),
      note: 'Width, depth and resolution of each variant come from the specification table and the one scaling rule; MACs from the profiler.',
    },
    {
      title: 'Scaling B0 in one dimension at a time, against all three at once (about twice the MACs each)',
      input: [B0.inputSize, B0.inputSize, 3],
      variants: [
        efficientVariant('B0', B0),
        efficientVariant('depth only', { ...B0, depth: 2 }),
        efficientVariant('width only', { ...B0, width: Math.SQRT2 }),
        efficientVariant('resolution only', { ...B0, inputSize: Math.round(B0.inputSize * Math.SQRT2) }),
        efficientVariant('compound, φ = 1', { ...B0, depth: ALPHA, width: BETA, inputSize: Math.round(B0.inputSize * GAMMA) }),
      ],
      note: 'The paper shows that, at equal cost, the compound variant is the most accurate of these.',
    },
  ],
};

const cbamEca: Innovation = {
  id: 'cbam-eca-attention',
  title: 'CBAM and ECA attention',
  summary: 'Cheap attention inside a residual block: reweight channels (SE, ECA) and, in CBAM, spatial positions.',
  families: ['CBAM', 'ECA-Net'],
  body: [
    'Squeeze-and-excitation (SE) showed that a block gains accuracy when it reweights its own channels: average the',
    'feature map to one number per channel, pass the vector through a small two-layer bottleneck (reduction 16), and',
    'scale each channel by the resulting gate between 0 and 1. CBAM and ECA-Net refine that idea in two directions.',
    '',
    '**CBAM** (Convolutional Block Attention Module) asks *what* and *where*. Its channel gate pools the map by average',
    '*and* by maximum and sends both through the shared bottleneck; then a spatial gate pools across channels (average',
    'and maximum again), convolves the two resulting planes with a 7×7 kernel and reweights every position. Both gates',
    'sit at the end of the residual branch, before the addition.',
    '',
    "**ECA** (Efficient Channel Attention) asks how cheap the channel gate can be. SE's bottleneck first reduces the",
    'channels, which loses information, and costs two fully-connected layers. ECA drops it: a 1-D convolution of kernel',
    '*k* slides across the pooled channel vector, so each channel is weighed from its *k* neighbours. *k* grows with the',
    'logarithm of the channel count (k = 5 for 256 channels): a handful of parameters per block instead of thousands.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'SE', boxes: ['global avg pool', 'FC C→C/16, ReLU', 'FC C/16→C, sigmoid', '× channels'] },
      {
        title: 'CBAM',
        boxes: ['avg and max pool', 'shared MLP, sigmoid', '× channels', 'channel avg and max', '7×7 conv, sigmoid', '× positions'],
      },
      { title: 'ECA', boxes: ['global avg pool', '1-D conv, kernel k', 'sigmoid', '× channels'] },
    ],
    'The attention modules placed at the end of a residual branch: SE, CBAM and ECA.',
  ),
  comparisons: [
    {
      title: 'A ResNet-50 bottleneck at 56×56×256 with each attention module',
      input: [56, 56, 256],
      variants: [
        { label: 'plain bottleneck', build: (x) => bottleneck(x, 64, 1) },
        {
          label: '+ squeeze-and-excitation (reduction 16)',
          build: (x) => bottleneck(x, 64, 1, 'block', (y) => squeezeExcite(y, { name: 'se', squeezeChannels: 256 / 16 })),
        },
        { label: '+ CBAM (reduction 16, 7×7 spatial gate)', build: (x) => bottleneck(x, 64, 1, 'block', (y) => cbam(y, { name: 'cbam' })) },
        {
          label: `+ ECA (kernel ${ecaKernelSize(256)}, from the channel count)`,
          build: (x) => bottleneck(x, 64, 1, 'block', (y) => eca(y, { name: 'eca' })),
        },
      ],
      note: 'Attention adds well under one percent to the MACs of the block; ECA adds only its few kernel weights.',
    },
  ],
};

const HRNET_W18 = { width: 18, blocks: 4 };
const pooledConcat = (xs: tfl.SymbolicTensor[]) =>
  cat(
    xs.map((y, i) => apply(tfl.layers.globalAveragePooling2d({ name: `pool${i}` }), y)),
    'pooled',
  );
const hrStage2 = (x: tfl.SymbolicTensor, fuse: boolean) => {
  const widths = [HRNET_W18.width, 2 * HRNET_W18.width];
  const xs = transition([x], 'transition1', [x.shape[3] as number], widths);
  if (fuse) return pooledConcat(hrModule(xs, 'stage2.0', widths, HRNET_W18.blocks));
  return pooledConcat(
    xs.map((y, b) => {
      let z = y;
      for (let k = 0; k < HRNET_W18.blocks; k++) z = basicBlock(z, `stage2.0.branches.${b}.${k}`, widths[b]);
      return z;
    }),
  );
};

const multiResolutionFusion: Innovation = {
  id: 'multi-resolution-fusion',
  title: 'Multi-resolution fusion (HRNet)',
  summary:
    'Keep a high-resolution branch through the whole network, add lower-resolution branches beside it, and exchange information between them again and again.',
  families: ['HRNet'],
  body: [
    'Classification networks shrink the image step by step and, for tasks that need positions (pose, segmentation),',
    'recover the resolution at the end with upsampling. HRNet never lets the high resolution go. After the stem it',
    'keeps a branch at 1/4 of the input size for the whole network, and each stage adds one more parallel branch at half',
    'the resolution and twice the channels of the previous one (HRNet-W18: 18, 36, 72 and 144 channels at 1/4, 1/8,',
    '1/16 and 1/32).',
    '',
    'The branches do not just run side by side. At the end of every module, a **fusion** step gives each branch the sum',
    'of all branches brought to its resolution: lower-resolution maps are upsampled (1×1 convolution, then nearest',
    'neighbour), higher-resolution maps are downsampled by strided 3×3 convolutions. Repeated many times, this lets',
    'the high-resolution branch carry strong semantics and the low-resolution branches precise positions. For',
    'classification the zoo builds the timm head: each branch is widened, the maps are merged from high to low',
    'resolution, and a 2048-channel layer feeds the classifier.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Branch 1/4 (C channels)', boxes: ['basic blocks', 'fuse: + upsampled 1/8', 'basic blocks', 'fuse: + upsampled 1/8'] },
      { title: 'Branch 1/8 (2C channels)', boxes: ['basic blocks', 'fuse: + strided 1/4', 'basic blocks', 'fuse: + strided 1/4'] },
    ],
    'Two HRNet branches at different resolutions, exchanging information at the end of every module.',
  ),
  comparisons: [
    {
      title: 'HRNet-W18 stage 2 on the 56×56×256 output of layer1: two branches, with and without fusion',
      input: [56, 56, 256],
      variants: [
        {
          label: 'transition to 18 channels at 56×56 and 36 at 28×28, four basic blocks each, no exchange',
          build: (x) => hrStage2(x, false),
        },
        { label: 'the same, ending in the fusion of one HRNet module', build: (x) => hrStage2(x, true) },
      ],
      note: 'Each variant ends in a global average of both branches, so both keep every layer in the graph; the difference is the fusion.',
    },
  ],
};

const CONVNEXT_T_DIM = 96;

const convnextModernisation: Innovation = {
  id: 'convnext-modernisation',
  title: "ConvNeXt's modernisation steps",
  summary: 'A ResNet, modernised one design choice at a time with what made vision transformers work, stays a pure ConvNet.',
  families: ['ConvNeXt'],
  body: [
    "ConvNeXt starts from ResNet-50 and asks which of the Swin Transformer's design choices, applied to a plain ConvNet,",
    'explain the gap between them. Step by step, each kept only if it helped:',
    '',
    '1. **Training recipe**: AdamW, 300 epochs, Mixup, CutMix, RandAugment, stochastic depth, label smoothing.',
    '2. **Stage ratio**: blocks per stage 3, 3, 9, 3 instead of 3, 4, 6, 3, as Swin-T distributes them.',
    '3. **Patchify stem**: a 4×4 convolution with stride 4 (non-overlapping patches, like a transformer) instead of a',
    '   7×7 stride-2 convolution and a max-pooling.',
    '4. **Depthwise convolution and more width** (ResNeXt-ify): the 3×3 becomes depthwise, the width grows to 96 as in Swin-T.',
    '5. **Inverted bottleneck**: the block widens four-fold inside, as a transformer MLP does.',
    '6. **Large kernels**: the depthwise convolution moves to the start of the block and grows to 7×7, the size of',
    "   Swin's attention window.",
    '7. **Micro design**: GELU instead of ReLU, one activation and one normalisation per block instead of three, LayerNorm',
    '   instead of BatchNorm, separate 2×2 stride-2 downsampling layers between stages, and a learnt per-channel',
    '   *layer scale* on each block.',
    '',
    'The result, ConvNeXt-T, matches Swin-T at similar cost with nothing but convolutions, normalisation and MLPs.',
    'The tables measure steps 3 to 6 on the real layers.',
  ].join('\n'),
  figure: columnsFigure(
    [
      {
        title: 'ResNet bottleneck',
        boxes: ['1×1, 96→24, BN, ReLU', '3×3, 24→24, BN, ReLU', '1×1 conv, 24→96, BN'],
        skip: 'identity',
      },
      {
        title: 'ConvNeXt block',
        boxes: ['7×7 depthwise, 96', 'LayerNorm', '1×1, 96→384, GELU', '1×1, 384→96', 'layer scale'],
        skip: 'identity',
      },
    ],
    'A ResNet bottleneck at ConvNeXt-T width and the ConvNeXt block.',
  ),
  comparisons: [
    {
      title: 'Stem: from a 224×224 image to 56×56×96',
      input: [224, 224, 3],
      variants: [
        {
          label: 'ResNet stem: 7×7 stride-2 conv-BN-ReLU, 3×3 stride-2 max-pool',
          build: (x) =>
            apply(new MaxPool2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 1 }), cbr(x, 'conv1', CONVNEXT_T_DIM, 7, 2)),
        },
        {
          label: 'patchify stem: 4×4 stride-4 conv, LayerNorm',
          build: (x) =>
            apply(
              layerNorm('features.0.1', 1e-6),
              apply(new Conv2d({ name: 'features.0.0', filters: CONVNEXT_T_DIM, kernelSize: 4, strides: 4 }), x),
            ),
        },
      ],
      note: 'Non-overlapping 4×4 patches see each pixel once: far fewer MACs than the overlapping 7×7 stem.',
    },
    {
      title: 'Block: from the ResNet bottleneck to the ConvNeXt block at 56×56×96 (ConvNeXt-T stage 1)',
      input: [56, 56, CONVNEXT_T_DIM],
      variants: [
        { label: 'ResNet bottleneck, inner width 24 (a quarter)', build: (x) => bottleneck(x, CONVNEXT_T_DIM / 4, 1) },
        { label: 'ResNeXt-ify: depthwise 3×3 at the full width 96', build: (x) => bottleneck(x, CONVNEXT_T_DIM, CONVNEXT_T_DIM) },
        {
          label: 'inverted bottleneck: 96→384, depthwise 3×3 at 384, 384→96',
          build: (x) => bottleneck(x, 4 * CONVNEXT_T_DIM, 4 * CONVNEXT_T_DIM),
        },
        {
          label: 'ConvNeXt block: 7×7 depthwise first, LayerNorm, 96→384, GELU, 384→96, layer scale',
          build: (x) => cnBlock(x, 'block', CONVNEXT_T_DIM, 0),
        },
      ],
      note: 'The inverted bottleneck costs more than the ResNet block at this width; moving the depthwise convolution to the narrow end pays for the 7×7 kernel.',
    },
  ],
};

export const innovations: readonly Innovation[] = [
  residualLearning,
  cardinality,
  width,
  inceptionModules,
  denseConnectivity,
  compoundScaling,
  cbamEca,
  multiResolutionFusion,
  convnextModernisation,
];
