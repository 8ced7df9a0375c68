import { describe, ZooOptionError } from './errors.js';

export type Pooling = 'avg' | 'max' | null;
export type ClassifierActivation = 'softmax' | null;

/**
 * The creation options every model of the zoo takes, after Keras Applications and timm: a user
 * who learned one model has learned them all.
 */
export interface CreateOptions {
  /** Classes of the classifier (default 1000). */
  numClasses?: number;
  /** Keep the classifier (default true). Without it the model returns features. */
  includeTop?: boolean;
  /** NHWC input shape without the batch axis (default `[size, size, 3]`). */
  inputShape?: readonly [number, number, number];
  /** Global pooling of the features when `includeTop` is false (default null: the feature map). */
  pooling?: Pooling;
  /** `null` returns logits (the default); `'softmax'` returns probabilities. */
  classifierActivation?: ClassifierActivation;
  /** Dropout before the classifier, active in training only (default: the reference's). */
  dropRate?: number;
  /**
   * Return the feature maps at the architecture's stages instead of the classifier's output
   * (timm's `features_only`): a model with one NHWC output per stage, listed by `featureInfoOf`
   * and `entry.featureInfo`. Default false.
   */
  featuresOnly?: boolean;
  /** With `featuresOnly`: which stages, by index into `entry.featureInfo` (negative from the end); default `entry.defaultOutIndices`. */
  outIndices?: readonly number[];
}

export interface ResolvedOptions {
  numClasses: number;
  includeTop: boolean;
  inputShape: [number, number, number];
  pooling: Pooling;
  classifierActivation: ClassifierActivation;
  dropRate: number;
  featuresOnly: boolean;
  /** As given (checked against the stages by `defineModel`), or null for the default. */
  outIndices: readonly number[] | null;
}

/** A family-specific option: its default and a check that returns what is expected, or null. */
export interface ExtraOption<T = unknown> {
  default: T;
  /** Returns null when the value is fine, else a description of what is allowed. */
  check(value: unknown): string | null;
  doc: string;
}

export type ExtraOptions = Record<string, ExtraOption>;

const COMMON = [
  'numClasses',
  'includeTop',
  'inputShape',
  'pooling',
  'classifierActivation',
  'dropRate',
  'featuresOnly',
  'outIndices',
] as const;

export interface OptionDefaults {
  inputSize: number;
  dropRate: number;
}

/**
 * Validates options and fills in defaults. Every wrong value, unknown key or contradictory
 * combination throws a `ZooOptionError` naming the option, the value and what is allowed.
 */
export function resolveOptions(
  model: string,
  options: unknown,
  defaults: OptionDefaults,
  extras: ExtraOptions = {},
): ResolvedOptions & Record<string, unknown> {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ZooOptionError('options', options, `an object of creation options for ${model}`);
  }
  const o = options as Record<string, unknown>;
  const known = new Set<string>([...COMMON, ...Object.keys(extras)]);
  for (const key of Object.keys(o)) {
    if (!known.has(key)) {
      throw new ZooOptionError(key, o[key], `no such option for ${model}`, `Known options: ${[...known].join(', ')}.`);
    }
  }
  const numClasses = o.numClasses ?? 1000;
  if (!isPositiveInt(numClasses)) throw new ZooOptionError('numClasses', numClasses, 'a positive integer');

  const featuresOnly = o.featuresOnly ?? false;
  if (typeof featuresOnly !== 'boolean') throw new ZooOptionError('featuresOnly', featuresOnly, 'true or false');
  const outIndices = o.outIndices ?? null;
  if (outIndices !== null && !featuresOnly) {
    throw new ZooOptionError('outIndices', outIndices, 'unset unless featuresOnly is true', 'Set featuresOnly: true to pick stages.');
  }
  if (outIndices !== null && !(Array.isArray(outIndices) && outIndices.every((i) => Number.isInteger(i)))) {
    throw new ZooOptionError('outIndices', outIndices, 'an array of integer stage indices');
  }
  if (featuresOnly && o.includeTop === true) {
    throw new ZooOptionError('includeTop', true, 'unset or false when featuresOnly is true', 'A features-only model has no classifier.');
  }

  const includeTop = o.includeTop ?? !featuresOnly;
  if (typeof includeTop !== 'boolean') throw new ZooOptionError('includeTop', includeTop, 'true or false');

  const inputShape = o.inputShape ?? [defaults.inputSize, defaults.inputSize, 3];
  checkInputShape(inputShape);

  const pooling = o.pooling === undefined ? null : o.pooling;
  if (pooling !== null && pooling !== 'avg' && pooling !== 'max') {
    throw new ZooOptionError('pooling', pooling, "'avg', 'max' or null");
  }
  if (includeTop && pooling !== null) {
    throw new ZooOptionError('pooling', pooling, 'null when includeTop is true', 'Pooling applies to the features: set includeTop: false.');
  }

  const classifierActivation = o.classifierActivation === undefined ? null : o.classifierActivation;
  if (classifierActivation !== null && classifierActivation !== 'softmax') {
    throw new ZooOptionError('classifierActivation', classifierActivation, "'softmax' or null (logits)");
  }
  if (!includeTop && classifierActivation !== null) {
    throw new ZooOptionError(
      'classifierActivation',
      classifierActivation,
      'null when includeTop is false',
      'There is no classifier to activate.',
    );
  }

  const dropRate = o.dropRate ?? defaults.dropRate;
  if (typeof dropRate !== 'number' || !(dropRate >= 0 && dropRate < 1)) {
    throw new ZooOptionError('dropRate', dropRate, 'a number in [0, 1)');
  }

  const resolved: ResolvedOptions & Record<string, unknown> = {
    numClasses,
    includeTop,
    inputShape: [...(inputShape as [number, number, number])],
    pooling,
    classifierActivation,
    dropRate,
    featuresOnly,
    outIndices: outIndices === null ? null : [...(outIndices as number[])],
  };
  for (const [key, spec] of Object.entries(extras)) {
    const value = o[key] ?? spec.default;
    const expected = spec.check(value);
    if (expected !== null) throw new ZooOptionError(key, value, expected);
    resolved[key] = value;
  }
  return resolved;
}

function checkInputShape(shape: unknown): asserts shape is [number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(isPositiveInt)) {
    throw new ZooOptionError(
      'inputShape',
      shape,
      '[height, width, channels] with three positive integers (NHWC, without the batch axis)',
      Array.isArray(shape) && shape.length === 4 ? 'Leave out the batch axis.' : undefined,
    );
  }
  const [h, w, c] = shape;
  if (c > 4 && h <= 4 && w > 4) {
    throw new ZooOptionError(
      'inputShape',
      shape,
      'channels last (NHWC)',
      `${describe(shape)} looks channels-first (NCHW); use [${w}, ${c}, ${h}] and transpose images with tf.transpose(x, [0, 2, 3, 1]).`,
    );
  }
}

export function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
