import { ZooStateDictRuleError } from './errors.js';

/**
 * One rename of a checkpoint convention: a key matching `from` has the match replaced by `to`.
 * Rules are data, so that the loader, `zoo convert` and the weight-set generator read the same
 * ones (the generator checks timm's keys and shapes against the zoo's with them).
 */
export interface KeyRule {
  readonly from: RegExp;
  /**
   * The replacement: `$1`... for the groups; `{1+1}`, `{1*2+1}` for a numeric group with
   * arithmetic (timm counts stages from 0 where torchvision's `features` start with the stem);
   * null skips the key on purpose (it is reported as ignored).
   */
  readonly to: string | null;
  /**
   * The tensor holds the model's weight with the same elements in the same order but another
   * shape (timm's 7x7 or 1x1 convolution heads for torchvision's dense layers, a `[C]` layer
   * scale for `[C, 1, 1]`): it is reshaped to the model's shape when the element counts agree.
   */
  readonly reshape?: boolean;
}

/**
 * The key names (and layouts) of checkpoints saved by another implementation of a model's
 * architecture than the one its layers are named after: timm's for a torchvision model, or the
 * reference's own older names. A family declares its conventions beside its builder; the loader
 * recognises one from a checkpoint's keys, so no flag is needed.
 */
export interface CheckpointConvention {
  /** `timm`, `torchvision (legacy names)`: what the loader and `zoo convert` report. */
  readonly name: string;
  /**
   * Patterns each of which some key of a checkpoint in this convention matches (and none of a
   * checkpoint in the model's own names): the first convention whose patterns all match is used.
   */
  readonly detect: readonly RegExp[];
  /** Every rule is tried in order on the result of the rules before it. */
  readonly rules: readonly KeyRule[];
}

/** What a checkpoint key becomes under a convention. */
export interface MappedKey {
  /** The model's key, or null for a key skipped on purpose. */
  readonly key: string | null;
  readonly reshape: boolean;
}

/** The model's own names: what a checkpoint is read as when no convention is recognised. */
export const NATIVE_CONVENTION = "the model's own";

const ARITHMETIC = /\{(\d+)(?:\*(\d+))?(?:([+-])(\d+))?\}/g;

function substitute(template: string, groups: readonly (string | undefined)[]): string {
  const withArithmetic = template.replace(ARITHMETIC, (_, g: string, mul?: string, sign?: string, add?: string) => {
    const v = Number(groups[Number(g)]);
    if (!Number.isInteger(v))
      throw new ZooStateDictRuleError(`The key rule \`${template}\` does arithmetic on group ${g}, which is not a number here.`);
    const scaled = v * (mul ? Number(mul) : 1);
    return String(sign === '-' ? scaled - Number(add) : scaled + (add ? Number(add) : 0));
  });
  return withArithmetic.replace(/\$(\d+)/g, (_, g: string) => groups[Number(g)] ?? '');
}

/** A checkpoint key under `convention` (null: the model's own names, unchanged). */
export function mapKey(convention: CheckpointConvention | null, key: string): MappedKey {
  if (!convention) return { key, reshape: false };
  let out = key;
  let reshape = false;
  for (const rule of convention.rules) {
    const m = rule.from.exec(out);
    if (!m) continue;
    if (rule.to === null) return { key: null, reshape };
    out = out.slice(0, m.index) + substitute(rule.to, m) + out.slice(m.index + m[0].length);
    reshape ||= rule.reshape === true;
  }
  return { key: out, reshape };
}

/** The first of `conventions` a checkpoint with these keys is in, or null (the model's own names). */
export function detectConvention(conventions: readonly CheckpointConvention[], keys: readonly string[]): CheckpointConvention | null {
  return conventions.find((c) => c.detect.length > 0 && c.detect.every((p) => keys.some((k) => p.test(k)))) ?? null;
}

/** How a checkpoint's keys and shapes fit a model's, under a convention: what a strict load would report. */
export interface ConventionFit {
  readonly missing: string[];
  readonly unexpected: string[];
  readonly mismatched: { key: string; expected: readonly number[]; got: readonly number[] }[];
}

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Whether a checkpoint (its keys and shapes) loads into a model (its keys and shapes) under a
 * convention, without reading a tensor: the generator's check of timm's layouts, and the loader's
 * own rule for reshapes (`shapesFit`).
 */
export function conventionFit(
  convention: CheckpointConvention | null,
  checkpoint: ReadonlyMap<string, readonly number[]>,
  model: ReadonlyMap<string, readonly number[]>,
  ignored: ReadonlySet<string> = new Set(),
): ConventionFit {
  const fit: ConventionFit = { missing: [], unexpected: [], mismatched: [] };
  const seen = new Set<string>();
  for (const [sourceKey, shape] of checkpoint) {
    const { key, reshape } = mapKey(convention, sourceKey);
    if (key === null || (ignored.has(key) && !model.has(key))) continue;
    const expected = model.get(key);
    if (!expected || seen.has(key)) {
      fit.unexpected.push(sourceKey);
      continue;
    }
    seen.add(key);
    if (!shapesFit(shape, expected, reshape)) fit.mismatched.push({ key: sourceKey, expected, got: shape });
  }
  for (const key of model.keys()) if (!seen.has(key)) fit.missing.push(key);
  return fit;
}

/** Equal shapes, or, where the rule reshapes, the same number of elements. */
export function shapesFit(got: readonly number[], expected: readonly number[], reshape: boolean): boolean {
  if (got.length === expected.length && got.every((d, i) => d === expected[i])) return true;
  return reshape && count(got) === count(expected);
}
