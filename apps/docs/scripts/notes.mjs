// The survey notes' tables, checked: each figure as the notes print it beside the zoo's measured
// one, and the reason for every difference, computed here from the zoo's own models. The notes are
// the copy scripts/sync-reference.mjs keeps in packages/reference/data/seed/; the measured figures
// are the reference data's, which the zoo's profile equals (asserted below). No figure and no
// verdict is typed: the mapping says which zoo model (and, where the notes mean another one, which
// variant) a row denotes, and every reason is a count that reproduces the notes' text at the
// precision they print, or is labelled "not reproduced" with what was tried.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit } from '@zoo/core-blocks/family';
import { profileModel } from '@zoo/profiler';
import { getReference } from '@zoo/reference';

// ---------------------------------------------------------------------------------------------
// The notes and their tables

/** Where the repository keeps its copy of the survey notes (packages/reference/data/seed). */
export const SEED_DIR = join(dirname(fileURLToPath(import.meta.resolve('@zoo/reference/package.json'))), 'data', 'seed');

/** The notes' file: the one text file of the copy. */
export function notesFile() {
  const names = readdirSync(SEED_DIR).filter((n) => n.endsWith('.txt'));
  if (names.length !== 1) throw new Error(`notes: expected one survey-notes file in ${SEED_DIR}, found ${names.length}`);
  return join(SEED_DIR, names[0]);
}

const isRow = (line) => /^\s*\|.*\|\s*$/.test(line);
const cellsOf = (line) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
const isSeparator = (line) => isRow(line) && cellsOf(line).every((c) => /^:?-{3,}:?$/.test(c));

/**
 * Every markdown table of the text: its heading (the last one above it), header cells, and rows
 * with their line numbers. Blank rows are left out (counted in `blankRows`); a row whose first cell
 * is blank continues the network of the row above (`network`, with `continued: true`).
 */
export function parseNotesTables(text) {
  const lines = text.split(/\r?\n/);
  const tables = [];
  let heading = null;
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (h) {
      heading = h[1].trim();
      continue;
    }
    if (!(isRow(lines[i]) && i + 1 < lines.length && isSeparator(lines[i + 1]))) continue;
    const table = { heading, line: i + 1, headers: cellsOf(lines[i]), rows: [], blankRows: 0 };
    let network = null;
    let j = i + 2;
    for (; j < lines.length && isRow(lines[j]); j++) {
      const cells = cellsOf(lines[j]);
      if (cells.every((c) => c === '')) {
        table.blankRows++;
        continue;
      }
      const continued = cells[0] === '';
      if (!continued) network = cells[0];
      table.rows.push({ line: j + 1, network, continued, cells });
    }
    tables.push(table);
    i = j - 1;
  }
  return tables;
}

/** The columns of a figure table (network, backbone, parameters, "FLOPs"), or null for another table. */
export function figureColumns(table) {
  const at = (name) => table.headers.findIndex((h) => h.includes(name));
  const cols = { network: at('网络名称'), label: at('backbone'), params: at('参数量'), macs: at('浮点数') };
  return Object.values(cols).every((c) => c >= 0) ? cols : null;
}

/** The notes' figure tables, each row with its label and the two figures as written. */
export function notesFigureTables(text = readFileSync(notesFile(), 'utf8')) {
  return parseNotesTables(text)
    .map((t) => ({ table: t, cols: figureColumns(t) }))
    .filter((t) => t.cols)
    .map(({ table, cols }) => ({
      ...table,
      rows: table.rows.map((r) => ({
        line: r.line,
        network: r.network,
        continued: r.continued,
        label: r.cells[cols.label],
        params: r.cells[cols.params],
        macs: r.cells[cols.macs],
      })),
    }));
}

const UNITS = { K: 1e3, M: 1e6, G: 1e9 };

/** A figure as the notes print it ("138.358M", "86M", "0.6G"): value, unit and printed decimals; null when blank. */
export function parseFigure(text) {
  if (text === '') return null;
  const m = /^(\d+(?:\.(\d+))?)\s*([KMG])$/.exec(text);
  if (!m) throw new Error(`notes: cannot read the figure "${text}"`);
  return { text, value: Number(m[1]) * UNITS[m[3]], unit: m[3], decimals: m[2]?.length ?? 0 };
}

/** `n` printed as the notes print `fig` (its unit, its decimals, rounded). */
export const formatAs = (n, fig) => `${(n / UNITS[fig.unit]).toFixed(fig.decimals)}${fig.unit}`;
/** `n` cut (not rounded) to the notes' decimals. */
const truncateAs = (n, fig) => {
  const f = 10 ** fig.decimals;
  return `${(Math.floor((n / UNITS[fig.unit]) * f) / f).toFixed(fig.decimals)}${fig.unit}`;
};

// ---------------------------------------------------------------------------------------------
// thop's count, from the zoo's layers

const elements = (shape) => shape.slice(1).reduce((a, d) => a * (d ?? 1), 1);
const spatial = (shape) => (shape.length === 4 ? shape[1] * shape[2] : 1);
const callsOf = (layer) =>
  layer.inboundNodes.map((node) => ({
    inputs: Array.isArray(node.inputShapes[0]) ? node.inputShapes : [node.inputShapes],
    output: Array.isArray(node.outputShapes[0]) ? node.outputShapes[0] : node.outputShapes,
  }));

/** The model's layers with the names the profiler gives them (nested models prefixed). */
function flatLayers(model, prefix = '') {
  return model.layers.flatMap((l) => (l instanceof tfl.LayersModel ? flatLayers(l, `${prefix}${l.name}/`) : [[prefix + l.name, l]]));
}

