import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type LayerStateDict, sameLayout } from '../keys/rules.js';
import { type InitName, initializer } from './init.js';
import { type MacCount, ZERO_MACS } from './macs.js';
import { bicubicAntialiasMatrix } from './resample.js';

const first = (s: tfl.Shape | tfl.Shape[]) => (Array.isArray(s[0]) ? s[0] : s) as tfl.Shape;

export interface ClassTokenArgs extends LayerArgs {
  /** Initialisation of the token (torchvision: zeros). */
  init?: InitName;
}

/**
 * A learned token put in front of the sequence, `[B, N, D]` to `[B, N + 1, D]`. Its one weight
 * is named after the parameter it holds (`class_token`), so the layer name is the checkpoint key.
 */
export class ClassToken extends tfl.layers.Layer {
  static className = 'ClassToken';
  readonly init: InitName;
  private token?: tfl.LayerVariable;

  constructor(args: ClassTokenArgs) {
    super(args);
    this.init = args.init ?? 'zeros';
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const d = first(inputShape)[2];
    if (d == null) throw new ZooOptionError(`ClassToken \`${this.name}\`: input`, first(inputShape), '[batch, tokens, dim]');
    this.token = this.addWeight('class_token', [1, 1, d], 'float32', initializer(this.init));
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [b, n, d] = first(inputShape);
    return [b, n == null ? null : n + 1, d];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      return tf.concat([tf.tile(this.token!.read(), [x.shape[0], 1, 1]), x], 1);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  /** The checkpoint key is the layer's name (torchvision: `class_token`, a parameter of the model itself). */
  stateDictParams(): LayerStateDict {
    return { params: [sameLayout(this.name, this.token!)] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init: this.init };
  }
}

export interface TakeTokenArgs extends LayerArgs {
  index?: number;
}

/** One token of the sequence, `[B, N, D]` to `[B, D]` (`x[:, 0]`: the class token). */
export class TakeToken extends tfl.layers.Layer {
  static className = 'TakeToken';
  readonly index: number;

  constructor(args: TakeTokenArgs) {
    super(args);
    this.index = args.index ?? 0;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [b, , d] = first(inputShape);
    return [b, d];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      return tf.reshape(tf.slice(x, [0, this.index, 0], [-1, 1, -1]), [x.shape[0], x.shape[2]]);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), index: this.index };
  }
}

export interface PositionEmbeddingArgs extends LayerArgs {
  /** Patch grid `[rows, cols]` the stored embedding covers (the reference's: 14x14 for ViT-B/16). */
  grid: [number, number];
  /** Patch grid of this model's input; when it differs, the embedding is resampled to it. */
  tokenGrid?: [number, number];
  /** Tokens in front of the patches (class token) whose embeddings are never resampled. */
  prefixTokens?: number;
  init?: InitName;
}

/**
 * A learned absolute position embedding added to `[B, prefix + rows * cols, D]` tokens. The
 * weight `pos_embedding` keeps the reference's shape, `[1, prefix + grid area, D]`, so a
 * checkpoint loads whatever the input size. For another patch grid, the patch part is resampled
 * as timm's `resample_abs_pos_embed` does (bicubic, antialias, not align_corners), exactly, as
 * two matrix products; the prefix embeddings are used as they are.
 */
export class PositionEmbedding extends tfl.layers.Layer {
  static className = 'PositionEmbedding';
  readonly grid: [number, number];
  readonly tokenGrid: [number, number];
  readonly prefixTokens: number;
  readonly init: InitName;
  private embedding?: tfl.LayerVariable;

  constructor(args: PositionEmbeddingArgs) {
    super(args);
    this.grid = [args.grid[0], args.grid[1]];
    this.tokenGrid = args.tokenGrid ? [args.tokenGrid[0], args.tokenGrid[1]] : [...this.grid];
    this.prefixTokens = args.prefixTokens ?? 0;
    this.init = args.init ?? 'truncNormal02';
    for (const v of [...this.grid, ...this.tokenGrid]) {
      if (!Number.isInteger(v) || v < 1)
        throw new ZooOptionError(`PositionEmbedding \`${args.name ?? '?'}\`: grid`, v, 'positive integers');
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [, n, d] = first(inputShape);
    const expected = this.prefixTokens + this.tokenGrid[0] * this.tokenGrid[1];
    if (d == null || (n != null && n !== expected)) {
      throw new ZooOptionError(`PositionEmbedding \`${this.name}\`: input`, first(inputShape), `[batch, ${expected}, dim]`);
    }
    this.embedding = this.addWeight(
      'pos_embedding',
      [1, this.prefixTokens + this.grid[0] * this.grid[1], d],
      'float32',
      initializer(this.init),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return first(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D, this.embeddingFor()));
  }

  /** The embedding at this layer's token grid, resampled when it differs from the stored grid. */
  private embeddingFor(): tf.Tensor {
    const pos = this.embedding!.read();
    const [gh, gw] = this.grid;
    const [th, tw] = this.tokenGrid;
    if (gh === th && gw === tw) return pos;
    const d = pos.shape[2]!;
    const p = this.prefixTokens;
    const [prefix, patches] = tf.split(pos, [p, gh * gw], 1);
    // Rows: [th, gh] x [gh, gw * d]; then columns, with the column axis brought to the front.
    const ah = tf.tensor2d(bicubicAntialiasMatrix(gh, th), [th, gh]);
    const aw = tf.tensor2d(bicubicAntialiasMatrix(gw, tw), [tw, gw]);
    const rows = tf.reshape(tf.matMul(ah, tf.reshape(patches, [gh, gw * d])), [th, gw, d]);
    const cols = tf.matMul(aw, tf.reshape(tf.transpose(rows, [1, 0, 2]), [gw, th * d]));
    const resampled = tf.reshape(tf.transpose(tf.reshape(cols, [tw, th, d]), [1, 0, 2]), [1, th * tw, d]);
    return p > 0 ? tf.concat([prefix, resampled], 1) : resampled;
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  /** The checkpoint key is the layer's name (torchvision: `encoder.pos_embedding`), in the reference's shape. */
  stateDictParams(): LayerStateDict {
    return { params: [sameLayout(this.name, this.embedding!)] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), grid: this.grid, tokenGrid: this.tokenGrid, prefixTokens: this.prefixTokens, init: this.init };
  }
}
