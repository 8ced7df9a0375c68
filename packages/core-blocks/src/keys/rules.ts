import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ZooStateDictRuleError } from './errors.js';

type LayerVariable = tfl.LayerVariable;

/** One weight of a layer and the checkpoint tensor it comes from. */
export interface StateDictParam {
  /** Full checkpoint key (`layer1.0.conv1.weight`). */
  key: string;
  variable: LayerVariable;
  /** The tensor's shape in the checkpoint (PyTorch layout). */
  shape: number[];
  /** Checkpoint layout to the variable's layout (a transpose for convolution kernels). */
  toZoo(t: tf.Tensor): tf.Tensor;
  /** The inverse, to export the model's weights as a PyTorch state dict. */
  toTorch(t: tf.Tensor): tf.Tensor;
}

/** What a layer takes from a state dict, and which of the checkpoint's keys it knowingly skips. */
export interface LayerStateDict {
  params: StateDictParam[];
  /** Full keys that belong to this layer and carry no weight here (`bn1.num_batches_tracked`). */
  ignored?: string[];
}

/** Maps one layer class onto a state dict. */
export type StateDictRule = (layer: tfl.layers.Layer) => LayerStateDict;

/**
 * A custom layer that maps itself (attention projections, position embeddings, relative
 * position tables): the method wins over any registered rule for its class.
 */
export interface MapsStateDict {
  stateDictParams(): LayerStateDict;
}

function mapsItself(layer: unknown): layer is MapsStateDict {
  return typeof (layer as Partial<MapsStateDict>).stateDictParams === 'function';
}

/** The layer's variable created as `addWeight(name, ...)`; tfjs may suffix `name` for uniqueness, not `originalName`. */
export function weightOf(layer: tfl.layers.Layer, name: string): LayerVariable {
  const v = layer.weights.find((w) => w.originalName.split('/').pop() === name);
  if (!v)
    throw new ZooStateDictRuleError(
      `Layer \`${layer.name}\` has no weight \`${name}\` (it has ${layer.weights.map((w) => w.originalName).join(', ')}).`,
    );
  return v;
}

/** The same layout on both sides (biases, norms, embeddings). */
export function sameLayout(key: string, variable: LayerVariable): StateDictParam {
  return { key, variable, shape: [...variable.shape] as number[], toZoo: (t) => t, toTorch: (t) => t };
}

/**
 * The variable is the checkpoint tensor transposed by `perm` (as `tf.transpose(t, perm)`):
 * `[2, 3, 1, 0]` takes a PyTorch OIHW kernel to HWIO, `[1, 0]` a Linear weight to a Dense kernel.
 */
export function transposed(key: string, variable: LayerVariable, perm: readonly number[]): StateDictParam {
  const v = variable.shape as number[];
  const shape = new Array<number>(perm.length);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    shape[p] = v[i];
    inverse[p] = i;
  });
  return { key, variable, shape, toZoo: (t) => tf.transpose(t, [...perm]), toTorch: (t) => tf.transpose(t, inverse) };
}

const OIHW_TO_HWIO = [2, 3, 1, 0];

function hasWeight(layer: tfl.layers.Layer, name: string): boolean {
  return layer.weights.some((w) => w.originalName.split('/').pop() === name);
}

/** `kernel` transposed by `perm` to `weight`, and `bias` when the layer has one. */
function kernelAndBias(perm: readonly number[]): StateDictRule {
  return (layer) => ({
    params: [
      transposed(`${layer.name}.weight`, weightOf(layer, 'kernel'), perm),
      ...(hasWeight(layer, 'bias') ? [sameLayout(`${layer.name}.bias`, weightOf(layer, 'bias'))] : []),
    ],
  });
}

/** PyTorch's affine `weight`/`bias` as tfjs's `gamma`/`beta`, each only when the layer has it. */
function affine(layer: tfl.layers.Layer): StateDictParam[] {
  const params: StateDictParam[] = [];
  if (hasWeight(layer, 'gamma')) params.push(sameLayout(`${layer.name}.weight`, weightOf(layer, 'gamma')));
  if (hasWeight(layer, 'beta')) params.push(sameLayout(`${layer.name}.bias`, weightOf(layer, 'beta')));
  return params;
}

const RULES = new Map<string, StateDictRule>([
  // The zoo's Conv2d keeps grouped and depthwise kernels as [kh, kw, in/groups, out]: one transpose of OIHW.
  ['Conv2d', kernelAndBias(OIHW_TO_HWIO)],
  ['Conv2D', kernelAndBias(OIHW_TO_HWIO)],
  // PyTorch's Conv1d weight is [out, in/groups, k]; tfjs's Conv1D kernel is [k, in, out] (ECA's gate).
  ['Conv1D', kernelAndBias([2, 1, 0])],
  ['Dense', kernelAndBias([1, 0])],
  [
    'BatchNormalization',
    (layer) => ({
      params: [
        ...affine(layer),
        sameLayout(`${layer.name}.running_mean`, weightOf(layer, 'moving_mean')),
        sameLayout(`${layer.name}.running_var`, weightOf(layer, 'moving_variance')),
      ],
      // A training counter: it only matters to momentum=None, which tfjs has no equivalent for.
      ignored: [`${layer.name}.num_batches_tracked`],
    }),
  ],
  ['LayerNormalization', (layer) => ({ params: affine(layer) })],
]);

/** Teaches the loader a layer class it cannot change (the class name as `getClassName()` returns it). */
export function registerStateDictRule(className: string, rule: StateDictRule): void {
  RULES.set(className, rule);
}

/** How a layer maps onto a state dict: its own method, else its class's rule; layers without weights map to nothing. */
export function layerStateDict(layer: tfl.layers.Layer): LayerStateDict {
  if (mapsItself(layer)) return layer.stateDictParams();
  const rule = RULES.get(layer.getClassName());
  if (rule) return rule(layer);
  if (layer.weights.length === 0) return { params: [] };
  throw new ZooStateDictRuleError(
    `Layer \`${layer.name}\` (${layer.getClassName()}) has weights but no state-dict rule: give the class a ` +
      '`stateDictParams()` method or call `registerStateDictRule`.',
  );
}