const CONV = new Set(['Conv2d', 'Conv2D', 'Conv1D', 'DepthwiseConv2D']);
const LINEAR = new Set(['Dense', 'InProjection']);
const ZERO = new Set([
  'InputLayer',
  'ReLU',
  'Activation',
  'ZooActivation',
  'MaxPool2d',
  'MaxPooling2D',
  'Add',
  'Multiply',
  'Concatenate',
  'Reshape',
  'Flatten',
  'Permute',
  'Dropout',
  'StochasticDepth',
  'ChannelShuffle',
  'ChannelSplit',
  'PatchMerge',
  'TakeToken',
  'ZeroPadding2D',
  'MultiHeadAttention',
]);
/** Parameters thop never sees: of nn.LayerNorm (no rule), or held directly by a module with children. */
const UNSEEN_PARAMS = {
  LayerNormalization: 'layerNorm',
  ClassToken: 'tokens',
  PositionEmbedding: 'tokens',
  LayerScale: 'layerScale',
  WindowAttention: 'relPos',
};

/**
 * What thop's 2020 releases (0.0.31, the `pip install thop` of 2020-2022) report for the model, from
 * its layers: thop counts only modules of the types it has a rule for, and then a convolution is
 * output elements x (input channels / groups x kernel area + 1 if it has a bias); a Linear, output
 * elements x input features (no bias); a BatchNorm, 2 per element; an adaptive average pool, (kernel
 * area + 1) per output element; an average pool, 1 per output element; ReLU, max pooling, dropout
 * zero. Modules without a rule (LayerNorm, GELU, SiLU, Hardswish, softmax) count zero operations
 * and zero parameters, and so do parameters held by a module with children (class token, position
 * embedding, layer scale, Swin's relative-position table). Matrix products written as function
 * calls (attention) are not seen. Every linear layer is taken as a module call, as in timm's and the
 * authors' code.
 *
 * `layout` describes the implementation the notes counted where it differs from the zoo's:
 * `functional` names the zoo layers it computes with a function call (thop sees no module there),
 * `without` the layers it does not have, `biasEverywhere` that every convolution and linear layer
 * carries a bias. `plain` is the same implementation counted as the reference data counts
 * (trainable parameters; conv + linear MACs).
 */
export function thop2020(model, layout = {}) {
  const profile = profileModel(model);
  if (profile.uncounted.length) throw new Error(`notes: ${model.name} has layers the profiler cannot count`);
  const rows = new Map(profile.layers.map((r) => [r.name, r]));
  const functional = new Set(layout.functional ?? []);
  const without = new Set(layout.without ?? []);
  for (const n of [...functional, ...without]) if (!rows.has(n)) throw new Error(`notes: ${model.name} has no layer ${n}`);
  const macs = { convLinear: 0, convBias: 0, convTranspose: 0, batchNorm: 0, avgPool: 0, upsample: 0 };
  const params = { counted: 0, layerNorm: 0, tokens: 0, layerScale: 0, relPos: 0, addedBias: 0, removed: 0 };
  const plain = { params: 0, convLinear: 0 };
  let biased = 0;
  for (const [name, layer] of flatLayers(model)) {
    const row = rows.get(name);
    const cls = row.className;
    const cfg = layer.getConfig();
    if (without.has(name)) {
      params.removed += row.trainableParams;
      continue;
    }
    plain.params += row.trainableParams;
    plain.convLinear += row.macs.convLinear;
    const calls = callsOf(layer);
    if (CONV.has(cls) || LINEAR.has(cls)) {
      const hasBias = cfg.useBias ?? true;
      if (!hasBias && layout.biasEverywhere) {
        const added = cls === 'DepthwiseConv2D' ? calls[0].inputs[0].at(-1) * (cfg.depthMultiplier ?? 1) : (cfg.filters ?? cfg.units);
        params.addedBias += added;
        plain.params += added;
      }
      params.counted += row.trainableParams;
      macs.convLinear += row.macs.convLinear;
      if (CONV.has(cls) && (hasBias || layout.biasEverywhere)) {
        for (const c of calls) macs.convBias += elements(c.output);
        biased++;
      }
    } else if (cls === 'ConvTranspose2d') {
      // thop counts a transposed conv like a conv: per output element, not per input element.
      const k = cfg.kernelSize.reduce((a, b) => a * b, 1);
      params.counted += row.trainableParams;
      macs.convLinear += row.macs.convLinear;
      for (const c of calls) {
        macs.convTranspose +=
          elements(c.output) * (c.inputs[0].at(-1) / cfg.groups) * k - elements(c.inputs[0]) * (cfg.filters / cfg.groups) * k;
        if (cfg.useBias) macs.convBias += elements(c.output);
      }
    } else if (cls === 'BatchNormalization') {
      params.counted += row.trainableParams;
      for (const c of calls) macs.batchNorm += 2 * elements(c.output);
    } else if (cls in UNSEEN_PARAMS) {
      if (row.macs.convLinear !== 0) throw new Error(`notes: ${name} (${cls}) has conv/linear MACs thop would count elsewhere`);
      params[UNSEEN_PARAMS[cls]] += row.trainableParams;
    } else if (cls === 'GlobalAveragePooling2D' || cls === 'AdaptiveAvgPool2d') {
      if (!functional.has(name))
        for (const c of calls) macs.avgPool += (Math.floor(spatial(c.inputs[0]) / spatial(c.output)) + 1) * elements(c.output);
    } else if (cls === 'AvgPool2d' || cls === 'AveragePooling2D') {
      if (!functional.has(name)) for (const c of calls) macs.avgPool += elements(c.output);
    } else if (cls === 'UpSampling2D') {
      if (cfg.interpolation === 'bilinear' && !functional.has(name)) for (const c of calls) macs.upsample += 11 * elements(c.output);
    } else if (!ZERO.has(cls) || row.trainableParams !== 0) {
      throw new Error(`notes: no thop rule for ${name} (${cls})`);
    }
  }
  const total = Object.values(macs).reduce((a, b) => a + b, 0);
  return {
    params: params.counted + params.addedBias,
    macs: total,
    parts: { macs, params },
    biasedConvs: biased,
    plain: { params: plain.params, macs: plain.convLinear },
    profile,
  };
}

