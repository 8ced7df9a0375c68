import { ZooError, ZooUnknownModelError } from '../base/errors.js';
import type { ModelEntry } from './model.js';
import type { WeightSet } from './weight-set.js';

/** The variant names of a family: the keys of its spec rows. */
export type FamilyName<S> = Extract<keyof S, string>;

/**
 * A family of variants declared once: its spec rows, keyed by variant name, and the builder that
 * turns one row into the variant's `ModelEntry`. A family package's `models.generated.ts` (written
 * by `scripts/generate-models.mjs` from the spec rows) exports one constant per variant,
 * `RESNET.entry('resnet50', WEIGHTS.resnet50)`, so that a bundle holds the variants it imports.
 */
export interface Family<S extends object, E extends ModelEntry = ModelEntry> {
  /** The spec rows, as declared. */
  readonly specs: S;
  /** The variant names, in the order the spec rows declare them. */
  readonly names: readonly FamilyName<S>[];
  /**
   * The variant's entry, built on the first call; later calls with the same name give the same
   * object. An unknown name throws `ZooUnknownModelError`; the same name with other weight sets
   * throws `ZooError` (an entry has one list of weight sets). Without `weights` the variant has
   * none (a family whose weights are not published yet).
   */
  entry(name: FamilyName<S>, weights?: readonly WeightSet[]): E;
}

/** Builds one variant: its name, its spec row, and its released weight sets. */
export type FamilyBuilder<S extends object, E extends ModelEntry> = (
  name: FamilyName<S>,
  spec: S[FamilyName<S>],
  weights: readonly WeightSet[],
) => E;

/** The weight sets of a variant that is given none: one shared list, so that repeated calls agree. */
const NO_WEIGHTS: readonly WeightSet[] = Object.freeze([]);

/**
 * Declares a family from its spec rows and the builder of one variant. Pure (it builds nothing
 * until `entry` is called): mark the call with a pure annotation, as each family's module does,
 * so that a bundler drops a family none of whose variants an app imports.
 * (The annotation is not spelled out here: Rollup would read it in this comment and warn.)
 */
export function defineFamily<S extends object, E extends ModelEntry>(specs: S, build: FamilyBuilder<S, E>): Family<S, E> {
  const names = Object.freeze(Object.keys(specs) as FamilyName<S>[]);
  const built = new Map<string, { readonly weights: readonly WeightSet[]; readonly entry: E }>();
  return Object.freeze({
    specs,
    names,
    entry(name: FamilyName<S>, weights: readonly WeightSet[] = NO_WEIGHTS): E {
      if (!Object.hasOwn(specs, name)) {
        throw new ZooUnknownModelError(String(name), names, 'Those are the variants its spec rows define.');
      }
      const known = built.get(name);
      if (known) {
        if (known.weights !== weights) {
          throw new ZooError(
            `\`${name}\` was built with other weight sets: a variant's entry is built once, with one list of weight sets.`,
          );
        }
        return known.entry;
      }
      const entry = build(name, specs[name], weights);
      built.set(name, { weights, entry });
      return entry;
    },
  });
}
