import * as tfl from '@tensorflow/tfjs-layers';
import { activation, apply, Conv2d, defineFamily, defineModel, MaxPool2d, type ModelEntry, type PaperRef } from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { lastAtEachReduction, type TrunkOutput } from './stages.js';

/**
 * SqueezeNet as torchvision builds it (`torchvision/models/squeezenet.py`): Fire modules (a 1x1
 * squeeze, then parallel 1x1 and 3x3 expands concatenated), ceil-mode max pooling between them,
 * and a 1x1 convolution as the classifier. Layer names are torchvision's module paths.
 */
export interface SqueezeNetSpec {
  /** Filters and kernel size of the first convolution (stride 2, no padding). */
  stem: readonly [filters: number, kernel: number];
  /** `'M'` is a 3x3 stride-2 ceil-mode max pool; `[s, e]` a Fire module with `s` squeeze and `e` + `e` expand channels. */
  layout: readonly ('M' | readonly [squeeze: number, expand: number])[];
}

const PAPER: PaperRef = {
  title: 'SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size',
  authors: 'Forrest N. Iandola, Song Han, Matthew W. Moskewicz, Khalid Ashraf, William J. Dally, Kurt Keutzer',
  year: 2016,
  url: 'https://arxiv.org/abs/1602.07360',
};

/** The variants: version 1.1 moves the pools earlier and shrinks the stem, for 2.4x fewer MACs. */
export const SQUEEZENET_SPECS = {
  squeezenet1_0: {
    stem: [96, 7],
    layout: ['M', [16, 64], [16, 64], [32, 128], 'M', [32, 128], [48, 192], [48, 192], [64, 256], 'M', [64, 256]],
  },
  squeezenet1_1: {
    stem: [64, 3],
    layout: ['M', [16, 64], [16, 64], 'M', [32, 128], [32, 128], 'M', [48, 192], [48, 192], [64, 256], [64, 256]],
  },
} as const satisfies Record<string, SqueezeNetSpec>;

export type SqueezeNetName = keyof typeof SQUEEZENET_SPECS;

function conv(x: tfl.SymbolicTensor, name: string, filters: number, kernelSize: number, strides = 1, padding = 0) {
  return apply(new Conv2d({ name, filters, kernelSize, strides, padding, kernelInit: 'kaimingNormalFanOut' }), x);
}

function fire(x: tfl.SymbolicTensor, name: string, squeeze: number, expand: number): tfl.SymbolicTensor {
  const s = apply(activation('relu', `${name}.squeeze_activation`), conv(x, `${name}.squeeze`, squeeze, 1));
  const e1 = apply(activation('relu', `${name}.expand1x1_activation`), conv(s, `${name}.expand1x1`, expand, 1));
  const e3 = apply(activation('relu', `${name}.expand3x3_activation`), conv(s, `${name}.expand3x3`, expand, 3, 1, 1));
  return apply(tfl.layers.concatenate({ name: `${name}.cat` }), [e1, e3]);
}

function features(spec: SqueezeNetSpec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let x = conv(input, 'features.0', spec.stem[0], spec.stem[1], 2);
  x = apply(activation('relu', 'features.1'), x);
  spec.layout.forEach((item, i) => {
    const name = `features.${i + 2}`;
    x = item === 'M' ? apply(new MaxPool2d({ name, poolSize: 3, strides: 2, ceilMode: true }), x) : fire(x, name, item[0], item[1]);
  });
  return x;
}

/**
 * torchvision's module outputs, each the last at its reduction before the next pool (no timm
 * counterpart): the stem's ReLU, then the last Fire module before each pool and at the end. The
 * three pools stop at a reduction of 16.
 */
function stages(spec: SqueezeNetSpec) {
  let channels = spec.stem[0];
  const outputs: TrunkOutput[] = [['features.1', 'features.1', channels, 2]];
  spec.layout.forEach((item, i) => {
    const name = `features.${i + 2}`;
    if (item !== 'M') channels = 2 * item[1];
    outputs.push(item === 'M' ? [name, name, channels, 2] : [`${name}.cat`, name, channels, 1]);
  });
  return lastAtEachReduction(outputs);
}

/** Dropout, a 1x1 convolution to the classes, ReLU, global average: torchvision's `classifier`. */
function classifier(x: tfl.SymbolicTensor, o: { numClasses: number; dropRate: number }): tfl.SymbolicTensor {
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'classifier.0' }), x);
  x = apply(new Conv2d({ name: 'classifier.1', filters: o.numClasses, kernelSize: 1, kernelInit: 'kaimingNormalFanOut' }), x);
  x = apply(activation('relu', 'classifier.2'), x);
  return apply(tfl.layers.globalAveragePooling2d({ name: 'classifier.3' }), x);
}

/** One variant per row of `SQUEEZENET_SPECS`; models.generated.ts exports each variant. */
export const SQUEEZENET = /* @__PURE__ */ defineFamily(SQUEEZENET_SPECS, (name, spec, weights): ModelEntry => {
  return defineModel({
    name,
    weights,
    family: 'SqueezeNet',
    package: PACKAGE,
    paper: PAPER,
    defaultDropRate: 0.5,
    architecture: { features: (input) => features(spec, input), classifier, stages: () => stages(spec) },
  });
});
