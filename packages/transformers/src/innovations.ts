import * as tfl from '@tensorflow/tfjs-layers';
import { columnsFigure, type Innovation, windowPartitionFigure } from '@zoo/core-blocks/docs';
import { apply, multiHeadSelfAttention, shiftedWindowAttention } from '@zoo/core-blocks/family';
import { SWIN_SPECS } from './swin.js';
import { VIT_SPECS, type ViTSpec, vitEncoderBlock, vitTokens } from './vit.js';

/**
 * The ideas of this package's families, for the docs site. Every number on those pages comes
 * from profiling the `build` functions below, which use the same blocks as the models.
 */

/** ViT's tokens and its first encoder block, built by the family's own builders, at any patch size. */
function vitOneBlock(x: tfl.SymbolicTensor, spec: Pick<ViTSpec, 'hidden' | 'heads' | 'mlp'>, patchSize: number): tfl.SymbolicTensor {
  const grid = (x.shape[1] as number) / patchSize;
  const tokens = vitTokens(x, { hidden: spec.hidden, patchSize }, [grid, grid], grid);
  return vitEncoderBlock(tokens, spec, 'encoder.layers.encoder_layer_0');
}

const VIT_B = VIT_SPECS.vit_b_16;

const patchTokens: Innovation = {
  id: 'patch-tokens-self-attention',
  title: 'Patch tokens and self-attention (ViT)',
  summary: 'Cut the image into 16×16 patches, treat each as a word, and let a standard Transformer relate every patch to every other.',
  families: ['ViT'],
  body: [
    'The Vision Transformer applies the Transformer of language models to images with as few changes as possible.',
    'The image is cut into non-overlapping **patches** (16×16 pixels for ViT-B/16: a 224×224 image gives 14×14 = 196',
    'patches); each patch is flattened and linearly projected to a vector, a **token** (in practice one convolution',
    'with kernel and stride 16). A learnt *class token* is put in front, a learnt *position embedding* is added so',
    'that the model knows where each patch was, and the sequence goes through a stack of identical encoder blocks.',
    '',
    'Each block is **multi-head self-attention** followed by an MLP, both with LayerNorm before them and a residual',
    'connection around them. In self-attention every token computes a query, a key and a value; the weight of token',
    '*j* for token *i* is the softmax of their query–key products, so from the first layer on every patch can draw on',
    'every other patch, however far apart. The price is that the attention products grow with the *square* of the',
    'number of tokens: halving the patch size quadruples the tokens and multiplies that part by sixteen. The class',
    "token's final state feeds the classifier.",
    '',
    'With little inductive bias (no locality, no translation equivariance built in), ViT needs a lot of data: trained on',
    'ImageNet alone it trails ResNets, pre-trained on JFT-300M or ImageNet-21k it overtakes them.',
  ].join('\n'),
  figure: columnsFigure(
    [
      { title: 'Tokens', boxes: ['224×224 image', '16×16 patches → 196', 'linear projection to 768', '+ class token, positions'] },
      {
        title: 'Encoder block (×12)',
        boxes: ['LayerNorm', 'multi-head attention', '+ input', 'LayerNorm', 'MLP 768→3072→768', '+ input'],
      },
    ],
    'ViT turns an image into a sequence of patch tokens and processes it with Transformer encoder blocks.',
  ),
  comparisons: [
    {
      title: 'Patch size: a 224×224 image as tokens, through one ViT-B encoder block',
      input: [224, 224, 3],
      variants: [32, 16, 8].map((p) => ({
        label: `${p}×${p} patches: ${(224 / p) ** 2} tokens + class token`,
        build: (x: tfl.SymbolicTensor) => vitOneBlock(x, VIT_B, p),
      })),
      note: 'MACs conv+linear grow with the tokens; the attention products (MACs total minus conv+linear) with their square.',
    },
    {
      title: 'One encoder block of each ViT width at 224×224',
      input: [224, 224, 3],
      variants: (Object.entries(VIT_SPECS) as [string, ViTSpec][])
        .filter(([name]) => !name.endsWith('_32'))
        .map(([name, spec]) => ({
          label: `${name}: width ${spec.hidden}, ${spec.heads} heads, MLP ${spec.mlp}, ${spec.patchSize}×${spec.patchSize} patches (${spec.layers} such blocks)`,
          build: (x: tfl.SymbolicTensor) => vitOneBlock(x, spec, spec.patchSize),
        })),
    },
  ],
};

