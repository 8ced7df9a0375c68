import * as tfl from '@tensorflow/tfjs-layers';
import { channelShuffleFigure, columnsFigure, depthwiseSeparableFigure, type Innovation } from '@zoo/core-blocks/docs';
import {
  type ActivationName,
  AvgPool2d,
  activation,
  apply,
  Conv2d,
  ConvTranspose2d,
  convNormAct,
  invertedResidual,
  layerNorm,
  linear,
  MultiHeadAttention,
  makeDivisible,
} from '@zoo/core-blocks/family';
import { EDGEVIT_SPECS } from './edgevit.js';
import { MOBILENET_V2_STAGES } from './mobilenet-v2.js';
import { MOBILENET_V3_SPECS } from './mobilenet-v3.js';
import { unit as shuffleV1Unit } from './shufflenet-v1.js';
import { unit as shuffleV2Unit } from './shufflenet-v2.js';

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
  figure: depthwiseSeparableFigure({
    kernel: 3,
    channels: 3,
    outChannels: 4,
    example: { channels: 64, outChannels: 64 },
    caption:
      'A standard 3×3 convolution, whose every filter spans all input channels, and its depthwise separable replacement: one 3×3 filter per channel, then 1×1 filters across the channels, with the MACs of each per output position.',
  }),
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

/** MobileNetV2's third stage (t = 6, c = 32 at 28×28): a stride-1 block of it. */
const [V2_T, V2_C] = MOBILENET_V2_STAGES[2];
const V2_EXPANDED = V2_T * V2_C;

const invertedResiduals: Innovation = {
  id: 'inverted-residuals-linear-bottlenecks',
  title: 'Inverted residuals and linear bottlenecks (MobileNetV2)',
  summary: 'Shortcuts between narrow tensors, a wide depthwise layer inside, and no activation after the narrowing projection.',
  families: ['MobileNetV2', 'MobileNetV3', 'EfficientNet'],
  body: [
    'A ResNet bottleneck is wide–narrow–wide: the shortcut joins two wide tensors and the expensive 3×3 works on a',
    'narrow one. MobileNetV2 turns it inside out, narrow–wide–narrow. A 1×1 convolution **expands** the thin input',
    '*t* times (t = 6), a 3×3 **depthwise** convolution filters the wide tensor (cheap: its cost grows with the',
    'channels, not their square), and a 1×1 convolution **projects** back to the thin width. The shortcut joins the',
    'thin tensors: this is the **inverted residual**. What travels from block to block, and what must be stored',
    'between them, is small.',
    '',
    'The projection has **no activation**: a *linear bottleneck*. The paper argues that a ReLU applied in a',
    'low-dimensional space destroys information (a negative coordinate becomes zero and cannot be recovered), while',
    'in the wide expanded space it does little harm. Removing it costs nothing and improves accuracy. The same block,',
    'with squeeze-and-excitation added, is the "MBConv" of MobileNetV3 and EfficientNet; in the zoo it is one function,',
    '`invertedResidual` in `@zoo/core-blocks`.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Residual bottleneck', boxes: ['1×1 conv, reduce, ReLU', '3×3 conv, ReLU', '1×1 conv, expand, ReLU'], skip: 'wide tensors' },
      {
        title: 'Inverted residual',
        boxes: ['1×1 expand ×6, ReLU6', '3×3 depthwise, ReLU6', '1×1 project, linear'],
        skip: 'narrow tensors',
      },
    ],
    'A ResNet bottleneck (wide–narrow–wide) and the MobileNetV2 inverted residual (narrow–wide–narrow).',
  ),
  comparisons: [
    {
      title: `A MobileNetV2 block at 28×28×${V2_C} (expansion ${V2_T}), against a residual bottleneck whose shortcut carries the wide tensor`,
      input: [28, 28, V2_C],
      variants: [
        {
          label: `residual bottleneck on the wide tensor: ${V2_EXPANDED}→${V2_C} 1×1, 3×3 depthwise, ${V2_C}→${V2_EXPANDED} 1×1`,
          input: [28, 28, V2_EXPANDED],
          build: (x) => {
            let y = convNormAct(x, { conv: 'conv1', norm: 'bn1', act: { kind: 'relu', name: 'relu1' }, filters: V2_C, kernelSize: 1 });
            y = convNormAct(y, {
              conv: 'conv2',
              norm: 'bn2',
              act: { kind: 'relu', name: 'relu2' },
              filters: V2_C,
              kernelSize: 3,
              padding: 1,
              groups: V2_C,
            });
            y = convNormAct(y, { conv: 'conv3', norm: 'bn3', filters: V2_EXPANDED, kernelSize: 1 });
            return apply(activation('relu', 'relu'), apply(tfl.layers.add({ name: 'add' }), [y, x]));
          },
        },
        {
          label: `inverted residual: ${V2_C}→${V2_EXPANDED} 1×1, 3×3 depthwise, ${V2_EXPANDED}→${V2_C} linear 1×1`,
          build: (x) =>
            invertedResidual(x, {
              name: 'block',
              outChannels: V2_C,
              expandedChannels: V2_EXPANDED,
              kernelSize: 3,
              stride: 1,
              activation: 'relu6',
              layout: 'conv',
            }),
        },
      ],
      note: "Similar work inside the block, but look at the output column: the tensor handed to the next block and kept for the shortcut has the thin width. The inverted block's own memory access is higher, because its depthwise convolution runs on the expanded tensor, which exists only inside the block.",
    },
  ],
};