// ---------------------------------------------------------------------------------------------
// Variants the notes counted that the zoo does not build by name

/**
 * DenseNet-BC for CIFAR (Huang et al., L = 100, k = 12: three dense blocks of 16 bottleneck
 * layers, compression 0.5, a 3x3 stem conv of 2k channels without pooling), here at 224x224 with a
 * 1000-class head, laid out as torchvision's DenseNet is (transitions pool with an AvgPool2d
 * module, the head with a function call), built from tfjs layers.
 */
function denseNetBC({ depth = 100, growth = 12, compression = 0.5, classes = 1000, size = 224 } = {}) {
  const L = tfl.layers;
  const zeros = { kernelInitializer: 'zeros', useBias: false };
  const perBlock = (depth - 4) / 6;
  const input = tfl.input({ shape: [size, size, 3], name: 'input' });
  let x = L.conv2d({ filters: 2 * growth, kernelSize: 3, padding: 'same', name: 'conv0', ...zeros }).apply(input);
  let channels = 2 * growth;
  const norm = (t, name) => L.activation({ activation: 'relu', name: `${name}.relu` }).apply(L.batchNormalization({ name }).apply(t));
  for (let b = 0; b < 3; b++) {
    for (let i = 0; i < perBlock; i++) {
      const p = `block${b + 1}.layer${i + 1}`;
      let y = L.conv2d({ filters: 4 * growth, kernelSize: 1, name: `${p}.conv1`, ...zeros }).apply(norm(x, `${p}.norm1`));
      y = L.conv2d({ filters: growth, kernelSize: 3, padding: 'same', name: `${p}.conv2`, ...zeros }).apply(norm(y, `${p}.norm2`));
      x = L.concatenate({ name: `${p}.cat` }).apply([x, y]);
      channels += growth;
    }
    if (b < 2) {
      channels = Math.floor(channels * compression);
      const p = `transition${b + 1}`;
      x = L.conv2d({ filters: channels, kernelSize: 1, name: `${p}.conv`, ...zeros }).apply(norm(x, `${p}.norm`));
      x = L.averagePooling2d({ poolSize: 2, strides: 2, name: `${p}.pool` }).apply(x);
    }
  }
  x = L.globalAveragePooling2d({ name: 'avgpool' }).apply(norm(x, 'norm_final'));
  const out = L.dense({ units: classes, kernelInitializer: 'zeros', name: 'classifier' }).apply(x);
  return { model: tfl.model({ inputs: input, outputs: out, name: 'densenet_bc_100_k12' }), layout: { functional: ['avgpool'] } };
}

/**
 * HRNetV2's semantic-segmentation model (Wang et al., HRNet-Semantic-Segmentation): the zoo's
 * HRNet up to its four stage-4 branches (the tensors its classification head starts from), each
 * upsampled to the 1/4 branch (a function call there) and concatenated, then a 1x1 conv with bias,
 * BatchNorm, ReLU and a 1x1 conv with bias to the classes (19: Cityscapes).
 */
function hrnetSegmentation(full, classes = 19) {
  const L = tfl.layers;
  const branches = [0, 1, 2, 3].map((i) => full.getLayer(`incre_modules.${i}.0.conv1`).input);
  const side = branches[0].shape[1];
  const up = branches.map((t, i) =>
    i === 0
      ? t
      : L.upSampling2d({ size: [side / t.shape[1], side / t.shape[1]], interpolation: 'bilinear', name: `seg.upsample${i}` }).apply(t),
  );
  const cat = L.concatenate({ name: 'seg.cat' }).apply(up);
  const width = cat.shape[3];
  let x = L.conv2d({ filters: width, kernelSize: 1, kernelInitializer: 'zeros', name: 'seg.last_layer.0' }).apply(cat);
  x = L.batchNormalization({ name: 'seg.last_layer.1' }).apply(x);
  x = L.reLU({ name: 'seg.last_layer.2' }).apply(x);
  x = L.conv2d({ filters: classes, kernelSize: 1, kernelInitializer: 'zeros', name: 'seg.last_layer.3' }).apply(x);
  const model = tfl.model({ inputs: full.inputs, outputs: x, name: `${full.name}_seg${classes}` });
  return { model, layout: { functional: [1, 2, 3].map((i) => `seg.upsample${i}`) } };
}

// ---------------------------------------------------------------------------------------------
// The mapping: each row label of the notes to the zoo model it denotes (and the variant it means
// where that is not the zoo's model). `layout` says how the implementation the notes counted calls
// what the zoo's layers compute (see thop2020); `variants` are counted too, in order; `context` is
// what the notes do not say, for the reader.

const TV_FUNCTIONAL_HEAD = 'its head pools with a function call (F.adaptive_avg_pool2d or a mean), not a module';