const SWIN_T = SWIN_SPECS.swin_t;
const WINDOW = 7;
const STAGE1 = 56;

const shiftedWindows: Innovation = {
  id: 'shifted-windows',
  title: 'Shifted windows (Swin Transformer)',
  summary: 'Self-attention inside 7×7 windows, whose grid shifts by half a window every other block, in a hierarchy of stages like a CNN.',
  families: ['Swin Transformer'],
  body: [
    "ViT's global self-attention costs the square of the number of tokens, which rules out the fine resolutions",
    'that detection and segmentation need, and it keeps one resolution throughout. Swin fixes both.',
    '',
    '**Windows.** Attention is computed only inside non-overlapping windows of 7×7 tokens. The cost becomes',
    '*linear* in the image size: each token attends to 49 others, wherever it is. On the 56×56 first stage of',
    'Swin-T that is 64 times fewer attention pairs per token than global attention.',
    '',
    '**Shifted windows.** Windows alone never exchange information. So every second block shifts the window grid by',
    'half a window (3 tokens) in both directions: a token near a window border now shares a window with its former',
    'neighbours across the border. The shift is implemented as a cyclic roll of the map with a mask, so the number',
    'of windows, and the cost, stays the same.',
    '',
    '**Hierarchy.** Between stages, *patch merging* concatenates each 2×2 group of tokens and projects it to twice',
    'the channels, halving the resolution: 56, 28, 14, 7, with 96, 192, 384 and 768 channels in Swin-T, the feature',
    'pyramid of a ResNet. Swin also adds a learnt *relative position bias* to the attention of each window.',
  ].join('\n'),
  figure: windowPartitionFigure({
    tokens: 3 * WINDOW,
    window: WINDOW,
    caption: `Shifted windows on a ${3 * WINDOW}×${3 * WINDOW} map of tokens: block l attends within ${WINDOW}×${WINDOW} windows; block l + 1 shifts the window grid by ${Math.floor(WINDOW / 2)}; the cyclic shift rolls the map so that ${WINDOW}×${WINDOW} windows cover it again, with attention masked between the sub-windows it brings together.`,
  }),
  comparisons: [
    {
      title: `Self-attention on the ${STAGE1}×${STAGE1}×${SWIN_T.embedDim} map of Swin-T stage 1 (${SWIN_T.heads[0]} heads)`,
      input: [STAGE1, STAGE1, SWIN_T.embedDim],
      variants: [
        {
          label: `global: every one of the ${STAGE1 * STAGE1} tokens attends to all others`,
          build: (x) => {
            let t = apply(tfl.layers.reshape({ targetShape: [STAGE1 * STAGE1, SWIN_T.embedDim], name: 'tokens' }), x);
            t = multiHeadSelfAttention(t, { numHeads: SWIN_T.heads[0], names: { qkv: 'attn.qkv', attention: 'attn', proj: 'attn.proj' } });
            return apply(tfl.layers.reshape({ targetShape: [STAGE1, STAGE1, SWIN_T.embedDim], name: 'map' }), t);
          },
        },
        {
          label: `${WINDOW}×${WINDOW} windows`,
          build: (x) => shiftedWindowAttention(x, { numHeads: SWIN_T.heads[0], windowSize: WINDOW, shiftSize: 0, name: 'attn' }),
        },
        {
          label: `${WINDOW}×${WINDOW} windows shifted by ${Math.floor(WINDOW / 2)}`,
          build: (x) =>
            shiftedWindowAttention(x, { numHeads: SWIN_T.heads[0], windowSize: WINDOW, shiftSize: Math.floor(WINDOW / 2), name: 'attn' }),
        },
      ],
      note: 'The projections (conv+linear) are the same; the attention products shrink by the ratio of tokens to window size. Shifting costs nothing.',
    },
  ],
};

export const innovations: readonly Innovation[] = [patchTokens, shiftedWindows];