/** The first MobileNetV3-Large block with squeeze-and-excitation at stride 1. */
const V3_BLOCK = MOBILENET_V3_SPECS.mobilenet_v3_large.blocks.find(([, , , se, , stride]) => se && stride === 1)!;
const [V3_K, V3_EXP, V3_OUT] = V3_BLOCK;
const v3Block = (act: ActivationName, se: boolean) => (x: tfl.SymbolicTensor) =>
  invertedResidual(x, {
    name: 'block',
    outChannels: V3_OUT,
    expandedChannels: V3_EXP,
    kernelSize: V3_K,
    stride: 1,
    activation: act,
    se: se ? { squeezeChannels: makeDivisible(Math.floor(V3_EXP / 4)), activation: 'relu', gate: 'hardsigmoid' } : undefined,
  });

const seHardSwish: Innovation = {
  id: 'squeeze-excitation-hard-swish',
  title: 'Squeeze-and-excitation and hard-swish (MobileNetV3)',
  summary: 'A tiny gate that reweights channels from global context, and a piecewise-linear swish that is cheap on phones.',
  families: ['MobileNetV3', 'EfficientNet'],
  body: [
    '**Squeeze-and-excitation (SE)** gives a block a view of the whole image. It *squeezes* each channel of a feature',
    'map to one number (global average pooling), passes the vector through two small 1×1 layers (to a quarter of the',
    'channels and back), and *excites*: each channel of the map is multiplied by a gate between 0 and 1. The network',
    'learns to turn up the channels that matter for this image. MobileNetV3 places SE after the depthwise convolution',
    'of its inverted residuals, EfficientNet in every MBConv block. Its weights are the two small layers; its MACs act',
    'on one value per channel, not on every pixel, so it adds parameters but almost no computation.',
    '',
    '**Hard-swish.** Swish, x·sigmoid(x), is more accurate than ReLU in deep layers, but the exponential in the',
    'sigmoid is slow on mobile hardware and awkward to quantise. MobileNetV3 replaces the sigmoid with a',
    'piecewise-linear *hard sigmoid*, ReLU6(x + 3)/6, giving **hard-swish** x·ReLU6(x + 3)/6: an add, a clamp and a',
    'multiply per element. It uses it only in the second half of the network, where the maps are small and the',
    "nonlinearity matters most; SE's gate is a hard sigmoid too. Neither MACs convention counts activations, so the",
    'second table shows the activations cost the same MACs: the saving is in the arithmetic per element.',
  ].join('\n'),
  figure: columnsFigure(
    [
      {
        title: 'MobileNetV3 block',
        boxes: ['1×1 expand, BN, act', 'k×k depthwise, BN, act', 'SE gate', '1×1 project, BN'],
        skip: 'identity',
      },
      {
        title: 'Squeeze-and-excitation',
        boxes: ['global average pool', '1×1 conv, C→C/4, ReLU', '1×1 conv, C/4→C', 'hard sigmoid', '× each channel'],
      },
    ],
    'A MobileNetV3 inverted residual with its squeeze-and-excitation gate.',
  ),
  comparisons: [
    {
      title: `A MobileNetV3-Large block (${V3_K}×${V3_K}, ${V3_OUT}→${V3_EXP}→${V3_OUT}) at 28×28, without and with SE`,
      input: [28, 28, V3_OUT],
      variants: [
        { label: 'inverted residual without SE', build: v3Block('relu', false) },
        { label: 'with squeeze-and-excitation (as in MobileNetV3-Large)', build: v3Block('relu', true) },
      ],
      note: 'SE adds a noticeable share of the parameters and a tiny share of the MACs.',
    },
    {
      title: 'The same block with ReLU, swish (SiLU) and hard-swish',
      input: [28, 28, V3_OUT],
      variants: [
        { label: 'ReLU', build: v3Block('relu', true) },
        { label: 'swish, x·sigmoid(x)', build: v3Block('silu', true) },
        { label: 'hard-swish, x·ReLU6(x + 3)/6', build: v3Block('hardswish', true) },
      ],
      note: 'Identical counts: activations are element-wise, which MACs do not count. Hard-swish is cheaper per element than swish (no exponential), not in MACs.',
    },
  ],
};

