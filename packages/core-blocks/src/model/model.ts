import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ZooError, ZooOptionError, ZooShapeError } from '../base/errors.js';
import { type CreateOptions, type ExtraOptions, type ResolvedOptions, resolveOptions } from '../base/options.js';
import type { CheckpointConvention } from '../keys/convention.js';
import { apply } from '../layers/apply.js';
import { linear } from '../layers/linear.js';
import type { LoadOptions } from '../weights/load.js';
import { type DataConfig, dataConfig } from './data-config.js';
import { noWeightsReason } from './no-weights.js';
import { releaseSharedLayersOnDispose } from './release-shared-layers.js';
import { type WeightSet, weightDataConfig } from './weight-set.js';

export interface PaperRef {
  title: string;
  authors: string;
  year: number;
  url: string;
}

/**
 * One stage boundary of an architecture: a layer whose output is a feature map at a fixed
 * reduction of the input, as the reference's `feature_info` lists it (timm's, or torchvision's
 * stage outputs where timm lacks the architecture).
 */
export interface FeatureStage {
  /** The zoo layer whose output is the map. */
  readonly layer: string;
  /** The reference's module path for it (timm's `feature_info` `module`); default `layer`. */
  readonly module?: string;
  /** Channels of the map. */
  readonly channels: number;
  /** Input side over map side at the reference's input (2, 4, ... 32; a ViT's patch size). */
  readonly reduction: number;
  /**
   * Turns the layer's output into an NHWC map when it is not one (a ViT block's tokens), built
   * only for `featuresOnly`. `name` is the name to give the layers it adds.
   */
  readonly toMap?: (output: tfl.SymbolicTensor, name: string) => tfl.SymbolicTensor;
}

/** A feature map of a `featuresOnly` model, as `entry.featureInfo` and `featureInfoOf` list them. */
export interface FeatureInfo {
  /** Position among the architecture's stages (what `outIndices` picks). */
  readonly index: number;
  /** The reference's module path (timm's `feature_info` `module`). */
  readonly module: string;
  /** The zoo layer whose output it is. */
  readonly layer: string;
  readonly channels: number;
  readonly reduction: number;
}

/** What a family builds: the feature extractor, its stages, and the classifier when it is not the default. */
export interface Architecture<O extends ResolvedOptions = ResolvedOptions> {
  /** Input to last feature map (NHWC), with layers named after the reference's module paths. */
  features(input: tfl.SymbolicTensor, options: O): tfl.SymbolicTensor;
  /** Feature map to logits. Defaults to global average pooling, dropout and a dense `fc`. */
  classifier?(features: tfl.SymbolicTensor, options: O): tfl.SymbolicTensor;
  /**
   * The stage boundaries inside `features`, shallowest first: what `featuresOnly` returns. Each
   * layer named must be built by `features` for these options. An architecture without them
   * refuses `featuresOnly` with a `ZooOptionError`.
   */
  stages?(options: O): readonly FeatureStage[];
}

/** One model of the zoo, as every family's catalog lists it. */
export interface ModelEntry<O extends CreateOptions = CreateOptions> {
  readonly name: string;
  /** Family as the reference data and the survey notes name it (`ResNet`, `ResNeXt`, ...). */
  readonly family: string;
  /** npm package that exports it (`@zoo/cnn-classic`). */
  readonly package: string;
  readonly paper: PaperRef;
  /** Side of the square input the reference was measured at. */
  readonly defaultInputSize: number;
  /** Family-specific creation options with their defaults and documentation. */
  readonly extraOptions: ExtraOptions;
  /** How its default weights expect images (resize, crop, interpolation, mean, std); see `preprocess`. */
  readonly dataConfig?: DataConfig;
  /** The feature maps `create({ featuresOnly: true })` can return, at the default options, shallowest first. */
  readonly featureInfo: readonly FeatureInfo[];
  /** The stages `featuresOnly` returns when `outIndices` is not given (timm's default: every stage; a ViT's last three blocks). */
  readonly defaultOutIndices: readonly number[];
  /** The released weight sets of its architecture, generated from their sources' metadata; the default first. */
  readonly weights: readonly WeightSet[];
  /** Why it has no weight set (nothing published by torchvision, timm or its authors), when it has none. */
  readonly noWeightsReason?: string;
  /**
   * The key names and layouts of checkpoints saved by other implementations of the architecture
   * (timm's module paths for a torchvision model) or by older versions of the reference
   * (torchvision's DenseNet files say `norm.1` for `norm1`). The loader and `zoo convert`
   * recognise one from a checkpoint's keys; a checkpoint none matches is read in the model's own names.
   */
  readonly conventions: readonly CheckpointConvention[];
  /** Builds a fresh, randomly initialised `tf.LayersModel`. */
  create(options?: O): tfl.LayersModel;
  /**
   * The model with pretrained weights: `await resnet50.load({ weights: 'IMAGENET1K_V2' })`. It is
   * built for the set (its input size and classes, unless the options say otherwise), and
   * `preprocess`, `classify` and `embed` use the set's preprocessing for it (`weightsOf(model)`).
   */
  load(options?: LoadOptions<O>): Promise<tfl.LayersModel>;
}

