import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelEntry, stateDictParams, withZeroInit } from '@zoo/core-blocks/family';
import { type ModelProfile, profileModel } from '@zoo/profiler';
import { getReference } from '@zoo/reference';
import { referenceNames } from './figures.js';
import { itHasAFrontDoor } from './front-door.js';
import { itRoundTripsQuantizedFiles } from './quantized-round-trip.js';
import { expectLayersMatchReference, hasReferenceLayers, referenceStateDictKeys } from './reference-layers.js';
import { itSavesAndLoadsEveryModel } from './save-load.js';
import { itLoadsWeightSetsLikeTheReference, itPreprocessesLikeTheWeightSources, itTakesTheDefaultSetsPreprocessing } from './weights.js';

type WeightCases = Parameters<typeof itLoadsWeightSetsLikeTheReference>[0];

/**
 * The parts of the shared suite: the catalog against the reference data, import purity, the front
 * door, quantized files, save and load of every model, weight sets.
 */
export const FAMILY_SUITE_PARTS = ['catalog', 'purity', 'front-door', 'quantize', 'save-load', 'weights'] as const;
export type FamilySuitePart = (typeof FAMILY_SUITE_PARTS)[number];

/** What a family package's shared tests need to know about it. */
export interface FamilySuiteOptions {
  /** The package's name, e.g. `@zoo/mobile`: every catalog entry must say it. */
  package: string;
  /** The package's directory (`new URL('..', import.meta.url)` from its test dir): import purity imports its build. */
  packageDir: URL;
  /** Every model of the package. */
  catalog: readonly ModelEntry[];
  /**
   * Whether the reference data holds the package's models (default true): the catalog then covers
   * every required reference model of its families, and each model's figures, layer listing and
   * state-dict keys equal the reference's. A family without reference figures checks its own.
   */
  reference?: boolean;
  /** Models whose figures and save-load round trip are checked in a file of their own (a model too big to share a process). */
  apart?: readonly string[];
  /** The input side of the front-door check for a family's first model (default 65). */
  frontDoorSize?: (entry: ModelEntry) => number;
  /** Models whose float16, uint8 and uint16 weight files round-trip within the measured error. */
  quantize?: readonly ModelEntry[];
  /** Weight sets loaded by name and compared with the reference: the sources' own names, then timm's checkpoints. */
  weights?: { sets: WeightCases; timm?: WeightCases };
  /**
   * The parts this file runs (default: all). A package whose models are too big to share one
   * process (jest gives each file its own worker, and each worker one wasm heap) spreads the parts
   * over a few files, each `describeFamilyPackage({ ...options, parts: [...] })`.
   */
  parts?: readonly FamilySuitePart[];
}

/**
 * The reference figures of one model (zero weights: only structure matters): family, trainable
 * parameters, both MAC conventions, output shape, a profiler rule for every layer; where the
 * reference has a per-layer listing, every layer's parameters and MACs and the state-dict keys
 * too; disposing the model leaves no tensor behind. One build serves all of them.
 */
export function expectModelMatchesReference(entry: ModelEntry): ModelProfile {
  const ref = getReference(entry.name);
  if (!ref) throw new Error(`no reference figures for ${entry.name}: add it to the reference data first`);
  const tensorsBefore = tf.memory().numTensors;
  const model = withZeroInit(() => entry.create());
  let p: ModelProfile;
  let keys: string[];
  try {
    p = profileModel(model);
    keys = [...stateDictParams(model).params.keys()].sort();
  } finally {
    model.dispose();
  }
  // Disposing the model frees every tensor its building and profiling made.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(entry.family).toBe(ref.family);
  expect(p.uncounted).toEqual([]);
  expect(p.params.trainable).toBe(ref.params);
  expect(p.macs.convLinear).toBe(ref.macs.convLinear);
  expect(p.macs.total).toBe(ref.macs.total);
  expect(p.outputShape).toEqual(ref.outputShape);
  if (hasReferenceLayers(entry.name)) {
    expectLayersMatchReference(entry.name, p);
    // Layer names are the reference's module paths: its checkpoints map key for key.
    expect(keys).toEqual(referenceStateDictKeys(entry.name));
  }
  return p;
}

/** The import-purity script of core-blocks: it imports a built package in a fresh Node process with every network entry point replaced by a recorder. */
const IMPORT_PURITY = join(
  dirname(createRequire(import.meta.url).resolve('@zoo/core-blocks/package.json')),
  'scripts',
  'import-purity.mjs',
);

/**
 * The checks every family package shares, as jest `describe` blocks: the catalog against the
 * reference data (coverage, figures, layer listings, state-dict keys), import purity, save and
 * load of every model, the front door of each family's first model, and, where listed, quantized
 * weight files and weight sets. The calling file imports the cpu and wasm backends and the
 * package's `register` entry (the front door finds models by name).
 */