export const NOTES_MODELS = {
  VGG16: { model: 'vgg16' },
  VGG19: { model: 'vgg19' },
  ResNet50: { model: 'resnet50' },
  ResNet101: { model: 'resnet101' },
  ResNext50: { model: 'resnext50_32x4d' },
  DenseNet: {
    model: 'densenet121',
    context: 'The row names no depth; torchvision’s default DenseNet is DenseNet-121.',
    variants: [
      {
        id: 'densenet_bc_100_k12',
        label: 'DenseNet-BC-100 (CIFAR)',
        about:
          'DenseNet-BC with L = 100 and k = 12, the paper’s CIFAR model (3×3 stem conv, no pooling before the first block, three dense blocks), at 224×224 with 1000 classes, laid out like torchvision’s DenseNet; built here from tfjs layers',
        build: () => denseNetBC(),
      },
    ],
  },
  densenet121: { model: 'densenet121', layout: { functional: ['avgpool'] }, layoutNote: TV_FUNCTIONAL_HEAD },
  densenet201: { model: 'densenet201', layout: { functional: ['avgpool'] }, layoutNote: TV_FUNCTIONAL_HEAD },
  MobleNetV1: { model: 'mobilenet_v1_100' },
  MobleNetV2: { model: 'mobilenet_v2', layout: { functional: ['avgpool'] }, layoutNote: TV_FUNCTIONAL_HEAD },
  mobilenet_v3_small: { model: 'mobilenet_v3_small' },
  ShuffleNetV1: {
    model: 'shufflenet_v1_g3_x1_0',
    context: 'The row names no group count or width; mapped to g = 3, 1.0×.',
    variants: [
      {
        id: 'shufflenet_v1_g3_biased',
        label: 'g=3, a bias in every conv',
        about:
          'the same g = 3, 1.0× network laid out as the popular third-party PyTorch ShuffleNet (jaxony/ShuffleNet) lays it out: a bias in every convolution and in the classifier, no BatchNorm after the stem conv, pooling by function calls; counted from the zoo’s layers',
        base: true,
        layout: (profile) => ({
          biasEverywhere: true,
          without: [profile.layers.find((l) => l.className === 'BatchNormalization').name],
          functional: profile.layers.filter((l) => l.className === 'AvgPool2d').map((l) => l.name),
        }),
      },
    ],
  },
  ShuffleNetV2_b1: {
    model: 'shufflenet_v2_x1_0',
    layout: { functional: ['globalpool'] },
    layoutNote: TV_FUNCTIONAL_HEAD,
    context: 'What “b1” denotes is not said; mapped to the 1.0× width, the other widths tried.',
    variants: ['shufflenet_v2_x0_5', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0'].map((name) => ({
      id: name,
      label: name,
      about: `the zoo’s ${name}`,
      model: name,
      layout: { functional: ['globalpool'] },
    })),
  },
  hrnet18: {
    model: 'hrnet_w18',
    variants: [
      {
        id: 'hrnet_w18_seg19',
        label: 'HRNetV2-W18, segmentation',
        about: segAbout('W18'),
        build: (zoo) => hrnetSegmentation(zoo('hrnet_w18').model),
      },
    ],
  },
  hrnet48: {
    model: 'hrnet_w48',
    variants: [
      {
        id: 'hrnet_w48_seg19',
        label: 'HRNetV2-W48, segmentation',
        about: segAbout('W48'),
        build: (zoo) => hrnetSegmentation(zoo('hrnet_w48').model),
      },
    ],
  },
  efficientnet_b0: { model: 'efficientnet_b0' },
  efficientnet_b7: { model: 'efficientnet_b7' },
  'ViT-B/16': { model: 'vit_b_16' },
  'ViT-Large': {
    model: 'vit_l_16',
    context: 'The row names no patch size (mapped to 16, as ViT-B/16 above); the ViT paper’s Table 1 prints 307M for ViT-Large.',
    variants: [{ id: 'vit_l_32', label: 'ViT-L/32', about: 'the zoo’s vit_l_32 (patch size 32)', model: 'vit_l_32' }],
  },
  'ViT-Huge': { model: 'vit_h_14' },
  'swin-transformer': {
    model: 'swin_t',
    layout: { functional: ['avgpool'] },
    layoutNote:
      'counted as on timm’s or the authors’ Swin, whose attention projections are nn.Linear calls and whose head pools with a mean',
  },
  convnext_tiny: {
    model: 'convnext_tiny',
    variants: [
      {
        id: 'convnext_tiny_mean_head',
        label: 'the authors’ layout',
        about: 'the zoo’s convnext_tiny with its head pooling by a mean, as the authors’ and timm’s code do',
        base: true,
        layout: () => ({ functional: ['avgpool'] }),
      },
    ],
  },
  S: { network: '2022 EdgeViTs', model: 'edgevit_s' },
  XS: { network: '2022 EdgeViTs', model: 'edgevit_xs' },
  XXS: { network: '2022 EdgeViTs', model: 'edgevit_xxs' },
};

function segAbout(w) {
  return `the notes’ figures fit HRNetV2-${w} as HRNet-Semantic-Segmentation builds it for Cityscapes: the zoo’s hrnet_${w.toLowerCase()} up to its four stage-4 branches (no classification head), the branches upsampled and concatenated, then 1×1 conv, BatchNorm, ReLU and a 1×1 conv to 19 classes; built here on the zoo’s model`;
}

// ---------------------------------------------------------------------------------------------
// The figures and their reasons

const int = (n) => Math.round(n).toLocaleString('en-US');
const signed = (n) => (n < 0 ? `−${int(-n)}` : `+${int(n)}`);

