import * as tfl from '@tensorflow/tfjs-layers';
import { apply } from '../layers/apply.js';
import { MultiHeadAttention } from '../layers/attention.js';
import { InProjection } from '../layers/in-projection.js';
import type { InitName } from '../layers/init.js';
import { linear } from '../layers/linear.js';
import { WindowAttention } from '../layers/window-attention.js';

export interface SelfAttentionArgs {
  numHeads: number;
  /**
   * Layer names: the packed q/k/v Linear, the attention core, the output Linear (torchvision
   * ViT: `self_attention.in_proj`, `self_attention`, `self_attention.out_proj`; timm and Swin:
   * `attn.qkv`, `attn`, `attn.proj`).
   */
  names: { qkv: string; attention: string; proj: string };
  qkvBias?: boolean;
  /**
   * `nn.MultiheadAttention` (torchvision ViT): the q/k/v projection is the attention module's
   * own `in_proj_weight`/`in_proj_bias`, held by an `InProjection` layer. Otherwise a Linear `qkv`.
   */
  torchMultiheadAttention?: boolean;
  init?: InitName;
}

/** Multi-head self-attention over `[B, N, D]` tokens: qkv Linear, attention, output Linear. */
export function multiHeadSelfAttention(
  x: tfl.SymbolicTensor,
  { numHeads, names, qkvBias = true, torchMultiheadAttention = false, init }: SelfAttentionArgs,
): tfl.SymbolicTensor {
  const dim = x.shape[x.shape.length - 1]!;
  const qkv = torchMultiheadAttention
    ? new InProjection({ units: 3 * dim, attention: names.attention, name: names.qkv, init })
    : linear(3 * dim, names.qkv, { bias: qkvBias, init });
  let y = apply(qkv, x);
  y = apply(new MultiHeadAttention({ numHeads, name: names.attention }), y);
  return apply(linear(dim, names.proj, { init }), y);
}

export interface WindowAttentionBlockArgs {
  numHeads: number;
  windowSize: number;
  shiftSize: number;
  /** Module path of the attention (`features.1.0.attn`): holds the bias table; `.qkv`, `.proj` are its Linears. */
  name: string;
  init?: InitName;
  /**
   * `'torchvision'` (default): pad to whole windows, then roll by the shift inside the attention.
   * `'timm'`: roll the map first, then pad (timm's `SwinTransformerBlock._attn`); the same
   * function when the map is a whole number of windows, another where padding is needed.
   */
  order?: 'torchvision' | 'timm';
}

/** `torch.roll` of an NHWC map by `dh`, `dw` (negative: up, left), with built-in cropping and concatenation layers. */
function rollLayers(x: tfl.SymbolicTensor, dh: number, dw: number, name: string): tfl.SymbolicTensor {
  const [, h, w] = x.shape as [null, number, number, number];
  const along = (y: tfl.SymbolicTensor, d: number, n: number, axis: 1 | 2, tag: string) => {
    const s = ((-d % n) + n) % n; // rows (columns) that move from the start to the end
    if (s === 0) return y;
    const crop = (a: number, b: number, part: string) =>
      apply(
        tfl.layers.cropping2D({
          cropping:
            axis === 1
              ? [
                  [a, b],
                  [0, 0],
                ]
              : [
                  [0, 0],
                  [a, b],
                ],
          name: `${name}.${tag}_${part}`,
        }),
        y,
      );
    return apply(tfl.layers.concatenate({ axis, name: `${name}.${tag}` }), [crop(s, 0, 'tail'), crop(0, n - s, 'head')]);
  };
  return along(along(x, dh, h, 1, 'roll_h'), dw, w, 2, 'roll_w');
}

/**
 * torchvision's `ShiftedWindowAttention` on an NHWC map: pad bottom/right to whole windows
 * (before the qkv Linear, so padded tokens carry its bias, as in torchvision), qkv, windowed
 * attention, proj, crop. The proj Linear acts per token, so applying it before or after the
 * windows are merged back is the same function.
 */
export function shiftedWindowAttention(
  x: tfl.SymbolicTensor,
  { numHeads, windowSize, shiftSize, name, init, order = 'torchvision' }: WindowAttentionBlockArgs,
): tfl.SymbolicTensor {
  const [, h, w, dim] = x.shape as [null, number, number, number];
  // timm's order: roll the unpadded map (along an axis longer than the window), pad, attend, crop, roll back.
  const [sh, sw] = [h > windowSize ? shiftSize : 0, w > windowSize ? shiftSize : 0];
  const rollFirst = order === 'timm' && (sh > 0 || sw > 0);
  if (rollFirst) x = rollLayers(x, -sh, -sw, `${name}.shift`);
  const padB = (windowSize - (h % windowSize)) % windowSize;
  const padR = (windowSize - (w % windowSize)) % windowSize;
  const padded = padB || padR;
  let y = padded
    ? apply(
        tfl.layers.zeroPadding2d({
          padding: [
            [0, padB],
            [0, padR],
          ],
          name: `${name}.pad`,
        }),
        x,
      )
    : x;
  y = apply(linear(3 * dim, `${name}.qkv`, { init }), y);
  y = apply(new WindowAttention({ numHeads, windowSize, shiftSize, name, ...(rollFirst ? { rolledOutside: true } : {}) }), y);
  y = apply(linear(dim, `${name}.proj`, { init }), y);
  if (padded) {
    y = apply(
      tfl.layers.cropping2D({
        cropping: [
          [0, padB],
          [0, padR],
        ],
        name: `${name}.crop`,
      }),
      y,
    );
  }
  return rollFirst ? rollLayers(y, sh, sw, `${name}.unshift`) : y;
}
