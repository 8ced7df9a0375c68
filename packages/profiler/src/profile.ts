import * as tfl from '@tensorflow/tfjs-layers';
import { countsMacs, type MacCount } from '@zoo/core-blocks/family';
import { ruleFor } from './rules.js';

export interface LayerProfile {
  name: string;
  className: string;
  /** Output shape of the layer's first application, batch axis first (null: any batch). */
  outputShape: (number | null)[] | (number | null)[][];
  trainableParams: number;
  nonTrainableParams: number;
  macs: { convLinear: number; total: number };
  /** False when the profiler has no rule for the class: its MACs are unknown, not zero. */
  counted: boolean;
}

export interface ModelProfile {
  name: string;
  layers: LayerProfile[];
  params: { trainable: number; nonTrainable: number; total: number };
  /** Multiply-accumulates for one sample, under both conventions of the reference data. */
  macs: { convLinear: number; total: number };
  /** Output shape for a batch of one. */
  outputShape: number[];
  /** Layers whose cost is unknown; `macs` leaves them out. Empty when the count is complete. */
  uncounted: { name: string; className: string }[];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Parameters and MACs of any `tf.LayersModel`, per layer and in total. A layer is counted by its
 * own `countMacs` if it has one, else by the rule for its class; a layer with neither is listed
 * in `uncounted`. Nested models are profiled layer by layer, their rows prefixed with their name.
 */
export function profileModel(model: tfl.LayersModel): ModelProfile {
  const layers: LayerProfile[] = [];
  collect(model, '', layers);
  const trainable = sum(layers.map((l) => l.trainableParams));
  const nonTrainable = sum(layers.map((l) => l.nonTrainableParams));
  const out = model.outputs[0].shape.map((d) => d ?? 1);
  return {
    name: model.name,
    layers,
    params: { trainable, nonTrainable, total: trainable + nonTrainable },
    macs: { convLinear: sum(layers.map((l) => l.macs.convLinear)), total: sum(layers.map((l) => l.macs.total)) },
    outputShape: out,
    uncounted: layers.filter((l) => !l.counted).map(({ name, className }) => ({ name, className })),
  };
}

function collect(container: tfl.LayersModel, prefix: string, rows: LayerProfile[]): void {
  for (const layer of container.layers) {
    if (layer instanceof tfl.LayersModel) {
      collect(layer, `${prefix}${layer.name}/`, rows);
      continue;
    }
    let macs: MacCount = { convLinear: 0, attention: 0 };
    let counted = true;
    const rule = countsMacs(layer) ? undefined : ruleFor(layer.getClassName());
    for (const node of layer.inboundNodes) {
      const inputShapes = (Array.isArray(node.inputShapes[0]) ? node.inputShapes : [node.inputShapes]) as tfl.Shape[];
      const outputShape = (Array.isArray(node.outputShapes[0]) ? node.outputShapes[0] : node.outputShapes) as tfl.Shape;
      let m: MacCount | undefined;
      if (countsMacs(layer)) m = layer.countMacs(inputShapes, outputShape);
      else if (rule) m = rule(layer, inputShapes, outputShape);
      if (!m) {
        counted = false;
        break;
      }
      macs = { convLinear: macs.convLinear + m.convLinear, attention: macs.attention + m.attention };
    }
    rows.push({
      name: prefix + layer.name,
      className: layer.getClassName(),
      outputShape: outputShapeOf(layer),
      trainableParams: sum(layer.trainableWeights.map((w) => size(w.shape as number[]))),
      nonTrainableParams: sum(layer.nonTrainableWeights.map((w) => size(w.shape as number[]))),
      macs: { convLinear: macs.convLinear, total: macs.convLinear + macs.attention },
      counted,
    });
  }
}

function outputShapeOf(layer: tfl.layers.Layer): LayerProfile['outputShape'] {
  if (!layer.inboundNodes.length) return [];
  const shapes = layer.inboundNodes[0].outputShapes as (number | null)[][];
  return shapes.length === 1 ? shapes[0] : shapes;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