/** ShuffleNetV1 with 3 groups, stage 3: 240 channels at 28×28. */
const V1_GROUPS = 3;
const V1_CHANNELS = 240;

const channelShuffle: Innovation = {
  id: 'group-convolution-channel-shuffle',
  title: 'Group convolution with channel shuffle (ShuffleNetV1)',
  summary: 'Make the 1×1 convolutions grouped too, and shuffle the channels between groups so information still crosses them.',
  families: ['ShuffleNetV1'],
  body: [
    'In a light network built from depthwise separable convolutions, the depthwise 3×3 layers are cheap and the',
    '**pointwise 1×1 convolutions** take almost all the computation. ShuffleNetV1 makes them **group convolutions**',
    'as well: with *g* groups each 1×1 layer costs *g* times less. The problem is that stacked group convolutions',
    'never mix: the channels of group 1 only ever see group 1.',
    '',
    'The **channel shuffle** fixes that for free. After the first grouped 1×1 convolution, the channels are reshaped',
    'to a (*g*, *n*) grid, transposed and flattened, so the next grouped layer receives a channel from every group.',
    'It is a permutation: no parameters, no MACs. The ShuffleNet unit is then: grouped 1×1, shuffle, 3×3',
    'depthwise, grouped 1×1, added to the input (or, when it downsamples, concatenated with an average-pooled input).',
    'The savings are spent on width: at the same budget ShuffleNet can afford more channels than MobileNetV1, which',
    'matters most for very small networks.',
  ].join('\n'),
  figure: channelShuffleFigure({
    groups: V1_GROUPS,
    perGroup: V1_GROUPS,
    caption: `Channel shuffle with ${V1_GROUPS} groups: after a grouped 1×1 convolution the channels are reshaped to (groups, channels per group), transposed and flattened, so that every group of the next grouped convolution receives one channel of each group.`,
  }),
  comparisons: [
    {
      title: `A ShuffleNetV1 unit at 28×28×${V1_CHANNELS} (stage 3 of the ${V1_GROUPS}-group model), dense against grouped pointwise convolutions`,
      input: [28, 28, V1_CHANNELS],
      variants: [
        {
          label: 'dense 1×1 convolutions (1 group, no shuffle)',
          build: (x) => shuffleV1Unit(x, 'unit', 1, V1_CHANNELS, V1_CHANNELS, 1, false),
        },
        {
          label: `${V1_GROUPS} groups with channel shuffle (ShuffleNetV1 g = ${V1_GROUPS})`,
          build: (x) => shuffleV1Unit(x, 'unit', V1_GROUPS, V1_CHANNELS, V1_CHANNELS, 1, false),
        },
        { label: '4 groups with channel shuffle', build: (x) => shuffleV1Unit(x, 'unit', 4, V1_CHANNELS, V1_CHANNELS, 1, false) },
      ],
      note: 'The pointwise convolutions are almost the whole unit: grouping them divides its MACs nearly by g. The shuffle adds no parameters and no MACs; it does move the tensor once, which the memory-access column counts.',
    },
  ],
};

/** Equal-FLOPs 1×1 convolutions at 56×56: c1·c2 (or c²/g) is held at 128². */
const G1_PAIRS = [1, 4, 16, 64].map((r) => [128 / Math.sqrt(r), 128 * Math.sqrt(r)] as const);
const G2_GROUPS = [1, 4, 16].map((g) => [g, 128 * Math.sqrt(g)] as const);
const V2_WIDTH = V1_CHANNELS;

