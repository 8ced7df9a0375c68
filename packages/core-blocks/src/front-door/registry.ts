import { distance } from 'fastest-levenshtein';
import { ZooOptionError, ZooUnknownModelError } from '../base/errors.js';
import type { ModelEntry } from '../model/model.js';
import { registeredFamilies, registry } from './families.js';

async function catalogs(): Promise<ModelEntry[]> {
  const r = registry();
  const all: ModelEntry[] = [];
  for (const [pkg, load] of r.loaders) {
    let entries = r.loaded.get(pkg);
    if (!entries) {
      const got = await load();
      if (!Array.isArray(got)) throw new ZooOptionError(`the catalog of ${pkg}`, got, 'an array of model entries');
      entries = got as readonly ModelEntry[];
      r.loaded.set(pkg, entries);
    }
    all.push(...entries);
  }
  return all;
}

export interface ListModelsOptions {
  /** Only this family, as the catalog names it (`ResNet`, `MobileNetV3`; any case). */
  family?: string;
  /** Only this package's models (`@zoo/mobile`). */
  package?: string;
  /** true: only models with a weight set the zoo loads; false: only those without. */
  pretrained?: boolean;
}

/** The models of the registered family packages, in their catalogs' order, filtered. */
export async function listModels(options: ListModelsOptions = {}): Promise<ModelEntry[]> {
  const { family, package: pkg, pretrained } = options;
  if (pretrained !== undefined && typeof pretrained !== 'boolean') throw new ZooOptionError('pretrained', pretrained, 'true or false');
  const entries = await catalogs();
  return entries.filter(
    (e) =>
      (family === undefined || e.family.toLowerCase() === family.toLowerCase()) &&
      (pkg === undefined || e.package === pkg) &&
      (pretrained === undefined || hasWeights(e) === pretrained),
  );
}

/** Whether a model has a weight set the loader can read. */
export function hasWeights(entry: ModelEntry): boolean {
  return entry.weights.some((w) => !w.unsupported);
}

/**
 * The catalog entry of a model of a registered family, by its name (`resnet50`, `hrnet_w18`).
 * An unknown name is a `ZooUnknownModelError` with the nearest names, and, when no family is
 * registered, what to import.
 */
export async function getModel(name: string): Promise<ModelEntry> {
  if (typeof name !== 'string') throw new ZooOptionError('name', name, "a model's name, such as 'resnet50'");
  const entries = await catalogs();
  const entry = entries.find((e) => e.name === name);
  if (entry) return entry;
  const packages = registeredFamilies();
  throw new ZooUnknownModelError(
    name,
    nearest(
      name,
      entries.map((e) => e.name),
    ),
    packages.length
      ? `The registered families are ${packages.join(', ')}; register the package that has it (\`import '@zoo/mobile/register'\`).`
      : "No family package is registered: import one's register entry first (`import '@zoo/cnn-classic/register'`).",
  );
}

/** Up to three names close to `name` (edit distance, or a prefix), nearest first. */
export function nearest(name: string, names: readonly string[]): string[] {
  const want = name.toLowerCase();
  return names
    .map((n) => ({ n, d: distance(n.toLowerCase(), want) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.toLowerCase().startsWith(want))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
}
