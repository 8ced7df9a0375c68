import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ZooError, ZooOptionError, ZooShapeError } from '../base/errors.js';
import type { CreateOptions } from '../base/options.js';
import { stateDictParams } from '../checkpoint/state-dict.js';
import {
  type ClassifyOptions,
  classifyWith,
  defaultLabels,
  type InferenceOptions,
  modelInput,
  type Prediction,
} from '../inference/classify.js';
import { classifierOf } from '../inference/embed.js';
import { rememberWeights, weightsOf } from '../inference/loaded-weights.js';
import type { ImageInput } from '../inference/preprocess.js';
import { type DataConfig, dataConfig } from '../model/data-config.js';
import { type FeatureInfo, featureInfoOf, type ModelEntry } from '../model/model.js';
import type { WeightsOptions } from '../weights/load.js';
import { getModel } from './registry.js';

/** A compiled inference plan, as `@zoo/fused`'s `compile` returns one. */
export interface CompiledPlan {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
  dispose(): void;
}
export type Compiler = (model: tfl.LayersModel) => CompiledPlan;

const COMPILER = Symbol.for('@zoo/core-blocks/compiler');

/** Makes `ZooModel.compile()` use `compile` (`@zoo/fused` registers its own when imported). */
export function registerCompiler(compile: Compiler): void {
  if (typeof compile !== 'function') throw new ZooOptionError('compile', compile, 'a function from a LayersModel to a plan');
  (globalThis as { [COMPILER]?: Compiler })[COMPILER] = compile;
}

/** `compile()` was called with no compiler registered. */
export class ZooCompilerError extends ZooError {
  override name = 'ZooCompilerError';
}

export interface CreateModelOptions extends CreateOptions, WeightsOptions {
  /** Load the default weight set (true), a named one (a string, as `weights`), or none (false, the default unless `weights` or `from` is given). */
  pretrained?: boolean | string;
  /** Family-specific creation options (`windowOrder`, `headPool`, ...). */
  [option: string]: unknown;
}

/**
 * The front door: the model `name` of any imported family, built (random weights) or loaded
 * (`pretrained`, `weights` or `from`), as one handle for classifying, embedding and features.
 *
 *     import '@zoo/cnn-classic';
 *     const m = await createModel('resnet50', { pretrained: true });
 *     const top5 = await m.classify(image);
 */
export async function createModel(name: string, options: CreateModelOptions = {}): Promise<ZooModel> {
  if (options === null || typeof options !== 'object')
    throw new ZooOptionError('options', options, 'an object of creation and load options');
  const entry = await getModel(name);
  const { pretrained, ...rest } = options;
  if (pretrained !== undefined && typeof pretrained !== 'boolean' && typeof pretrained !== 'string') {
    throw new ZooOptionError('pretrained', pretrained, "true, false or a weight set's name");
  }
  if (typeof pretrained === 'string' && rest.weights !== undefined && rest.weights !== pretrained) {
    throw new ZooOptionError('weights', rest.weights, `unset, or the set pretrained names (${pretrained})`);
  }
  const load = pretrained === true || typeof pretrained === 'string' || rest.weights !== undefined || rest.from !== undefined;
  if (pretrained === false && load) {
    throw new ZooOptionError('pretrained', false, 'true or unset when `weights` or `from` is given');
  }
  if (!load) {
    const weightKeys = Object.keys(rest).filter((k) => WEIGHT_ONLY.has(k));
    if (weightKeys.length) {
      throw new ZooOptionError(
        weightKeys[0],
        rest[weightKeys[0]],
        'unset unless the model is loaded',
        'Pass pretrained: true to load weights.',
      );
    }
  }
  const model = load
    ? await entry.load({ ...rest, ...(typeof pretrained === 'string' ? { weights: pretrained } : {}) })
    : entry.create(rest as CreateOptions);
  return ZooModel.wrap(entry, model, createOptionsOf(rest));
}

const WEIGHT_ONLY = new Set([
  'sha256',
  'hubEndpoint',
  'revision',
  'mirrors',
  'fetch',
  'signal',
  'timeoutMs',
  'onProgress',
  'cache',
  'quantize',
]);
const LOAD_KEYS = new Set([...WEIGHT_ONLY, 'weights', 'from']);

function createOptionsOf(options: Record<string, unknown>): CreateOptions {
  return Object.fromEntries(Object.entries(options).filter(([k]) => !LOAD_KEYS.has(k))) as CreateOptions;
}

/**
 * One model and what a user does with it: `classify`, `embed`, `features`, `resetClassifier`,
 * and `compile()` to the fused plan, which those calls then use. Made by `createModel`, or by
 * `ZooModel.wrap` around a model from `entry.create` / `entry.load`.
 */
export class ZooModel {
  private plan: CompiledPlan | null = null;
  private planOutputs: { logits: number | null; embedding: number | null; maps: number[] } | null = null;
  private stageModel: tfl.LayersModel | null = null;
  private embedModel: tfl.LayersModel | null = null;
  private labelList: readonly string[] | null | undefined;