const shuffleV2Guidelines: Innovation = {
  id: 'shufflenet-v2-guidelines',
  title: "ShuffleNetV2's four guidelines",
  summary: 'FLOPs do not predict speed: four rules about memory access and parallelism, and a unit designed by them.',
  families: ['ShuffleNetV2'],
  body: [
    'ShuffleNetV2 starts from an observation: networks with the same FLOPs (here: MACs) run at very different speeds.',
    'FLOPs ignore **memory access cost** (reading inputs and weights, writing outputs) and how well the work',
    'parallelises. The paper measures speed directly on the target devices and derives four guidelines:',
    '',
    '- **G1: equal channel widths minimise memory access.** For a 1×1 convolution from *c*₁ to *c*₂ channels on an',
    '  *h*×*w* map, the MACs are *hwc*₁*c*₂ and the memory access is *hw*(*c*₁ + *c*₂) + *c*₁*c*₂. At fixed MACs the',
    '  sum is smallest when *c*₁ = *c*₂.',
    '- **G2: too many groups raise memory access.** At fixed MACs a group convolution can be wider, so it reads and',
    '  writes more.',
    '- **G3: fragmentation reduces parallelism.** Many small branches and layers (as in Inception or NAS cells) launch',
    '  many small kernels and synchronise often.',
    '- **G4: element-wise operations are not free.** ReLU, additions and bias adds cost memory traffic that FLOPs',
    '  do not count.',
    '',
    'The ShuffleNetV2 unit follows them. A **channel split** sends half of the channels straight through (no work at',
    'all) and the other half through a 1×1, a 3×3 depthwise and a 1×1 convolution of equal widths (G1), none of them',
    'grouped (G2), in one branch (G3); the halves are **concatenated** rather than added (G4), and a channel shuffle',
    'mixes them for the next unit. The tables compute memory access as the elements each layer reads and writes plus',
    "its weights, the paper's definition.",
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'ShuffleNetV1 unit', boxes: ['1×1 group conv', 'channel shuffle', '3×3 depthwise', '1×1 group conv', 'add, ReLU'] },
      {
        title: 'ShuffleNetV2 unit',
        boxes: ['split channels in half', 'half: 1×1 conv, ReLU', '3×3 depthwise', '1×1 conv, ReLU', 'concat, channel shuffle'],
      },
    ],
    'The ShuffleNetV1 unit and the ShuffleNetV2 unit designed by the four guidelines.',
  ),
  comparisons: [
    {
      title: 'G1: 1×1 convolutions at 56×56 with the same MACs and different input/output ratios',
      input: [56, 56, 128],
      variants: G1_PAIRS.map(([c1, c2]) => ({
        label: `c1 = ${c1}, c2 = ${c2} (1 : ${c2 / c1})`,
        input: [56, 56, c1] as const,
        build: (x: tfl.SymbolicTensor) => conv(x, 'conv', c2, 1),
      })),
      note: 'The same MACs on every row; memory access is least when input and output widths are equal.',
    },
    {
      title: 'G2: 1×1 convolutions at 56×56 with the same MACs and more groups',
      input: [56, 56, 128],
      variants: G2_GROUPS.map(([g, c]) => ({
        label: `${g} group${g > 1 ? 's' : ''}, ${c} channels`,
        input: [56, 56, c] as const,
        build: (x: tfl.SymbolicTensor) => conv(x, 'conv', c, 1, g),
      })),
      note: 'More groups allow more channels at the same MACs, and every extra channel is read and written.',
    },
    {
      title: `G3 and G4: a ShuffleNetV1 unit (3 groups) against a ShuffleNetV2 unit, both at 28×28×${V2_WIDTH}`,
      input: [28, 28, V2_WIDTH],
      variants: [
        { label: 'ShuffleNetV1 unit, 3 groups', build: (x) => shuffleV1Unit(x, 'v1', 3, V2_WIDTH, V2_WIDTH, 1, false) },
        { label: 'ShuffleNetV2 unit: split, one branch, concatenate, shuffle', build: (x) => shuffleV2Unit(x, 'v2', V2_WIDTH, 1) },
      ],
      note: 'At the same width the V2 unit spends more MACs (its 1×1 convolutions are dense) but in one branch of equal-width layers, without grouped convolutions or an addition; at equal MACs, the paper measures ShuffleNetV2 faster than V1 on both GPU and ARM.',
    },
  ],
};

/** EdgeViT-XS stage 1: 56×56×48, one head, sparse ratio 4. */
const EDGE_DIM = EDGEVIT_SPECS.edgevit_xs.dims[0];
const EDGE_HEADS = EDGE_DIM / EDGEVIT_SPECS.edgevit_xs.headDim;
const EDGE_SR = 4;
const dw = (x: tfl.SymbolicTensor, name: string, k: number) => conv(x, name, x.shape[3] as number, k, x.shape[3] as number);