/**
 * Counts of the zoo's models and of the variants, each counted once. A zoo model is built once for
 * the row that needs it (a variant built on it shares its layers) and disposed with the row.
 */
function counting(catalog) {
  const counts = new Map();
  let built = new Map();
  let extra = [];
  const zoo = (name) => {
    if (!built.has(name)) {
      const entry = catalog.get(name);
      if (!entry) throw new Error(`notes: the zoo has no model ${name}`);
      const model = withZeroInit(() => entry.create());
      const p = profileModel(model);
      const ref = getReference(name);
      if (p.params.trainable !== ref.params || p.macs.convLinear !== ref.macs.convLinear)
        throw new Error(`notes: the zoo's ${name} does not profile to its reference figures`);
      built.set(name, { model, profile: p });
    }
    return built.get(name);
  };
  const once = (key, fn) => {
    if (!counts.has(key)) {
      const c = fn();
      delete c.profile;
      counts.set(key, c);
    }
    return counts.get(key);
  };
  return {
    /** thop's count of a zoo model under a layout (an object, or a function of the model's profile). */
    model: (name, layout = {}, key = '') =>
      once(`${name}${key}`, () => {
        const z = zoo(name);
        return thop2020(z.model, typeof layout === 'function' ? layout(z.profile) : layout);
      }),
    /** A variant built by `build(zoo)` (returns { model, layout }), on zoo models where it uses them. */
    built: (key, build) =>
      once(key, () => {
        const b = build(zoo);
        extra.push(b.model);
        return thop2020(b.model, b.layout);
      }),
    /** Disposes what the row built: the variants' own layers, then the zoo models. */
    endRow: () => {
      const zooLayers = new Set([...built.values()].flatMap((z) => z.model.layers));
      for (const m of extra) for (const l of m.layers) if (!zooLayers.has(l)) l.dispose();
      for (const z of built.values()) z.model.dispose();
      built = new Map();
      extra = [];
    },
  };
}

function countVariant(counts, spec, v) {
  if (v.model) return counts.model(v.model, v.layout ?? {}, v.layout ? `:${v.id}` : '');
  if (v.base) return counts.model(spec.model, v.layout, `:${v.id}`);
  return counts.built(v.id, v.build);
}

/** Why thop's count differs from the conv + linear count, in words and integers. */
function thopMacsWords(c) {
  const p = c.parts.macs;
  const terms = [`${int(p.convLinear)} conv+linear`];
  if (p.convBias)
    terms.push(`${int(p.convBias)} conv bias (1 per output element of ${c.biasedConvs} biased conv${c.biasedConvs === 1 ? '' : 's'})`);
  if (p.batchNorm) terms.push(`${int(p.batchNorm)} BatchNorm (2 per element)`);
  if (p.avgPool) terms.push(`${int(p.avgPool)} average-pool modules`);
  if (p.upsample) terms.push(`${int(p.upsample)} bilinear upsampling`);
  if (p.convTranspose) terms.push(`${signed(p.convTranspose)} transposed conv counted per output element`);
  return `${terms.join(' + ').replace(/\+ −/g, '− ')} = ${int(c.macs)}`;
}
function thopParamsWords(c) {
  const p = c.parts.params;
  const all = p.counted + p.layerNorm + p.tokens + p.layerScale + p.relPos;
  const terms = [`${int(all)}`];
  if (p.layerNorm) terms.push(`${int(p.layerNorm)} LayerNorm weights (no thop rule)`);
  if (p.tokens) terms.push(`${int(p.tokens)} class token and position embedding`);
  if (p.layerScale) terms.push(`${int(p.layerScale)} layer scale`);
  if (p.relPos) terms.push(`${int(p.relPos)} relative-position tables`);
  let s = terms.join(' − ');
  if (p.addedBias) s += ` + ${int(p.addedBias)} biases`;
  if (p.removed) s += ` − ${int(p.removed)} of layers it lacks`;
  return `${s} = ${int(c.params)}`;
}

const THOP = 'thop (2020)';

/**
 * The reason for one figure: the first count, in this order, that prints as the notes print it:
 * the measured figure; (MACs) the total with attention's products; thop's 2020 count of the zoo's
 * model; each variant, counted plainly and as thop counts; the measured figure cut rather than
 * rounded. None: "not reproduced", with every count tried.
 */
