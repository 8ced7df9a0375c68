import * as tfl from '@tensorflow/tfjs-layers';
import {
  AvgPool2d,
  activation,
  apply,
  batchNorm2d,
  Conv2d,
  ConvTranspose2d,
  type CreateOptions,
  defineFamily,
  defineModel,
  dropPathRateOption,
  layerNorm,
  linear,
  linearClassifier,
  linearDropPathRates,
  type ModelEntry,
  MultiHeadAttention,
  mlp,
  type PaperRef,
  patchEmbed,
  type ResolvedOptions,
  StochasticDepth,
  ZooShapeError,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { lastAtEachReduction } from './stages.js';

/**
 * EdgeViT as its authors wrote it (saic-fi/edgevit, `src/edgevit.py`): four stages, each a patch
 * embedding (conv, channel LayerNorm eps 1e-5) and LGL blocks. A block is a local aggregation
 * (depthwise conv position encoding, BatchNorm, 1x1 / 5x5 depthwise / 1x1 convs, conv MLP; only
 * where the sparse ratio is above 1), then self-attention on a strided subsample of the tokens
 * (`sampler`: AvgPool2d kernel 1, stride sr), propagated back to full resolution by a depthwise
 * transposed conv (`LocalProp`) and a LayerNorm, then a token MLP. BatchNorm, mean over the map,
 * `head`. Layer names are the authors' module paths.
 */
export interface EdgeViTSpec {
  depths: readonly [number, number, number, number];
  dims: readonly [number, number, number, number];
  headDim: number;
}

export const EDGEVIT_SPECS = {
  edgevit_xxs: { depths: [1, 1, 3, 2], dims: [36, 72, 144, 288], headDim: 36 },
  edgevit_xs: { depths: [1, 1, 3, 1], dims: [48, 96, 240, 384], headDim: 48 },
  edgevit_s: { depths: [1, 2, 5, 3], dims: [48, 96, 240, 384], headDim: 48 },
} as const satisfies Record<string, EdgeViTSpec>;

export type EdgeViTName = keyof typeof EDGEVIT_SPECS;

const PAPER: PaperRef = {
  title: 'EdgeViTs: Competing Light-weight CNNs on Mobile Devices with Vision Transformers',
  authors: 'Junting Pan, Adrian Bulat, Fuwen Tan, Xiatian Zhu, Lukasz Dudziak, Hongsheng Li, Georgios Tzimiropoulos, Brais Martinez',
  year: 2022,
  url: 'https://arxiv.org/abs/2205.03436',
};

/** Sparse (subsampling) ratio of the attention per stage, as all three variants set it. */
const SR_RATIOS = [4, 2, 2, 1] as const;
const MLP_RATIO = 4;
/**
 * The authors' training default (`main.py --drop-path 0.1`, used for every variant); their
 * `EdgeVit` class alone defaults to 0.
 */
export const EDGEVIT_DROP_PATH_RATE = 0.1;

/** EdgeViT's creation options: the common ones plus `dropPathRate` (stochastic depth, training only). */
export type EdgeViTOptions = CreateOptions & { dropPathRate?: number };
type EdgeViTResolved = ResolvedOptions & { dropPathRate: number };
/**
 * Patch 4, then three 2x patch embeddings, each flooring as a strided conv does; the authors'
 * attention reshapes its subsampled tokens to the map's sides over the sparse ratio (4, 2, 2 in
 * stages 1-3), which needs sides the ratio divides. Together: sides of 32k to 32k + 3 pixels.
 */
export const EDGEVIT_SIZE_STEP = 32;

/** Whether the authors' code takes a side: each stage's map divides by its sparse ratio (and the last is not empty). */
function takesSide(v: number): boolean {
  let side = v;
  return SR_RATIOS.every((sr, s) => {
    side = Math.floor(side / (s === 0 ? 4 : 2));
    return side > 0 && side % sr === 0;
  });
}

function features(spec: EdgeViTSpec, input: tfl.SymbolicTensor, o: EdgeViTResolved): tfl.SymbolicTensor {
  const [h, w] = o.inputShape;
  if (!takesSide(h) || !takesSide(w)) {
    const near = (v: number) => {
      const k = v - (v % EDGEVIT_SIZE_STEP);
      if (takesSide(v)) return `${v}`;
      return k > 0 ? `${k} to ${k + 3} or ${k + EDGEVIT_SIZE_STEP}` : `${EDGEVIT_SIZE_STEP}`;
    };
    throw new ZooShapeError(
      `Its height and width must each be 32k to 32k + 3 pixels (nearest: ${near(h)} by ${near(w)}), as in the authors' code: ` +
        "each stage's attention subsamples its map by the sparse ratio (4, 2, 2, 1) and reshapes the result to the map's sides over the ratio, " +
        'which the ratio must divide; the patch embeddings drop the 1 to 3 pixels past a multiple of 32.',
    );
  }
  let x = input;
  // The authors' linspace(0, drop_path_rate, total blocks): 0 for the first, the rate for the last.
  const rates = linearDropPathRates(
    o.dropPathRate,
    spec.depths.reduce((a, b) => a + b, 0),
  );
  let blockId = 0;
  spec.dims.forEach((dim, s) => {
    x = patchEmbed(x, {
      dim,
      patchSize: s === 0 ? 4 : 2,
      conv: `patch_embed${s + 1}.proj`,
      norm: { name: `patch_embed${s + 1}.norm`, eps: 1e-5 },
    });
    for (let i = 0; i < spec.depths[s]; i++) {
      x = lglBlock(x, `blocks${s + 1}.${i}`, dim, dim / spec.headDim, SR_RATIOS[s], rates[blockId++]);
    }
  });
  return apply(batchNorm2d('norm'), x);
}

const add = (name: string, a: tfl.SymbolicTensor, b: tfl.SymbolicTensor) => apply(tfl.layers.add({ name }), [a, b]);

type Branch = (y: tfl.SymbolicTensor) => tfl.SymbolicTensor;

/**
 * The module's one `drop_path` (an identity where the rate is 0, as the authors' `nn.Identity`),
 * applied to both residual branches but not to the position encoding; each call draws its own mask.
 */
function dropPath(name: string, rate: number): Branch {
  if (rate === 0) return (y) => y;
  const drop = new StochasticDepth({ rate, name });
  return (y) => apply(drop, y);
}

function lglBlock(x: tfl.SymbolicTensor, name: string, dim: number, heads: number, sr: number, rate: number): tfl.SymbolicTensor {
  if (sr > 1) x = localAgg(x, `${name}.LocalAgg`, dim, dropPath(`${name}.LocalAgg.drop_path`, rate));
  return selfAttn(x, `${name}.SelfAttn`, dim, heads, sr, dropPath(`${name}.SelfAttn.drop_path`, rate));
}

const dwConv = (name: string, dim: number, k: number) =>
  new Conv2d({ name, filters: dim, kernelSize: k, padding: (k - 1) / 2, groups: dim });
const pwConv = (name: string, filters: number) => new Conv2d({ name, filters, kernelSize: 1 });

/** x + pos_embed(x); x + conv2(attn(conv1(norm1(x)))); x + mlp(norm2(x)) with 1x1-conv MLP. */
function localAgg(x: tfl.SymbolicTensor, n: string, dim: number, branch: Branch): tfl.SymbolicTensor {
  x = add(`${n}.add_pos`, x, apply(dwConv(`${n}.pos_embed`, dim, 3), x));
  let y = apply(batchNorm2d(`${n}.norm1`), x);
  y = apply(pwConv(`${n}.conv2`, dim), apply(dwConv(`${n}.attn`, dim, 5), apply(pwConv(`${n}.conv1`, dim), y)));
  x = add(`${n}.add_1`, x, branch(y));
  y = apply(batchNorm2d(`${n}.norm2`), x);
  y = apply(pwConv(`${n}.mlp.fc2`, dim), apply(activation('gelu', `${n}.mlp.act`), apply(pwConv(`${n}.mlp.fc1`, dim * MLP_RATIO), y)));
  return add(`${n}.add_2`, x, branch(y));
}

/**
 * x + pos_embed(x); x + attn(norm1(x)); x + mlp(norm2(x)). Token-wise layers act on the NHWC map
 * directly (the reference's flatten to tokens is row-major, the same order).
 */
function selfAttn(x: tfl.SymbolicTensor, n: string, dim: number, heads: number, sr: number, branch: Branch): tfl.SymbolicTensor {
  x = add(`${n}.add_pos`, x, apply(dwConv(`${n}.pos_embed`, dim, 3), x));
  let y = apply(layerNorm(`${n}.norm1`, 1e-6), x);
  y = globalSparseAttn(y, `${n}.attn`, dim, heads, sr);
  x = add(`${n}.add_1`, x, branch(y));
  y = apply(layerNorm(`${n}.norm2`, 1e-6), x);
  y = mlp(y, { hidden: dim * MLP_RATIO, out: dim, names: { fc1: `${n}.mlp.fc1`, act: `${n}.mlp.act`, fc2: `${n}.mlp.fc2` } });
  return add(`${n}.add_2`, x, branch(y));
}

function globalSparseAttn(x: tfl.SymbolicTensor, n: string, dim: number, heads: number, sr: number): tfl.SymbolicTensor {
  const [, h, w] = x.shape as [null, number, number, number];
  let y = sr > 1 ? apply(new AvgPool2d({ name: `${n}.sampler`, poolSize: 1, strides: sr }), x) : x;
  const [sh, sw] = [h / sr, w / sr];
  y = apply(tfl.layers.reshape({ targetShape: [sh * sw, dim], name: `${n}.tokens` }), y);
  y = apply(linear(3 * dim, `${n}.qkv`), y);
  y = apply(new MultiHeadAttention({ numHeads: heads, name: n }), y);
  y = apply(tfl.layers.reshape({ targetShape: [sh, sw, dim], name: `${n}.map` }), y);
  if (sr > 1) {
    y = apply(new ConvTranspose2d({ name: `${n}.LocalProp`, filters: dim, kernelSize: sr, strides: sr, groups: dim }), y);
    y = apply(layerNorm(`${n}.norm`, 1e-5), y);
  }
  return apply(linear(dim, `${n}.proj`), y);
}

/**
 * The authors' modules, each the last output at its reduction (no timm counterpart): the last
 * LGL block of stages 1-3 (4, 8, 16), then the final `norm` after stage 4 (32).
 */
function stages({ depths, dims }: EdgeViTSpec) {
  return lastAtEachReduction([
    ...dims.map((dim, s) => {
      const block = `blocks${s + 1}.${depths[s] - 1}`;
      return [`${block}.SelfAttn.add_2`, block, dim, s ? 2 : 4] as const;
    }),
    ['norm', 'norm', dims[3], 1],
  ]);
}

function classifier(x: tfl.SymbolicTensor, o: ResolvedOptions): tfl.SymbolicTensor {
  return linearClassifier(x, o, { pool: 'avgpool', fc: 'head' });
}

/** One variant per row of `EDGEVIT_SPECS`; models.generated.ts exports each variant. */
export const EDGEVIT = /* @__PURE__ */ defineFamily(EDGEVIT_SPECS, (name, spec, weights): ModelEntry<EdgeViTOptions> => {
  return defineModel<EdgeViTOptions, EdgeViTResolved>({
    name,
    weights,
    family: 'EdgeViT',
    package: PACKAGE,
    paper: PAPER,
    extraOptions: {
      dropPathRate: dropPathRateOption(EDGEVIT_DROP_PATH_RATE, "the authors' training script's drop_path_rate"),
    },
    architecture: { features: (input, o) => features(spec, input, o), classifier, stages: () => stages(spec) },
  });
});