/** Self-attention over the tokens of a map (all of them, or one in sr² with the sampler), back to the map. */
function attention(x: tfl.SymbolicTensor, sr: number): tfl.SymbolicTensor {
  const [, h, w, dim] = x.shape as [null, number, number, number];
  let y = sr > 1 ? apply(new AvgPool2d({ name: 'attn.sampler', poolSize: 1, strides: sr }), x) : x;
  y = apply(tfl.layers.reshape({ targetShape: [(h / sr) * (w / sr), dim], name: 'attn.tokens' }), y);
  y = apply(linear(3 * dim, 'attn.qkv'), y);
  y = apply(new MultiHeadAttention({ numHeads: EDGE_HEADS, name: 'attn' }), y);
  y = apply(tfl.layers.reshape({ targetShape: [h / sr, w / sr, dim], name: 'attn.map' }), y);
  if (sr > 1) {
    y = apply(new ConvTranspose2d({ name: 'attn.LocalProp', filters: dim, kernelSize: sr, strides: sr, groups: dim }), y);
    y = apply(layerNorm('attn.norm', 1e-5), y);
  }
  return apply(linear(dim, 'attn.proj'), y);
}

/** Local aggregation: 1×1, 5×5 depthwise, 1×1, added to the input. */
const localAggregation = (x: tfl.SymbolicTensor) =>
  apply(tfl.layers.add({ name: 'local.add' }), [
    x,
    conv(dw(conv(x, 'local.conv1', EDGE_DIM, 1), 'local.attn', 5), 'local.conv2', EDGE_DIM, 1),
  ]);

const edgeVitLgl: Innovation = {
  id: 'edgevit-local-global-local',
  title: "EdgeViT's local-global-local attention",
  summary: 'Aggregate locally with cheap convolutions, attend globally among a few delegate tokens, propagate back locally.',
  families: ['EdgeViT'],
  body: [
    'Self-attention compares every token with every other: on a 56×56 map that is 3136² pairs, far too many for a',
    'phone. EdgeViT keeps the global view but pays for it on a small set of tokens, in three steps (**LGL**):',
    '',
    '1. **Local aggregation**: a 1×1, a 5×5 depthwise and a 1×1 convolution let every position gather its',
    '   neighbourhood, as a light CNN would.',
    '2. **Global sparse attention**: only one position in every *r*×*r* window (*r* = 4 in the first stage) is',
    '   kept as a *delegate*; self-attention runs among the delegates, which, having aggregated their neighbourhoods,',
    '   stand for the whole map. With *r* = 4 there are 16 times fewer tokens and 256 times fewer attention pairs.',
    "3. **Local propagation**: a transposed depthwise convolution (kernel and stride *r*) spreads each delegate's",
    '   updated features back over its window.',
    '',
    "The result has the receptive field of global attention at a cost close to a MobileNet's, which is how EdgeViT",
    'competes with light CNNs on speed and accuracy on mobile devices.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Full self-attention', boxes: ['all H×W tokens', 'attention over N² pairs', 'projection'] },
      {
        title: 'Local-global-local',
        boxes: ['local: 1×1, 5×5 dw, 1×1', 'sample 1 token per r×r', 'attend among delegates', 'transposed depthwise r×r', 'projection'],
      },
    ],
    "Full self-attention against EdgeViT's local aggregation, sparse global attention and local propagation.",
  ),
  comparisons: [
    {
      title: `Attention on the 56×56×${EDGE_DIM} map of EdgeViT-XS stage 1 (${EDGE_HEADS} head, sparse ratio ${EDGE_SR})`,
      input: [56, 56, EDGE_DIM],
      variants: [
        { label: 'full self-attention over all 3136 tokens', build: (x) => attention(x, 1) },
        { label: `global sparse attention: 1 token in ${EDGE_SR}×${EDGE_SR}, then local propagation`, build: (x) => attention(x, EDGE_SR) },
        {
          label: 'local-global-local: local aggregation, then the sparse attention',
          build: (x) => attention(localAggregation(x), EDGE_SR),
        },
      ],
      note: 'MACs total includes the attention products (q·kᵀ and attention·v), which dominate full attention at this resolution.',
    },
  ],
};

export const innovations: readonly Innovation[] = [
  depthwiseSeparable,
  invertedResiduals,
  seHardSwish,
  channelShuffle,
  shuffleV2Guidelines,
  edgeVitLgl,
];
