import * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit } from '../layers/init.js';

/**
 * One design idea a family introduced or relies on, as the docs site shows it. The prose lives
 * with the family that has the idea; the numbers do not: each comparison is a set of tiny models
 * built from the real layers, which the docs generator profiles at build time. Families export
 * these as `innovations` from their catalog module, next to `catalog`.
 */
export interface Innovation {
  /** URL slug, unique across the zoo (`residual-learning`). */
  readonly id: string;
  readonly title: string;
  /** One sentence for lists and link previews. */
  readonly summary: string;
  /** The idea in plain words, Markdown. */
  readonly body: string;
  /** A figure that shows the idea: inline SVG markup (no external files, no scripts). */
  readonly figure?: string;
  /** Families (as `ModelEntry.family` names them) whose models use the idea; the site links them. */
  readonly families: readonly string[];
  /** Side-by-side costs of the idea against what it replaces, computed from real blocks. */
  readonly comparisons?: readonly InnovationComparison[];
}

/** Variants of one computation on the same input; the site profiles each and tabulates them. */
export interface InnovationComparison {
  readonly title: string;
  /** NHWC input without the batch axis. */
  readonly input: readonly [number, number, number];
  readonly variants: readonly InnovationVariant[];
  /** What the numbers show, Markdown, placed under the table. */
  readonly note?: string;
}

export interface InnovationVariant {
  readonly label: string;
  /** NHWC input of this variant when it differs from the comparison's (a scaled resolution, other widths). */
  readonly input?: readonly [number, number, number];
  /** Builds the variant on a symbolic input with the zoo's layers. */
  build(x: tfl.SymbolicTensor): tfl.SymbolicTensor;
}

/**
 * The model of one variant of a comparison, at the variant's input (or the comparison's), built
 * with zero weights: what the profiler, the docs site and the innovation tests measure.
 */
export function variantModel(comparison: InnovationComparison, variant: InnovationVariant): tfl.LayersModel {
  return withZeroInit(() => {
    const x = tfl.input({ shape: [...(variant.input ?? comparison.input)], name: 'input' });
    return tfl.model({ inputs: x, outputs: variant.build(x), name: 'variant' });
  });
}