function reasonFor(fig, which, ctx) {
  const { ref, spec, base, variants } = ctx;
  const measured = which === 'params' ? ref.params : ref.macs.convLinear;
  if (!fig) return { kind: 'not-given', short: 'not given', words: 'The notes leave this cell blank.', value: null };
  const shows = (n) => formatAs(n, fig) === fig.text;
  if (shows(measured)) {
    return fig.decimals >= 3
      ? { kind: 'equal', short: 'same', words: `${int(measured)} prints as ${fig.text}.`, value: measured }
      : {
          kind: 'rounded',
          short: `rounded to ${fig.decimals ? `${fig.decimals} decimal` : `whole ${fig.unit}`}`,
          words: `${int(measured)} printed to the notes’ precision (${fig.decimals ? `${fig.decimals} decimal${fig.decimals > 1 ? 's' : ''}` : `whole ${fig.unit === 'M' ? 'millions' : 'billions'}`}) is ${fig.text}.`,
          value: measured,
        };
  }
  const tried = [`measured ${int(measured)} (${formatAs(measured, fig)})`];
  if (which === 'macs' && ref.macs.total !== ref.macs.convLinear) {
    if (shows(ref.macs.total))
      return {
        kind: 'convention:total',
        short: `with attention: ${formatAs(ref.macs.total, fig)}`,
        words: `Counted with attention’s matrix products (q·kᵀ and attention·v): ${int(ref.macs.convLinear)} + ${int(ref.macs.total - ref.macs.convLinear)} = ${int(ref.macs.total)}, which prints as ${fig.text}; conv + linear alone prints as ${formatAs(measured, fig)}.`,
        value: ref.macs.total,
      };
    tried.push(`with attention ${int(ref.macs.total)} (${formatAs(ref.macs.total, fig)})`);
  }
  const t = base();
  const tv = which === 'params' ? t.params : t.macs;
  const tWords = which === 'params' ? thopParamsWords(t) : thopMacsWords(t);
  const layoutNote = spec.layoutNote ? ` (${spec.layoutNote})` : '';
  if (shows(tv))
    return {
      kind: 'convention:thop-2020',
      short: `${THOP}: ${formatAs(tv, fig)}`,
      words: `thop’s 2020 count of ${spec.model}${layoutNote}: ${tWords}, which prints as ${fig.text}.`,
      value: tv,
    };
  tried.push(`${THOP} ${int(tv)} (${formatAs(tv, fig)})`);
  for (const v of variants) {
    const c = v.count();
    const counts = [
      ['plain', which === 'params' ? c.plain.params : c.plain.macs, which === 'params' ? 'trainable parameters' : 'conv + linear MACs'],
      ['thop', which === 'params' ? c.params : c.macs, which === 'params' ? thopParamsWords(c) : thopMacsWords(c)],
    ];
    for (const [how, n, w] of counts) {
      if (shows(n))
        return {
          kind: 'variant',
          variant: v.spec.id,
          about: v.spec.about,
          short: `${v.spec.label}${how === 'thop' ? ` + ${THOP}` : ''}: ${formatAs(n, fig)}`,
          words: `${v.spec.label}, ${how === 'thop' ? `thop’s 2020 count: ${w}` : `${w}: ${int(n)}`}, which prints as ${fig.text}.`,
          value: n,
        };
      tried.push(`${v.spec.label}${how === 'thop' ? `, ${THOP}` : ''} ${int(n)} (${formatAs(n, fig)})`);
    }
  }
  if (truncateAs(measured, fig) === fig.text)
    return {
      kind: 'truncated',
      short: `cut, not rounded: ${truncateAs(measured, fig)}`,
      words: `${int(measured)} cut (not rounded) to ${fig.decimals} decimal${fig.decimals === 1 ? '' : 's'} is ${fig.text}; rounded it is ${formatAs(measured, fig)}, and thop’s count (${int(tv)}) rounds to ${formatAs(tv, fig)} as well.`,
      value: measured,
    };
  tried.push(`cut ${truncateAs(measured, fig)}`);
  return {
    kind: 'not-reproduced',
    short: 'not reproduced',
    words: `No count tried prints as ${fig.text}: ${tried.join('; ')}.`,
    value: null,
  };
}
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Every figure table of the notes with, for each row, the zoo model it maps to, the notes' figures
 * as written, the measured ones and each figure's reason. `catalog`: name → catalog entry.
 */
export function checkedNotes(catalog, text = readFileSync(notesFile(), 'utf8')) {
  const counts = counting(catalog);
  const tables = notesFigureTables(text);
  return tables.map((t) => ({
    ...t,
    rows: t.rows.map((row) => {
      try {
        return checkedRow(row, counts);
      } finally {
        counts.endRow();
      }
    }),
  }));
}

/** One row of a figure table, checked: its zoo model, figures and reasons. */
function checkedRow(row, counts) {
  const spec = NOTES_MODELS[row.label];
  if (!spec) throw new Error(`notes: line ${row.line}: no zoo model is mapped for "${row.label}"`);
  if (spec.network && spec.network !== row.network)
    throw new Error(`notes: line ${row.line}: "${row.label}" is mapped under ${spec.network}, not ${row.network}`);
  const ref = getReference(spec.model);
  if (!ref) throw new Error(`notes: no reference figures for ${spec.model}`);
  const ctx = {
    ref,
    spec,
    base: () => counts.model(spec.model, spec.layout ?? {}, spec.layout ? ':layout' : ''),
    variants: (spec.variants ?? []).map((v) => ({ spec: v, count: () => countVariant(counts, spec, v) })),
  };
  const notes = { params: parseFigure(row.params), macs: parseFigure(row.macs) };
  return {
    ...row,
    model: spec.model,
    context: spec.context ?? null,
    reference: ref.reference.implementation ?? ref.reference.repository ?? ref.reference.kind,
    measured: { params: ref.params, macs: ref.macs.convLinear, macsTotal: ref.macs.total },
    notes,
    reasons: { params: reasonFor(notes.params, 'params', ctx), macs: reasonFor(notes.macs, 'macs', ctx) },
  };
}

// ---------------------------------------------------------------------------------------------
// The page

const esc = (s) =>
  String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/{/g, '&#123;')
    .replace(/}/g, '&#125;');
const TITLES = {
  equal: 'the same figure',
  rounded: 'the same at the notes’ precision',
  'convention:total': 'another counting convention',
  'convention:thop-2020': 'thop’s counting convention',
  variant: 'another variant of the network',
  truncated: 'cut instead of rounded',
  'not-given': 'blank in the notes',
  'not-reproduced': 'no count found that gives it',
};
const GOOD = new Set(['equal', 'rounded']);

/** Text with a break opportunity after each underscore (model names in narrow columns). */
const wbr = (s) => esc(s).replace(/_/g, '_<wbr>');