export function describeFamilyPackage(options: FamilySuiteOptions): void {
  const { catalog, package: pkg } = options;
  const apart = new Set(options.apart ?? []);
  for (const name of apart) {
    if (!catalog.some((e) => e.name === name)) throw new Error(`apart: ${name} is not a model of ${pkg}`);
  }
  const families = [...new Set(catalog.map((e) => e.family))];
  const parts = new Set<FamilySuitePart>(options.parts ?? FAMILY_SUITE_PARTS);
  for (const part of parts) {
    if (!FAMILY_SUITE_PARTS.includes(part)) throw new Error(`parts: ${part} is not one of ${FAMILY_SUITE_PARTS.join(', ')}`);
  }
  // A part asked for by name needs its cases; by default, a part without cases is skipped.
  if (options.parts?.includes('quantize') && !options.quantize?.length) {
    throw new Error('parts: quantize asks for the quantized round trip, but no `quantize` models are given');
  }
  if (options.parts?.includes('weights') && !options.weights) {
    throw new Error('parts: weights asks for the weight-set checks, but no `weights` cases are given');
  }

  if (parts.has('catalog')) describeCatalog(options, apart, families);
  if (parts.has('purity')) {
    it(`importing ${pkg} makes no network request and touches no global state beyond registering its layers`, () => {
      const args = [IMPORT_PURITY, fileURLToPath(options.packageDir), '.', './catalog'];
      const report = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      expect(report.problems).toEqual([]);
    });
  }
  if (parts.has('save-load')) {
    describe('every model saves and loads back', () => {
      beforeAll(async () => {
        await tf.setBackend('wasm');
      });
      itSavesAndLoadsEveryModel(catalog.filter((e) => !apart.has(e.name)));
    });
  }
  if (parts.has('front-door')) {
    describe('each family at the front door', () => {
      beforeAll(async () => {
        await tf.setBackend('wasm');
      });
      // One model of each family: the first of its catalog rows.
      const firsts = catalog.filter((e, i) => catalog.findIndex((o) => o.family === e.family) === i);
      itHasAFrontDoor(firsts, { size: options.frontDoorSize ?? (() => 65) });
    });
  }
  if (parts.has('quantize') && options.quantize?.length) {
    // float16, uint8 and uint16 weight files within the error apps/docs/scripts/measure-quantization.mjs measured (wasm).
    describe('quantized weight files', () => {
      beforeAll(async () => {
        await tf.setBackend('wasm');
      });
      itRoundTripsQuantizedFiles(options.quantize!);
    });
  }
  if (parts.has('weights') && options.weights) describeWeights(catalog, options.weights);
}

/** The catalog against the reference data: coverage, then each model's figures, layer listing and state-dict keys. */
function describeCatalog(options: FamilySuiteOptions, apart: ReadonlySet<string>, families: readonly string[]): void {
  const { catalog, package: pkg } = options;
  describe(`${pkg} catalog`, () => {
    beforeAll(async () => {
      await tf.setBackend('cpu');
    });

    it('lists only models of this package', () => {
      expect(catalog.length).toBeGreaterThan(0);
      for (const e of catalog) expect([e.name, e.package]).toEqual([e.name, pkg]);
    });

    if (options.reference ?? true) {
      it('lists only models the reference data places in this package', () => {
        for (const e of catalog) expect([e.name, `@zoo/${getReference(e.name)?.package}`]).toEqual([e.name, pkg]);
      });

      it.each(families)('covers every required %s model of the reference data', (family) => {
        const want = referenceNames(family);
        expect(want.length).toBeGreaterThan(0);
        expect(
          catalog
            .filter((e) => e.family === family)
            .map((e) => e.name)
            .sort(),
        ).toEqual(want);
      });

      it.each(
        catalog
          .filter((e) => !apart.has(e.name))
          .map((e) => [e.name, hasReferenceLayers(e.name) ? ', every layer and the state-dict keys' : '', e] as const),
      )('%s: params, MACs, output shape%s equal the reference', (_name, _layers, entry) => {
        expectModelMatchesReference(entry);
      });
    }
  });
}

/** Weight sets: the default set's preprocessing, the sources' preprocessing, and outputs equal to the reference's. */
function describeWeights(catalog: readonly ModelEntry[], { sets, timm }: NonNullable<FamilySuiteOptions['weights']>): void {
  describe('weight sets', () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
    });
    itTakesTheDefaultSetsPreprocessing(catalog);
    itPreprocessesLikeTheWeightSources(catalog);
    itLoadsWeightSetsLikeTheReference(sets);
  });
  if (timm?.length) {
    // timm's checkpoints saved under timm's module names, loaded through each family's `timm`
    // convention (recognised from the keys), against timm's own model.
    describe("timm's checkpoints", () => {
      beforeAll(async () => {
        await tf.setBackend('wasm');
      });
      itLoadsWeightSetsLikeTheReference(timm);
    });
  }
}
