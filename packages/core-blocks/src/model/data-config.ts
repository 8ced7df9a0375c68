import { describe, ZooOptionError } from '../base/errors.js';
import { isPositiveInt } from '../base/options.js';

export type Interpolation = 'nearest' | 'bilinear' | 'bicubic';
export type Triple = readonly [number, number, number];

/**
 * How a model's weights expect images, as timm's pretrained config and torchvision's weight
 * transforms (`ImageClassification`) give it: resize the shorter side to `resizeSize`, take the
 * central `cropSize` square, scale to [0, 1], subtract `mean`, divide by `std`.
 */
export interface DataConfig {
  /** Side of the square the model takes (the crop). */
  readonly cropSize: number;
  /** Length the shorter side is resized to before the crop. */
  readonly resizeSize: number;
  readonly interpolation: Interpolation;
  /**
   * Low-pass before downscaling, as PIL always does and torchvision's tensor path does with
   * `antialias=True`. Published accuracies were measured on PIL images, so it is on by default.
   */
  readonly antialias: boolean;
  /** Per-channel mean of RGB in [0, 1]. */
  readonly mean: Triple;
  /** Per-channel standard deviation of RGB in [0, 1]. */
  readonly std: Triple;
}

export const IMAGENET_MEAN: Triple = [0.485, 0.456, 0.406];
export const IMAGENET_STD: Triple = [0.229, 0.224, 0.225];

/** torchvision's `ImageClassification` defaults: resize 256, crop 224, bilinear, ImageNet statistics. */
export const IMAGENET_DATA_CONFIG: DataConfig = Object.freeze({
  cropSize: 224,
  resizeSize: 256,
  interpolation: 'bilinear',
  antialias: true,
  mean: IMAGENET_MEAN,
  std: IMAGENET_STD,
});

/** timm's default `crop_pct`: the crop covers 87.5% of the resized shorter side (224 of 256). */
export const DEFAULT_CROP_PCT = 0.875;

/**
 * Completes and validates a data configuration. Without `resizeSize`, it follows timm's rule
 * `floor(cropSize / cropPct)` with the default 0.875, which gives torchvision's 256 for 224.
 */
export function dataConfig(partial: Partial<DataConfig> & { cropPct?: number } = {}): DataConfig {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new ZooOptionError('dataConfig', partial, 'an object with cropSize, resizeSize, interpolation, antialias, mean, std');
  }
  const known = new Set(['cropSize', 'resizeSize', 'interpolation', 'antialias', 'mean', 'std', 'cropPct']);
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) {
      throw new ZooOptionError(
        `dataConfig.${key}`,
        (partial as Record<string, unknown>)[key],
        'no such field',
        `Known fields: ${[...known].join(', ')}.`,
      );
    }
  }
  const cropSize = partial.cropSize ?? IMAGENET_DATA_CONFIG.cropSize;
  if (!isPositiveInt(cropSize)) throw new ZooOptionError('dataConfig.cropSize', cropSize, 'a positive integer');
  const cropPct = partial.cropPct ?? DEFAULT_CROP_PCT;
  if (typeof cropPct !== 'number' || !(cropPct > 0 && cropPct <= 1)) {
    throw new ZooOptionError('dataConfig.cropPct', cropPct, 'a number in (0, 1]');
  }
  if (partial.cropPct !== undefined && partial.resizeSize !== undefined) {
    throw new ZooOptionError('dataConfig.cropPct', cropPct, 'either cropPct or resizeSize, not both');
  }
  const resizeSize = partial.resizeSize ?? Math.floor(cropSize / cropPct);
  if (!isPositiveInt(resizeSize)) throw new ZooOptionError('dataConfig.resizeSize', resizeSize, 'a positive integer');
  const interpolation = partial.interpolation ?? IMAGENET_DATA_CONFIG.interpolation;
  if (interpolation !== 'nearest' && interpolation !== 'bilinear' && interpolation !== 'bicubic') {
    throw new ZooOptionError('dataConfig.interpolation', interpolation, "'nearest', 'bilinear' or 'bicubic'");
  }
  const antialias = partial.antialias ?? interpolation !== 'nearest';
  if (typeof antialias !== 'boolean') throw new ZooOptionError('dataConfig.antialias', antialias, 'true or false');
  if (antialias && interpolation === 'nearest') {
    throw new ZooOptionError(
      'dataConfig.antialias',
      antialias,
      "false with 'nearest' interpolation",
      'torchvision antialiases bilinear and bicubic only.',
    );
  }
  const mean = triple('mean', partial.mean ?? IMAGENET_MEAN, (v) => Number.isFinite(v));
  const std = triple('std', partial.std ?? IMAGENET_STD, (v) => Number.isFinite(v) && v > 0);
  return Object.freeze({ cropSize, resizeSize, interpolation, antialias, mean, std });
}

function triple(field: string, value: unknown, ok: (v: number) => boolean): Triple {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && ok(v))) {
    throw new ZooOptionError(
      `dataConfig.${field}`,
      value,
      `three finite numbers, one per RGB channel${field === 'std' ? ', each > 0' : ''}`,
    );
  }
  return Object.freeze([value[0], value[1], value[2]]) as Triple;
}

/**
 * The data configuration of a torchvision weight set, from its transforms' crop, resize and
 * interpolation (the reference data's `published` entries carry them). A missing resize size is
 * `ImageClassification`'s default, 256.
 */
export function fromTorchvisionWeights(meta: { cropSize: number; resizeSize?: number | null; interpolation?: string | null }): DataConfig {
  const interpolation = meta.interpolation ?? 'bilinear';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear' && interpolation !== 'bicubic') {
    throw new ZooOptionError('interpolation', interpolation, "'nearest', 'bilinear' or 'bicubic'", `(from ${describe(meta)})`);
  }
  return dataConfig({ cropSize: meta.cropSize, resizeSize: meta.resizeSize ?? 256, interpolation });
}

/** The data configuration of a timm pretrained config (`input_size`, `crop_pct`, `interpolation`, `mean`, `std`). */
export function fromTimmConfig(cfg: {
  input_size: readonly [number, number, number];
  crop_pct?: number;
  interpolation?: string;
  mean?: Triple;
  std?: Triple;
}): DataConfig {
  const [, h, w] = cfg.input_size;
  if (h !== w) throw new ZooOptionError('input_size', cfg.input_size, 'a square input (C, S, S)');
  return dataConfig({
    cropSize: h,
    cropPct: cfg.crop_pct ?? DEFAULT_CROP_PCT,
    interpolation: (cfg.interpolation ?? 'bilinear') as Interpolation,
    ...(cfg.mean ? { mean: cfg.mean } : {}),
    ...(cfg.std ? { std: cfg.std } : {}),
  });
}

/**
 * The configuration for a model entry: its own `dataConfig` when the family set one, else the
 * ImageNet defaults scaled to its input size (timm's crop_pct rule).
 */
export function dataConfigOf(entry: { readonly defaultInputSize: number; readonly dataConfig?: DataConfig }): DataConfig {
  return entry.dataConfig ?? dataConfig({ cropSize: entry.defaultInputSize });
}
