/** Shapes of `data/models.json` (see its `about` for how each figure was measured). */
export interface ReferenceFile {
  about: string;
  models: Record<string, ReferenceModel>;
}

export interface ReferenceModel {
  /** Family as the survey notes name it; null for optional extras outside the zoo's families. */
  family: string | null;
  /** Zoo package (without scope) that implements it; null for optional extras. */
  package: string | null;
  /** Whether the zoo must implement it. */
  required: boolean;
  reference: ReferenceImplementation;
  /** Trainable parameters (PyTorch `parameters()`). */
  params: number;
  macs: { convLinear: number; total: number };
  outputShape: number[];
  published: PublishedAccuracy[];
}

export interface ReferenceImplementation {
  /** `torchvision`, `timm` or `authors`. */
  kind: string;
  implementation?: string;
  repository?: string;
  commit?: string;
  notes?: string;
}

export interface PublishedAccuracy {
  tag?: string;
  /** Top-1 accuracy in percent; null where the source reports none (feature-extractor weights). */
  top1: number | null;
  top5?: number | null;
  numParams?: number;
  cropSize?: number;
  resizeSize?: number | null;
  interpolation?: string;
  source: string;
}
