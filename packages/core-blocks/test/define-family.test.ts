import { describe, expect, it } from '@jest/globals';
import {
  defineFamily,
  defineModel,
  type Family,
  type ModelEntry,
  noWeightSets,
  type WeightSet,
  ZooError,
  ZooUnknownModelError,
} from '../src/family.js';

const PAPER = { title: 'Tiny', authors: 'A. Author', year: 2024, url: 'https://example.org/tiny' };

const SPECS = {
  tiny_b: { width: 8 },
  tiny_a: { width: 16 },
  tiny_c: { width: 4 },
} as const;

function build(name: keyof typeof SPECS, spec: (typeof SPECS)[keyof typeof SPECS], weights: readonly WeightSet[]): ModelEntry {
  calls.push([name, spec.width]);
  return defineModel({
    name,
    weights,
    family: 'Tiny',
    package: '@zoo/test',
    paper: PAPER,
    architecture: { features: (x) => x },
  });
}
const calls: (readonly [string, number])[] = [];
const NONE = noWeightSets('not released');

describe('defineFamily', () => {
  const family = defineFamily(SPECS, build);

  it('lists the variant names in the order the spec rows declare them, and keeps the rows', () => {
    expect(family.names).toEqual(['tiny_b', 'tiny_a', 'tiny_c']);
    expect(family.specs).toBe(SPECS);
    expect(Object.isFrozen(family)).toBe(true);
    expect(Object.isFrozen(family.names)).toBe(true);
  });

  it('builds nothing until a variant is asked for, then builds it from its own row, once', () => {
    expect(calls).toEqual([]);
    const a = family.entry('tiny_a', NONE);
    expect(a.name).toBe('tiny_a');
    expect(a.family).toBe('Tiny');
    expect(calls).toEqual([['tiny_a', 16]]);
    expect(family.entry('tiny_a', NONE)).toBe(a);
    expect(calls).toEqual([['tiny_a', 16]]);
    const c = family.entry('tiny_c', NONE);
    expect(c).not.toBe(a);
    expect(c.name).toBe('tiny_c');
    expect(calls).toEqual([
      ['tiny_a', 16],
      ['tiny_c', 4],
    ]);
  });

  it('refuses a name its spec rows do not define, listing the ones they do', () => {
    let error: unknown;
    try {
      family.entry('tiny_d' as keyof typeof SPECS, NONE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZooUnknownModelError);
    expect((error as ZooUnknownModelError).model).toBe('tiny_d');
    expect((error as ZooUnknownModelError).suggestions).toEqual(['tiny_b', 'tiny_a', 'tiny_c']);
    expect((error as Error).message).toBe(
      'Unknown model `tiny_d`. Did you mean `tiny_b`, `tiny_a`, `tiny_c`? Those are the variants its spec rows define.',
    );
    // An inherited property is not a spec row.
    expect(() => family.entry('toString' as keyof typeof SPECS, NONE)).toThrow(ZooUnknownModelError);
  });

  it('gives a variant without weight sets an empty list, the same on every call', () => {
    const bare = defineFamily({ bare_a: {} }, (name, _spec, weights) =>
      defineModel({ name, weights, family: 'Bare', package: '@zoo/test', paper: PAPER, architecture: { features: (x) => x } }),
    );
    const a = bare.entry('bare_a');
    expect(a.weights).toEqual([]);
    expect(bare.entry('bare_a')).toBe(a);
  });

  it('refuses the same variant with other weight sets', () => {
    family.entry('tiny_b', NONE);
    expect(() => family.entry('tiny_b', noWeightSets('other'))).toThrow(ZooError);
    expect(() => family.entry('tiny_b', noWeightSets('other'))).toThrow(
      "`tiny_b` was built with other weight sets: a variant's entry is built once, with one list of weight sets.",
    );
  });

  it('types names as the spec keys and the entry as the builder returns it', () => {
    const typed: Family<typeof SPECS, ModelEntry> = family;
    const names: readonly ('tiny_a' | 'tiny_b' | 'tiny_c')[] = typed.names;
    expect(names).toHaveLength(3);
    // @ts-expect-error: not a spec row
    expect(() => typed.entry('tiny_x', NONE)).toThrow(ZooUnknownModelError);
    // @ts-expect-error: the builder's spec parameter is the row type
    defineFamily(SPECS, (_name, spec: { depth: number }) => build('tiny_a', { width: spec.depth } as never, NONE));
  });
});
