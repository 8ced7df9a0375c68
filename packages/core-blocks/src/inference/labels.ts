import { IMAGENET_LABELS } from './imagenet-labels.js';

/**
 * The class names of each data set a weight set can predict: ImageNet-1k's as torchvision names
 * them, the larger ImageNet subsets as timm's `ImageNetInfo` does (`scripts/timm-labels.py`).
 * The large lists are separate modules, fetched only when asked for.
 */
const DATASETS: Readonly<Record<string, () => Promise<readonly string[]>>> = {
  'imagenet-1k': async () => IMAGENET_LABELS,
  'imagenet-21k-goog': async () => (await import('./labels/imagenet-21k-goog.js')).LABELS,
  'imagenet-22k': async () => (await import('./labels/imagenet-22k.js')).LABELS,
  'imagenet-12k': async () => (await import('./labels/imagenet-12k.js')).LABELS,
  'imagenet-21k-miil': async () => (await import('./labels/imagenet-21k-miil.js')).LABELS,
};

/** The data sets whose class names the zoo has. */
export const LABELLED_DATASETS: readonly string[] = Object.keys(DATASETS);

/** The class names of a data set (a weight set's `classes.dataset`), or null when the zoo has none for it. */
export async function classLabels(dataset: string): Promise<readonly string[] | null> {
  const load = Object.hasOwn(DATASETS, dataset) ? DATASETS[dataset] : undefined;
  return load ? load() : null;
}