export interface ModelDefinition<O extends ResolvedOptions> {
  name: string;
  family: string;
  package: string;
  paper: PaperRef;
  defaultInputSize?: number;
  /** The reference's dropout before the classifier (timm's `drop_rate`), default 0. */
  defaultDropRate?: number;
  extraOptions?: ExtraOptions;
  /** The weights' preprocessing; default: ImageNet's at `defaultInputSize` (resize 256, crop 224). */
  dataConfig?: Partial<DataConfig>;
  /** See `ModelEntry.defaultOutIndices` (negative: from the end); default every stage. */
  defaultOutIndices?: readonly number[];
  /** The family's generated weight sets for this model (`weights.generated.ts`). */
  weights?: readonly WeightSet[];
  /** See `ModelEntry.conventions`. */
  conventions?: readonly CheckpointConvention[];
  architecture: Architecture<O>;
}

/**
 * What `entry.load()` calls: the package's entry (`src/index.ts`) sets it to a lazy import of the
 * weights loader, so the loader (download, cache, the checkpoint readers) is a chunk of its own,
 * fetched on the first load, and the contract does not depend on it.
 */
// biome-ignore lint/suspicious/noExplicitAny: one loader serves every entry's options type.
type WeightsLoader = (entry: ModelEntry<any>, options?: LoadOptions<any>) => Promise<tfl.LayersModel>;
let weightsLoader: WeightsLoader | undefined;

/** Sets what `entry.load()` calls (the entry point does, once). */
export function setWeightsLoader(loader: WeightsLoader): void {
  weightsLoader = loader;
}

/**
 * Turns a family's architecture into a catalog entry with the common options: validated input,
 * the classifier or the pooled features, softmax on request, and a clear error naming the
 * model when the input is too small for its downsampling.
 */
export function defineModel<X extends CreateOptions = CreateOptions, O extends ResolvedOptions = ResolvedOptions>(
  def: ModelDefinition<O>,
): ModelEntry<X> {
  const defaultInputSize = def.defaultInputSize ?? 224;
  const extraOptions = def.extraOptions ?? {};
  const weights = Object.freeze([...(def.weights ?? [])].sort((a, b) => Number(b.isDefault) - Number(a.isDefault)));
  const defaultSet = weights.find((w) => w.isDefault) ?? weights.find((w) => !w.unsupported);
  const resolve = (options: unknown) =>
    resolveOptions(def.name, options, { inputSize: defaultInputSize, dropRate: def.defaultDropRate ?? 0 }, extraOptions) as O;
  let featureInfo: readonly FeatureInfo[] | undefined;
  let defaultOutIndices: readonly number[] | undefined;
  const entry: ModelEntry<X> = {
    name: def.name,
    family: def.family,
    package: def.package,
    paper: def.paper,
    defaultInputSize,
    extraOptions,
    dataConfig: defaultSet ? weightDataConfig(defaultSet.preprocessing) : dataConfig({ cropSize: defaultInputSize, ...def.dataConfig }),
    // Worked out on first read: the stages are spec arithmetic, but an import should cost nothing.
    get featureInfo() {
      featureInfo ??= Object.freeze(stageInfo(def.architecture.stages?.(resolve({})) ?? []));
      return featureInfo;
    },
    get defaultOutIndices() {
      defaultOutIndices ??= Object.freeze(outIndicesFor(def.name, entry.featureInfo.length, def.defaultOutIndices ?? null));
      return defaultOutIndices;
    },
    weights,
    ...(weights.length === 0 && noWeightsReason(def.weights) ? { noWeightsReason: noWeightsReason(def.weights) } : {}),
    conventions: Object.freeze([...(def.conventions ?? [])]),
    // The loader (fetching, caching, PyTorch's formats) is imported on first use: an app that
    // only creates models does not download it.
    load: (options) =>
      weightsLoader
        ? weightsLoader(entry, options)
        : Promise.reject(new ZooError('No weights loader: import `@zoo/core-blocks` (or a family package) before calling `load()`.')),
    create(options?: X): tfl.LayersModel {
      const o = resolve(options);
      const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
      try {
        if (!o.featuresOnly) return buildModel(def.name, def.architecture, o);
        const stages = def.architecture.stages?.(o) ?? [];
        if (!stages.length) {
          throw new ZooOptionError(
            'featuresOnly',
            true,
            `false: ${def.name}'s family declares no stages`,
            'Use includeTop: false for its last feature map.',
          );
        }
        const indices = outIndicesFor(def.name, stages.length, o.outIndices ?? def.defaultOutIndices ?? null);
        const model = buildFeatureModel(def.name, def.architecture, o, stages, indices);
        // The layers past the deepest stage chosen were built with the graph; their weights are not the model's.
        const kept = new Set(model.weights.map((w) => w.name));
        for (const [name, v] of Object.entries(tf.engine().registeredVariables)) {
          if (!variablesBefore.has(name) && !kept.has(name)) v.dispose();
        }
        const all = stageInfo(stages);
        rememberFeatureInfo(
          model,
          indices.map((i) => all[i]),
        );
        return model;
      } catch (err) {
        // Leave nothing of a half-built model behind: the layers built before the failure own weights.
        for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
        if (err instanceof ZooShapeError) {
          const [h, w] = o.inputShape;
          throw new ZooShapeError(`${def.name} cannot take a ${h}x${w} input. ${err.message}`);
        }
        throw err;
      }
    },
  };
  return entry;
}

