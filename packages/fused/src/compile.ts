import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { activationFusion, isInferenceIdentity } from './activations.js';
import { batchNormAffine, layerScaleAffine } from './fold.js';
import { type GraphNode, readGraph } from './graph.js';
import { foldAffine, type LinearOp, linearOp, runLinear, shiftBias, splitGroups } from './linear-op.js';
import { FusedModel, type Step } from './plan.js';

/**
 * Compiles a zoo model (any `tf.LayersModel`, weights loaded) into a `FusedModel` for inference.
 *
 * The graph is walked once. Each convolution (the zoo's `Conv2d`: dense, depthwise or grouped) and
 * each `Dense` absorbs what follows it while it has a single consumer: BatchNorm (inference
 * statistics, the layer's epsilon) and LayerScale fold into its weights and bias, layers that are
 * the identity at inference vanish, and a relu, relu6, sigmoid, elu, leaky relu or hardsigmoid
 * becomes the activation of one `tf.fused` kernel. Every other layer runs its own `call` in
 * inference mode. The result is a flat list of steps over tensor slots; a slot is freed as soon
 * as its last reader has run.
 *
 * The plan holds folded copies of the weights: compile after loading weights, and again after
 * changing them. `dispose()` frees the copies; the model's own weights are untouched.
 */
export function compile(model: tfl.LayersModel): FusedModel {
  const graph = readGraph(model);
  const outputs = new Set(graph.outputs);
  const absorbed = new Set<GraphNode>();
  // Tensors that a vanished identity layer passes through: their id is an alias of another's.
  const alias = new Map<number, number>();
  const resolve = (id: number): number => {
    let r = id;
    while (alias.has(r)) r = alias.get(r)!;
    return r;
  };
  const steps: Omit<Step, 'free'>[] = [];
  const owned: tf.Tensor[] = [];
  const counts = { batchNorm: 0, layerScale: 0, activation: 0, identity: 0, fusedKernels: 0 };
  const generic = new Map<string, number>();

  /** The one node reading tensor `id`, when it reads nothing else and the tensor is not an output. */
  const soleReader = (id: number): GraphNode | null => {
    const readers = graph.consumers.get(id) ?? [];
    if (readers.length !== 1 || outputs.has(id)) return null;
    const r = readers[0];
    return r.inputs.length === 1 && r.outputs.length === 1 ? r : null;
  };

  for (const n of graph.nodes) {
    if (absorbed.has(n)) continue;
    if (isInferenceIdentity(n.layer) && n.inputs.length === 1 && n.outputs.length === 1 && !outputs.has(n.outputs[0])) {
      alias.set(n.outputs[0], n.inputs[0]);
      counts.identity++;
      continue;
    }
    const inputShape = n.node.inputTensors[0]?.shape ?? [];
    const op = n.inputs.length === 1 && n.outputs.length === 1 ? linearOp(n.layer, inputShape) : null;
    if (!op) {
      steps.push(genericStep(n, resolve));
      generic.set(n.layer.getClassName(), (generic.get(n.layer.getClassName()) ?? 0) + 1);
      continue;
    }
    let out = n.outputs[0];
    const names = [n.layer.name];
    for (let next = soleReader(out); next; next = soleReader(out)) {
      if (!absorb(op, next, inputShape.length, counts)) break;
      absorbed.add(next);
      names.push(next.layer.name);
      out = next.outputs[0];
    }
    const groups = op.kind === 'grouped' ? splitGroups(op) : undefined;
    owned.push(...op.owned);
    counts.fusedKernels++;
    steps.push({
      label: names.join(' + '),
      inputs: [resolve(n.inputs[0])],
      outputs: [out],
      run: ([x]) => [runLinear(op, x, groups)],
    });
  }
  return new FusedModel(model, steps, graph.inputs, graph.outputs.map(resolve), owned, {
    layers: graph.nodes.length,
    steps: steps.length,
    folded: { batchNorm: counts.batchNorm, layerScale: counts.layerScale, activation: counts.activation, identity: counts.identity },
    fusedKernels: counts.fusedKernels,
    generic: Object.fromEntries(generic),
  });
}

/** Folds `next` into the op when that keeps the function the same; false when it cannot. */
function absorb(
  op: LinearOp,
  next: GraphNode,
  rank: number,
  counts: { batchNorm: number; layerScale: number; activation: number; identity: number },
): boolean {
  const layer = next.layer;
  if (isInferenceIdentity(layer)) {
    counts.identity++;
    return true;
  }
  // After an activation or a post-scale, nothing but identities can move into the kernel.
  const linear = op.activation === 'linear' && op.postScale === undefined;
  const outRank = op.kind === 'dense' ? rank : 4;
  if (linear) {
    const affine = batchNormAffine(layer, outRank) ?? layerScaleAffine(layer);
    if (affine && affine.scale.length === op.units) {
      foldAffine(op, affine.scale, affine.shift);
      if (layer.getClassName() === 'BatchNormalization') counts.batchNorm++;
      else counts.layerScale++;
      return true;
    }
    const act = activationFusion(layer);
    if (act) {
      if (act.biasShift) shiftBias(op, act.biasShift);
      op.activation = act.activation;
      op.leakyreluAlpha = act.leakyreluAlpha;
      op.postScale = act.postScale;
      counts.activation++;
      return true;
    }
  }
  return false;
}

/** A layer that is not fused: its own `call`, in inference mode, exactly as `predict` runs it. */
function genericStep(n: GraphNode, resolve: (id: number) => number): Omit<Step, 'free'> {
  const { layer, node } = n;
  const kwargs = { ...(node.callArgs ?? {}), training: false };
  return {
    label: layer.name,
    inputs: n.inputs.map(resolve),
    outputs: n.outputs,
    run: (ins) =>
      tf.tidy(() => {
        const y = layer.call(ins.length === 1 ? ins[0] : ins, kwargs);
        // A layer may hand back one of its inputs or a weight: the plan frees what it receives,
        // so those are passed on as clones (which share the data).
        return (Array.isArray(y) ? y : [y]).map((t) => (ins.includes(t) || t instanceof tf.Variable ? tf.clone(t) : t));
      }),
  };
}
