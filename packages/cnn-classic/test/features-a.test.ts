import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { checkFeatureParity, type FeatureParityOptions, type FeatureParityResult } from '@zoo/parity';
import { itHasFeatureMaps, itMatchesTimmFeatureInfo } from '@zoo/test-support';
import {
  alexnet,
  CBAM_RESNET_SPECS,
  catalog,
  DENSENET_SPECS,
  densenet121,
  ECA_RESNET_SPECS,
  googlenet,
  RESNET_SPECS,
  resnet18,
  resnet50,
  VGG_SPECS,
  vgg11,
  vgg11_bn,
} from '../src/index.js';

// featuresOnly for AlexNet, VGG, GoogLeNet, the ResNets (ResNeXt, Wide ResNet), DenseNet and the
// CBAM and ECA ResNets: the maps against the full model, the stages against timm's feature_info
// where timm has the architecture, and the values against torchvision's create_feature_extractor
// on the smallest member of each family.
beforeAll(async () => {
  await tf.setBackend('wasm');
});

const of = (specs: object) => catalog.filter((e) => e.name in specs);
const resnets = of(RESNET_SPECS);
const vggs = of(VGG_SPECS);
const densenets = of(DENSENET_SPECS);
const cbams = of(CBAM_RESNET_SPECS);
const ecas = of(ECA_RESNET_SPECS);

// Small odd inputs keep the big members quick. AlexNet keeps 224: its unpadded 11x11 conv and
// pools leave sides more than one off input / reduction at most small sizes. CBAM's fixed head,
// AvgPool2d(7), needs a final map of 7 to 13 (193 px and up).
const SIZE: Record<string, number> = { AlexNet: 224, CBAM: 193 };
itHasFeatureMaps([alexnet, ...vggs, googlenet, ...resnets, ...densenets, ...cbams, ...ecas], { size: (e) => SIZE[e.family] ?? 65 });

// timm names these architectures as torchvision does.
itMatchesTimmFeatureInfo([...vggs, ...resnets, ...densenets], (e) => e.name);

describe('module paths', () => {
  const cases: [ModelEntry, string[]][] = [
    // timm's, measured (timm 1.0.29): VGG's are torchvision's.
    [vgg11, ['features.1', 'features.4', 'features.9', 'features.14', 'features.19', 'features.20']],
    [vgg11_bn, ['features.2', 'features.6', 'features.13', 'features.20', 'features.27', 'features.28']],
    // timm's act1 is torchvision's relu.
    [resnet50, ['relu', 'layer1', 'layer2', 'layer3', 'layer4']],
    // timm's norm0 and norm5 hold the ReLUs; torchvision's are features.relu0 and forward()'s relu.
    [densenet121, ['features.relu0', 'features.denseblock1', 'features.denseblock2', 'features.denseblock3', 'relu']],
    [alexnet, ['features.1', 'features.4', 'features.11', 'features.12']],
    [googlenet, ['conv1', 'conv3', 'inception3b', 'inception4e', 'inception5b']],
  ];
  it.each(cases.map(([e, modules]) => [e.name, e, modules] as const))('%s', (_name, entry, modules) => {
    expect(entry.featureInfo.map((f) => f.module)).toEqual(modules);
  });
});

// The stages lie in `features`: timm's convolutional head and torchvision's dense one are not built.
it("VGG's maps do not depend on its head", () => {
  const layers = (head: 'timm' | 'torchvision') => {
    const m = withZeroInit(() => vgg11.create({ featuresOnly: true, head, inputShape: [65, 65, 3] }));
    const names = m.layers.map((l) => l.name);
    m.dispose();
    return names;
  };
  const timm = layers('timm');
  expect(timm).toEqual(layers('torchvision'));
  expect(timm.at(-1)).toBe('features.20');
});

interface ListedLayer {
  name: string;
  out?: number[];
}

/** The authors' per-layer listing of a model (`@zoo/reference/arch/<model>.json`). */
function listing(model: string): { input_shape: number[]; layers: ListedLayer[] } {
  return JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`@zoo/reference/arch/${model}.json`), 'utf8'));
}

// No installed reference: the stages' channels and reductions against the output of the last
// call inside each stage's module in the authors' code, as their listing records it at 224.
describe("CBAM and ECA ResNets: stages at the authors' module outputs", () => {
  it.each([...cbams, ...ecas].map((e) => [e.name, e] as const))('%s', (name, entry) => {
    const { input_shape, layers } = listing(name);
    for (const f of entry.featureInfo) {
      const last = [...layers].reverse().find((l) => l.name === f.module || l.name.startsWith(`${f.module}.`));
      expect(last?.out).toHaveLength(4);
      const [, channels, h] = last!.out!;
      expect([f.module, channels, input_shape[2] / h]).toEqual([f.module, f.channels, f.reduction]);
    }
  });
});

const SIZES = [224, 199];
const results: FeatureParityResult[] = [];
const residualNorms = '^layer\\d+\\.\\d+\\.bn[23]$';
const PARITY: [ModelEntry, FeatureParityOptions][] = [
  [alexnet, {}],
  [vgg11, {}],
  [googlenet, { referenceKwargs: { aux_logits: false, init_weights: false } }],
  [resnet18, { residualNorms }],
  [densenet121, {}],
];

afterAll(() => {
  const lines = results.map(
    (r) =>
      `${r.model.padEnd(12)} ${String(r.size).padStart(3)}  rel ${r.relative.toExponential(2)}  ` +
      `(${r.maps.map((m) => m.relative.toExponential(1)).join(' ')})  fixtures ${r.seconds.fixtures.toFixed(1)} s  load ${r.seconds.load.toFixed(1)} s  predict ${r.seconds.predict.toFixed(1)} s`,
  );
  if (lines.length) console.log(`feature maps against torchvision's create_feature_extractor:\n${lines.join('\n')}`);
});

describe("feature maps equal torchvision's intermediate outputs", () => {
  it.each(PARITY.flatMap(([entry, options]) => SIZES.map((size) => [entry.name, size, entry, options] as const)))(
    '%s at %i px square, batch 2',
    async (_name, size, entry, options) => {
      const r = await checkFeatureParity(entry, {
        ...options,
        size,
        prepareSizes: SIZES,
        batch: 2,
        builder: 'torchvision',
        tolerance: 1e-4,
      });
      results.push(r);
      expect(r.maps).toHaveLength(entry.featureInfo.length);
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    600_000,
  );
});