  private constructor(
    readonly entry: ModelEntry,
    private current: tfl.LayersModel,
    private options: CreateOptions,
  ) {}

  /** A handle for a model of `entry` (built by `entry.create(options)` or `entry.load(options)`). */
  static wrap(entry: ModelEntry, model: tfl.LayersModel, options: CreateOptions = {}): ZooModel {
    return new ZooModel(entry, model, { ...options });
  }

  get name(): string {
    return this.entry.name;
  }

  /** The `tf.LayersModel` (replaced by `resetClassifier`). */
  get model(): tfl.LayersModel {
    return this.current;
  }

  /** The preprocessing its weights expect: the weight set's when loaded, else ImageNet's at its input size. */
  get dataConfig(): DataConfig {
    const side = this.current.inputs[0].shape[1];
    return weightsOf(this.current)?.dataConfig ?? dataConfig({ ...this.entry.dataConfig, ...(side ? { cropSize: side } : {}) });
  }

  /** The maps a features-only model returns (`featuresOnly: true`), else the stages `features()` computes. */
  get featureInfo(): readonly FeatureInfo[] {
    return featureInfoOf(this.current) ?? this.entry.featureInfo;
  }

  /** Whether this is a features-only model (its outputs are the stage maps). */
  get featuresOnly(): boolean {
    return featureInfoOf(this.current) !== undefined;
  }

  /** Whether `compile()` has run (and no `resetClassifier` since). */
  get compiled(): boolean {
    return this.plan !== null;
  }

  /** Its class names: the weight set's, ImageNet-1k's for 1000 classes, or null (`class <i>`). */
  async labels(): Promise<readonly string[] | null> {
    if (this.labelList === undefined) {
      const classes = this.classifier()?.layer;
      const n = classes ? (this.current.outputs[0].shape[1] ?? 0) : 0;
      this.labelList = n ? await defaultLabels(this.current, n) : null;
    }
    return this.labelList;
  }

  /** The model's input batch for images (`preprocess` with `dataConfig`). The caller disposes it. */
  preprocess(images: ImageInput | readonly ImageInput[], options: InferenceOptions = {}): tf.Tensor4D {
    return modelInput(this.current, images, { dataConfig: this.dataConfig, ...options });
  }

  /** The `topK` most probable classes of one image (default 5). */
  async classify(image: ImageInput, options: ClassifyOptions = {}): Promise<Prediction[]> {
    const all = await this.classifyBatch(image, options);
    if (all.length !== 1)
      throw new ZooShapeError(`classify takes one image and got a batch of ${all.length}; use classifyBatch for several.`);
    return all[0];
  }

  /** `classify` for a batch: one list of predictions per image. */
  async classifyBatch(images: ImageInput | readonly ImageInput[], options: ClassifyOptions = {}): Promise<Prediction[][]> {
    this.needsHead('classify');
    const labels = options.labels ?? (await this.labels()) ?? undefined;
    return classifyWith(this.current, (x) => this.run(x, 'logits'), images, {
      dataConfig: this.dataConfig,
      ...(labels ? { labels } : {}),
      ...options,
    });
  }

  /**
   * Pre-logits features `[n, features]` (what the classifier reads, a map averaged over space):
   * timm's `forward_head(pre_logits=True)`. The caller disposes the tensor.
   */
  embed(images: ImageInput | readonly ImageInput[], options: InferenceOptions = {}): tf.Tensor2D {
    this.needsHead('embed');
    return tf.tidy(() => {
      const f = this.run(this.preprocess(images, options), 'embedding');
      return (f.rank === 4 ? tf.mean(f, [1, 2]) : f) as tf.Tensor2D;
    });
  }

  /**
   * The feature maps at the model's stages, NHWC, shallowest first: a features-only model's
   * outputs, or, for a classifier, every stage of `entry.featureInfo` computed by the same
   * layers (no copy of the weights). The caller disposes the tensors.
   */
  features(images: ImageInput | readonly ImageInput[], options: InferenceOptions = {}): tf.Tensor4D[] {
    const x = this.preprocess(images, options);
    try {
      if (this.featuresOnly) {
        const y = this.plan ? this.plan.predict(x) : this.current.predict(x);
        return (Array.isArray(y) ? y : [y]) as tf.Tensor4D[];
      }
      return this.stageMaps(x);
    } finally {
      x.dispose();
    }
  }

