import { type DataConfig, dataConfig, type Interpolation, type Triple } from './data-config.js';

/** Who released a weight set. */
export type WeightPublisher = 'torchvision' | 'timm' | 'authors';

/**
 * The key names a checkpoint uses: `torchvision` (torchvision's module paths, which are the zoo's
 * layer names for torchvision models), `timm` (timm's module paths) or `authors` (the authors'
 * code's). For a model whose reference is timm or the authors' code, the zoo's names are that
 * reference's.
 */
export type KeyConvention = 'torchvision' | 'timm' | 'authors';

/** Where a weight set's file is and how to check it. */
export interface WeightFile {
  /** A plain URL (torchvision's download URL, an author's release). */
  readonly url?: string;
  /** A file of a Hugging Face hub repository: `<endpoint>/<repo>/resolve/<revision>/<file>`. */
  readonly hub?: { readonly repo: string; readonly file: string; readonly revision: string };
  readonly format: 'pth' | 'safetensors';
  /**
   * The SHA-256 the source publishes, lower-case hex: whole, or its first digits (torchvision's
   * file names carry the first 8 or more, which `torch.hub` checks). Absent where the source
   * publishes none offline (the hub's LFS hashes are only in its API).
   */
  readonly sha256?: string;
  /** Bytes of the tensors the file holds (its size, less a header of a few kB); null when unknown. */
  readonly bytes: number | null;
}

/** A weight set's preprocessing (see `DataConfig`; `inputSize` is the model's input, the crop). */
export interface WeightPreprocessing {
  readonly inputSize: number;
  readonly resizeSize: number;
  readonly interpolation: Interpolation;
  readonly mean: Triple;
  readonly std: Triple;
}

/** The classes a weight set predicts. */
export interface WeightClasses {
  /** `imagenet-1k`, `imagenet-21k`, `imagenet-12k`, ...; `none` for a backbone without a head. */
  readonly dataset: string;
  readonly count: number;
}

/** An accuracy the source publishes for the weight set, and the input size it was measured at. */
export interface WeightAccuracy {
  readonly top1: number | null;
  readonly top5: number | null;
  readonly resolution: number;
  readonly dataset: string;
}

/** One released weight set of an architecture, generated from its source's own metadata. */
export interface WeightSet {
  /** The name a user loads it by: torchvision's enum member (`IMAGENET1K_V2`) or the hub tag (`timm/resnet50.a1_in1k`). */
  readonly name: string;
  readonly publisher: WeightPublisher;
  /** torchvision's `DEFAULT` for the architecture (one set per model at most). */
  readonly isDefault: boolean;
  readonly file: WeightFile;
  readonly keys: KeyConvention;
  /** Why the zoo cannot load it yet; absent when it loads. */
  readonly unsupported?: string;
  /**
   * Creation options the model needs for these weights, as the publisher's builder sets them
   * (torchvision builds ViT for SWAG's 384 with `image_size=384`: `{ imageSize: 384 }`).
   */
  readonly createOptions?: Readonly<Record<string, unknown>>;
  /**
   * Where the zoo's model for these weights computes another function than the publisher's
   * model, as the parity tests found it (timm's Swin pads its windows after the shift).
   */
  readonly note?: string;
  readonly preprocessing: WeightPreprocessing;
  readonly classes: WeightClasses;
  readonly accuracy: WeightAccuracy | null;
  /** SPDX identifier where the source states one, else the source's wording. */
  readonly license: string | null;
  /** Where the weights were trained and documented (recipe, model card). */
  readonly docs: string | null;
}

/** A weight set's preprocessing as a `DataConfig` (PIL's antialiased resize, as the published accuracies used). */
export function weightDataConfig(p: WeightPreprocessing): DataConfig {
  return dataConfig({ cropSize: p.inputSize, resizeSize: p.resizeSize, interpolation: p.interpolation, mean: p.mean, std: p.std });
}