function figureCell(row, which, head, note) {
  const fig = row.notes[which];
  const r = row.reasons[which];
  const m = row.measured[which];
  const shown = fig ? formatAs(m, fig) : `${(m / (which === 'params' ? 1e6 : 1e9)).toFixed(3)}${which === 'params' ? 'M' : 'G'}`;
  const d = fig && m - fig.value;
  const diff =
    fig && !GOOD.has(r.kind)
      ? ` <span class="zn-diff">${d < 0 ? '−' : '+'}${(Math.abs(d) / UNITS[fig.unit]).toFixed(3)}${fig.unit}</span>`
      : '';
  return [
    `<td class="zn-fig" data-head="${esc(head)}" data-figure="${which}" data-notes-${which}="${esc(fig?.text ?? '')}" data-measured-${which}="${m}" data-reason="${r.kind}"${r.value != null ? ` data-reason-value="${r.value}"` : ''}${r.variant ? ` data-variant="${esc(r.variant)}"` : ''}>`,
    `<span class="zn-notes">${fig ? esc(fig.text) : '<i>blank</i>'}</span>`,
    `<span class="zn-measured" title="${int(m)}">${esc(shown)} <small>zoo</small>${diff}</span>`,
    `<a class="zn-reason zn-${r.kind.replace(':', '-')}" href="#${note}" title="${esc(TITLES[r.kind])}">${esc(r.short)}</a>`,
    '</td>',
  ].join('');
}

const HEADERS = ['network', 'backbone → zoo model', 'parameters', '“FLOPs”: MACs'];
/** English for the notes' section headings (the tables' own headers are translated in HEADERS). */
const HEADINGS = { '1.1 常规的模型': 'the common models', '1.2 轻量模型': 'light models' };