  /**
   * A new classifier of `numClasses` on the same backbone, for transfer learning (timm's
   * `reset_classifier`): every weight but the final classifier's is kept, the classifier is freshly
   * initialised, and the old model is disposed. A compiled plan is dropped: call `compile()` again.
   */
  resetClassifier(numClasses: number): this {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new ZooOptionError('numClasses', numClasses, 'a positive integer');
    const head = this.needsHead('resetClassifier');
    const old = this.current;
    const side = old.inputs[0].shape.slice(1) as [number, number, number];
    const loaded = weightsOf(old);
    // A weight set's own creation options (timm's epsilons, head layout) shape the backbone too.
    const options = { ...loaded?.set?.createOptions, ...this.options, inputShape: side, numClasses } as CreateOptions;
    const next = this.entry.create(options);
    try {
      const theirs = stateDictParams(old).params;
      const fresh = classifierOf(next)!.layer;
      for (const [key, p] of stateDictParams(next).params) {
        if (fresh.weights.includes(p.variable)) continue;
        const src = theirs.get(key);
        if (!src || src.variable.shape.join() !== p.variable.shape.join()) {
          throw new ZooShapeError(
            `resetClassifier: ${this.name}'s \`${key}\` has no counterpart of the same shape outside the classifier \`${head.name}\`.`,
          );
        }
        p.variable.write(src.variable.read());
      }
    } catch (err) {
      next.dispose();
      throw err;
    }
    if (loaded) rememberWeights(next, { ...loaded, set: null });
    this.dropPlan();
    this.dropSubModels();
    old.dispose();
    this.current = next;
    this.options = options;
    this.labelList = undefined;
    return this;
  }

  /**
   * Compiles the model to the fused inference plan (`@zoo/fused`, which must be imported), which
   * `classify`, `embed` and `features` then run: one plan computing the logits and the pre-logits
   * features, or the maps. Compile after loading or changing weights.
   */
  compile(): this {
    const compiler = (globalThis as { [COMPILER]?: Compiler })[COMPILER];
    if (!compiler) {
      throw new ZooCompilerError(
        "compile() needs the fused plan: import '@zoo/fused' (it registers its compiler), then call compile() again.",
      );
    }
    this.dropPlan();
    if (this.featuresOnly) {
      this.plan = compiler(this.current);
      this.planOutputs = { logits: null, embedding: null, maps: this.current.outputs.map((_, i) => i) };
      return this;
    }
    const pre = classifierOf(this.current)?.input;
    const outputs = pre ? [this.current.outputs[0], pre] : [this.current.outputs[0]];
    const both = tfl.model({ inputs: this.current.inputs, outputs, name: `${this.current.name}_plan` });
    this.plan = compiler(both);
    this.planOutputs = { logits: 0, embedding: pre ? 1 : null, maps: [] };
    return this;
  }

  /** Frees the model and its plan. */
  dispose(): void {
    this.dropPlan();
    this.dropSubModels();
    this.current.dispose();
  }

  private classifier() {
    return classifierOf(this.current);
  }

  private needsHead(what: string): tfl.layers.Layer {
    const head = this.classifier();
    if (!head) {
      throw new ZooShapeError(
        `${what} needs ${this.name} with its classifier; this one was created ${this.featuresOnly ? 'with featuresOnly' : 'without its top'}. ` +
          'Create it with the default options (includeTop: true), and use features() for the maps.',
      );
    }
    return head.layer;
  }

  private run(x: tf.Tensor4D, what: 'logits' | 'embedding'): tf.Tensor {
    if (this.plan && this.planOutputs) {
      const index = what === 'logits' ? this.planOutputs.logits : this.planOutputs.embedding;
      if (index !== null) {
        const ys = this.plan.predict(x);
        const list = Array.isArray(ys) ? ys : [ys];
        list.forEach((t, i) => {
          if (i !== index) t.dispose();
        });
        return list[index];
      }
    }
    if (what === 'logits') return this.current.predict(x) as tf.Tensor;
    this.embedModel ??= tfl.model({ inputs: this.current.inputs, outputs: this.classifier()!.input, name: `${this.current.name}_embed` });
    return this.embedModel.predict(x) as tf.Tensor;
  }

  private stageMaps(x: tf.Tensor4D): tf.Tensor4D[] {
    const info = this.entry.featureInfo;
    this.stageModel ??= tfl.model({
      inputs: this.current.inputs,
      outputs: info.map((f) => this.current.getLayer(f.layer).output as tfl.SymbolicTensor),
      name: `${this.current.name}_stages`,
    });
    const [, h, w] = x.shape;
    return tf.tidy(() => {
      const ys = this.stageModel!.predict(x);
      return (Array.isArray(ys) ? ys : [ys]).map((y, i) => {
        if (y.rank === 4) return y as tf.Tensor4D;
        // A transformer block's tokens: the patches (after any class token) as the map.
        const r = info[i].reduction;
        const [rows, cols] = [Math.floor(h / r), Math.floor(w / r)];
        const [n, tokens, d] = y.shape;
        return tf.reshape(tf.slice(y, [0, tokens - rows * cols, 0], [-1, -1, -1]), [n, rows, cols, d]) as tf.Tensor4D;
      });
    });
  }

  private dropPlan(): void {
    this.plan?.dispose();
    this.plan = null;
    this.planOutputs = null;
  }

  private dropSubModels(): void {
    // Sub-models share the model's layers: nothing of theirs to free but the references.
    this.stageModel = null;
    this.embedModel = null;
  }
}