function stageInfo(stages: readonly FeatureStage[]): FeatureInfo[] {
  return stages.map((s, index) =>
    Object.freeze({ index, module: s.module ?? s.layer, layer: s.layer, channels: s.channels, reduction: s.reduction }),
  );
}

/** `outIndices` checked against the stages there are, negatives counted from the end (as timm's). */
function outIndicesFor(name: string, count: number, given: readonly number[] | null): number[] {
  if (given === null) return Array.from({ length: count }, (_, i) => i);
  const expected = `distinct stage indices from ${-count} to ${count - 1} (${name} has ${count} stages; negative counts from the end)`;
  if (given.length === 0) throw new ZooOptionError('outIndices', given, expected);
  const out = given.map((i) => {
    if (!Number.isInteger(i) || i < -count || i >= count) throw new ZooOptionError('outIndices', given, expected);
    return i < 0 ? count + i : i;
  });
  if (new Set(out).size !== out.length) throw new ZooOptionError('outIndices', given, expected);
  return out;
}

const featureInfos = new WeakMap<tfl.LayersModel, readonly FeatureInfo[]>();

function rememberFeatureInfo(model: tfl.LayersModel, info: readonly FeatureInfo[]): void {
  featureInfos.set(model, Object.freeze(info));
}

/** The maps a `featuresOnly` model returns, in its outputs' order; undefined for any other model. */
export function featureInfoOf(model: tfl.LayersModel): readonly FeatureInfo[] | undefined {
  return featureInfos.get(model);
}

function buildModel<O extends ResolvedOptions>(name: string, arch: Architecture<O>, o: O): tfl.LayersModel {
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  const features = arch.features(input, o);
  let output: tfl.SymbolicTensor;
  if (o.includeTop) {
    output = arch.classifier ? arch.classifier(features, o) : linearClassifier(features, o);
    if (o.classifierActivation === 'softmax') output = apply(tfl.layers.softmax({ name: 'softmax' }), output);
  } else {
    output = globalPool(features, o.pooling);
  }
  return releaseSharedLayersOnDispose(tfl.model({ inputs: input, outputs: output, name }));
}

/**
 * The maps at the chosen stages, as a model with one output per stage (pooled when `pooling` is
 * set). Only the layers up to the deepest one chosen are part of it.
 */
function buildFeatureModel<O extends ResolvedOptions>(
  name: string,
  arch: Architecture<O>,
  o: O,
  stages: readonly FeatureStage[],
  indices: readonly number[],
): tfl.LayersModel {
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  const last = arch.features(input, o);
  const graph = tfl.model({ inputs: input, outputs: last, name: `${name}_graph` });
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const outputs = indices.map((i) => {
    const stage = stages[i];
    const layer = byName.get(stage.layer);
    if (!layer) {
      throw new Error(`${name}: stage ${i} names layer \`${stage.layer}\`, which its features do not build (a family's stages are wrong).`);
    }
    if (layer.inboundNodes.length !== 1) {
      throw new Error(
        `${name}: stage ${i}'s layer \`${stage.layer}\` is applied ${layer.inboundNodes.length} times; a stage must name one output.`,
      );
    }
    let map = layer.output as tfl.SymbolicTensor;
    if (stage.toMap) map = stage.toMap(map, `stages.${i}.map`);
    if (o.pooling !== null) {
      const pool = o.pooling === 'avg' ? tfl.layers.globalAveragePooling2d : tfl.layers.globalMaxPooling2d;
      map = apply(pool({ name: `global_pool.${i}` }), map);
    }
    return map;
  });
  return releaseSharedLayersOnDispose(tfl.model({ inputs: input, outputs, name }));
}

/** `avgpool` then dropout then `fc`: torchvision's ResNet head, and timm's default. */
export function linearClassifier(
  features: tfl.SymbolicTensor,
  o: ResolvedOptions,
  names: { pool?: string; fc?: string; dropout?: string } = {},
): tfl.SymbolicTensor {
  let x = apply(tfl.layers.globalAveragePooling2d({ name: names.pool ?? 'avgpool' }), features);
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: names.dropout ?? 'dropout' }), x);
  return apply(linear(o.numClasses, names.fc ?? 'fc', { init: 'torchDefault' }), x);
}

/** Features without the top: the map itself, or its global average or maximum. */
export function globalPool(features: tfl.SymbolicTensor, pooling: ResolvedOptions['pooling']): tfl.SymbolicTensor {
  if (pooling === null || features.shape.length !== 4) return features;
  return apply(
    pooling === 'avg' ? tfl.layers.globalAveragePooling2d({ name: 'global_pool' }) : tfl.layers.globalMaxPooling2d({ name: 'global_pool' }),
    features,
  );
}