function tableHtml(t, ti) {
  const h = t.headers;
  const rows = t.rows.map((r, i) => {
    const note = `notes-${ti + 1}-${i + 1}`;
    return [
      `<tr data-test="notes-row" data-line="${r.line}" data-label="${esc(r.label)}" data-network="${esc(r.network)}" data-model="${esc(r.model)}">`,
      `<td class="zn-network" data-head="${esc(h[0])}">${r.continued ? '' : esc(r.network)}</td>`,
      `<td class="zn-label" data-head="${esc(h[1])}"><span class="zn-original">${wbr(r.label)}</span> <a href="/models/${esc(r.model)}.html"><code>${wbr(r.model)}</code></a></td>`,
      figureCell(r, 'params', `${h[2]} ${HEADERS[2]}`, note),
      figureCell(r, 'macs', `${h[3]} ${HEADERS[3]}`, note),
      '</tr>',
    ].join('');
  });
  return [
    `<div class="zn-wrap"><table class="zoo-fit zn-table" data-test="notes-table" data-line="${t.line}">`,
    '<colgroup><col class="zn-c1"><col class="zn-c2"><col class="zn-c3"><col class="zn-c3"></colgroup>',
    `<thead><tr>${h
      .slice(0, 4)
      .map((c, i) => `<th>${wbr(c)}<small>${esc(HEADERS[i])}</small></th>`)
      .join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('');
}

function whyList(t, ti) {
  return [
    '<ol class="zn-why">',
    ...t.rows.map((r, i) => {
      const reasons = [r.reasons.params, r.reasons.macs];
      const about = [...new Set(reasons.map((x) => x.about).filter(Boolean))].map((x) => `${esc(cap(x))}.`);
      const items =
        r.notes.params || r.notes.macs
          ? ['params', 'macs'].map(
              (w) =>
                `<li><b>${w === 'params' ? '参数量' : '浮点数'} ${esc(r.notes[w]?.text ?? '(blank)')}</b>: ${esc(r.reasons[w].words)}</li>`,
            )
          : ['<li>Both cells are blank in the notes: nothing to check.</li>'];
      const head = [
        `<b>${esc(r.label)}</b> → <code>${esc(r.model)}</code> (line ${r.line}; reference: ${esc(r.reference)}).`,
        r.context ? esc(r.context) : '',
        ...about,
      ]
        .filter(Boolean)
        .join(' ');
      return `<li id="notes-${ti + 1}-${i + 1}">${head}<ul>${items.join('')}</ul></li>`;
    }),
    '</ol>',
  ].join('\n');
}

const STYLE = `<style>
.zn-table { font-size: 0.85em; }
.vp-doc table.zn-table { width: 100%; }
.zn-table col.zn-c1 { width: 17%; }
.zn-table col.zn-c2 { width: 21%; }
.zn-table col.zn-c3 { width: 31%; }
.vp-doc table.zn-table :is(td, th) { padding: 5px 8px; vertical-align: top; }
.vp-doc table.zn-table th small { display: block; font-weight: 400; color: var(--vp-c-text-2); }
.zn-fig > * { display: block; }
.zn-notes, .zn-measured { white-space: nowrap; }
.zn-notes { font-weight: 600; }
.zn-measured small, .zn-diff { color: var(--vp-c-text-2); }
.zn-original { font-weight: 600; }
.zn-label a { display: block; }
.zn-label code { font-size: 0.9em; }
.vp-doc a.zn-reason { display: inline-block; font-size: 0.92em; line-height: 1.35; text-decoration: none; border-radius: 4px; padding: 1px 5px; margin-top: 2px; }
.zn-equal, .zn-rounded { color: var(--vp-c-green-1); background: var(--vp-c-green-soft); }
.zn-convention-thop-2020, .zn-convention-total, .zn-variant, .zn-truncated { color: var(--vp-c-indigo-1); background: var(--vp-c-indigo-soft); }
.zn-not-reproduced { color: var(--vp-c-red-1); background: var(--vp-c-red-soft); }
.zn-not-given { color: var(--vp-c-text-2); background: var(--vp-c-default-soft); }
.zn-why { font-size: 0.9em; }
.zn-why > li { overflow-wrap: anywhere; margin-top: 0.6em; }
.zn-why ul { margin: 0.2em 0 0; }
.zn-why li:target { background: var(--vp-c-yellow-soft); }
@media (max-width: 639px) {
  .vp-doc table.zn-table, .zn-table tbody, .zn-table tr, .zn-table td { display: block; width: 100%; }
  .zn-table thead, .zn-table colgroup { display: none; }
  .vp-doc table.zn-table tr { border-top: 1px solid var(--vp-c-divider); padding: 6px 0; }
  .vp-doc table.zn-table td { border: none; padding: 2px 4px; }
  .zn-table td.zn-network:empty { display: none; }
  .zn-table td.zn-network, .zn-table td.zn-label { display: inline-block; width: auto; font-weight: 600; }
  .zn-table td.zn-fig::before { content: attr(data-head); display: block; font-size: 0.85em; color: var(--vp-c-text-2); }
  .zn-fig > .zn-notes, .zn-fig > .zn-measured { display: inline-block; margin-right: 0.8em; }
  .zn-label a { display: inline; }
}
</style>`;

/** The page /notes.html: the notes' tables as written, checked. `families`: discovered family packages. */
export function notesPage(families) {
  const catalog = new Map(families.flatMap((f) => f.catalog.map((e) => [e.name, e])));
  const file = notesFile();
  const text = readFileSync(file, 'utf8');
  const tables = checkedNotes(catalog, text);
  const all = tables.flatMap((t) => t.rows.flatMap((r) => [r.reasons.params, r.reasons.macs]));
  const n = (kind) => all.filter((r) => (kind.endsWith(':') ? r.kind.startsWith(kind) : r.kind === kind)).length;
  const rows = tables.flatMap((t) => t.rows);
  const example = (part) => rows.find((r) => r.reasons.macs.kind === 'convention:thop-2020' && r.reasons.macs.words.includes(part));
  const examples = [example('conv bias'), example('BatchNorm')].filter((r, i, xs) => r && xs.indexOf(r) === i);
  const cifar = parseNotesTables(text).find((t) => t.headers.some((h) => h.includes('准确度')));
  const input = /torch\.randn\(([^)]*)\)/.exec(text)?.[1] ?? '?';
  return [
    '---',
    'title: The survey notes, checked',
    'outline: [2, 2]',
    '---',
    '# The survey notes, checked',
    '',
    `The survey notes (in Chinese; the repository keeps them in \`packages/reference/data/seed/${esc(file.split('/').at(-1))}\`) list`,
    `parameters and “浮点数” (floating-point operations) for each backbone, measured on \`torch.randn(${esc(input)})\` with 1000 classes.`,
    'Below are their tables as they wrote them, with each figure beside the one the zoo measures (the reference data, which the',
    'zoo’s own profile equals) and the reason for every difference. Their “FLOPs” are multiply-accumulates, counted as',
    '[thop](https://github.com/Lyken17/pytorch-OpCounter) counts them ([MACs, not FLOPs](/comparison#macs-not-flops)).',
    '',
    `Of the ${all.length} figure cells, ${n('equal') + n('rounded')} print the same as the zoo’s figure, ${n('convention:')} differ by the counting`,
    `convention, ${n('variant')} because the notes counted another variant, ${n('truncated')} by cutting instead of rounding; ${n('not-reproduced')} are not reproduced`,
    `by any count tried, and ${n('not-given')} are blank. Every reason is computed when the site is built, from the zoo’s models; click one for the integers.`,
    '',
    '## How the notes counted {#conventions}',
    '',
    'Most of the notes’ MACs are what the 2020 releases of thop (0.0.31) report, not the conv + linear count the zoo and the',
    'reference data use. That thop also counts one operation per output element of every convolution with a bias, two per',
    'element of every BatchNorm and one or more per output element of an average-pooling *module* (a pool written as a',
    'function call is not seen), and sees no parameter of a LayerNorm or held directly by a module with children (a class',
    'token, a position embedding, a layer scale, Swin’s relative-position tables). The page computes that count from the',
    'zoo’s own layers (their classes, output shapes, biases and parameters, as the profiler lists them).',
    'For example:',
    '',
    ...examples.map((r) => `- ${esc(r.label)}: ${esc(r.reasons.macs.words)}`),
    '',
    ...tables.flatMap((t, ti) => [
      `## ${esc(t.heading ?? `Table ${ti + 1}`)}${HEADINGS[t.heading] ? ` (${HEADINGS[t.heading]})` : ''} {#table-${ti + 1}}`,
      '',
      `Line ${t.line} of the notes, ${t.rows.length} rows${t.blankRows ? ` (${t.blankRows} blank rows left out)` : ''}. Each figure cell: the notes’ figure, the zoo’s, their difference where they differ, and the reason.`,
      '',
      tableHtml(t, ti),
      '',
      '### Why, row by row',
      '',
      whyList(t, ti),
      '',
    ]),
    '## CIFAR-100',
    '',
    cifar
      ? `The notes’ third table (line ${cifar.line}) cites ${cifar.rows.length} CIFAR-100 results; what they are and what they leave out is on [Results](/results#cifar-100-transfer).`
      : 'The notes’ CIFAR-100 results are discussed on [Results](/results#cifar-100-transfer).',
    '',
    STYLE,
    '',
  ].join('\n');
}
