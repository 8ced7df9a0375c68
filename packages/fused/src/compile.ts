import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { MultiHeadAttention, WindowAttention } from '@zoo/core-blocks/family';
import { activationFusion, isInferenceIdentity } from './activations.js';
import { multiHeadAttentionRun, windowAttentionRun } from './attention.js';
import { batchNormAffine, layerScaleAffine } from './fold.js';
import { type GraphNode, readGraph } from './graph.js';
import { foldAffine, foldInputAffine, isDenseOp, type LinearOp, linearOp, prepareLinear, shiftBias } from './linear-op.js';
import { FusedModel, type FusionStats, type Step } from './plan.js';
import { isExactGelu, type LayerNormSpec, layerNormSpec, normalizeLastAxis, scaledGelu } from './rewrites.js';

/**
 * Bytes of weights a plan may keep in wasm memory (4 GiB in all) on the wasm backend: the model's
 * own weights, the plan's folded copies and the packed copies XNNPACK makes of every
 * convolution's and dense layer's weights for as long as they live (the speed of the fused path),
 * with about 1 GiB left for activations. Past it, the largest dense layers run on a copy of their
 * kernel made for each call (as tfjs-layers' `predict` does), so their packed copies live for that
 * call only. Without that, ViT-H's packed copies (2.5 GB, beside its 2.5 GB of weights) do not fit:
 * XNNPACK refuses to create the operators, and TF.js only warns and leaves the outputs unwritten.
 */
export const WASM_WEIGHT_BUDGET = 3 * 2 ** 30;

export interface CompileOptions {
  /** Bytes of weights the plan may keep resident on wasm (default `WASM_WEIGHT_BUDGET`). */
  wasmWeightBudget?: number;
}

type Counts = { batchNorm: number; layerScale: number; activation: number; identity: number };
/** An affine map per input feature that a dense op takes into its weights: `op(x * scale + shift)`. */
type InputAffine = { scale: ArrayLike<number> | null; shift: ArrayLike<number> | null };

/**
 * Compiles a zoo model (any `tf.LayersModel`, weights loaded) into a `FusedModel` for inference.
 *
 * The graph is walked once. Each convolution (the zoo's `Conv2d`: dense, depthwise or grouped) and
 * each `Dense` absorbs what follows it while it has a single consumer: BatchNorm (inference
 * statistics, the layer's epsilon) and LayerScale fold into its weights and bias, layers that are
 * the identity at inference vanish, and a relu, relu6, sigmoid, elu, leaky relu or hardsigmoid
 * becomes the activation of one `tf.fused` kernel. Three layers are computed with other
 * kernels for the same function: LayerNorm over the last axis (normalised directly, its gamma and
 * beta taken by a small dense reader), an exact GELU between two dense layers (three kernels,
 * its 1/sqrt 2 factors in their weights), a depthwise kernel larger than 5 (on wasm, the zoo's
 * own depthwise kernel for ConvNeXt's kind, 5x5 tiles for the others, which XNNPACK has fast
 * kernels for); and on wasm, multi-head and window attention run on the
 * zoo's own attention kernel (WebAssembly with SIMD, `src/kernels/`). Every other layer runs its own `call` in inference mode. The result is a
 * flat list of steps over tensor slots; a slot is freed as soon as its last reader has run.
 *
 * The plan holds folded copies of the weights: compile after loading weights, and again after
 * changing them. `dispose()` frees the copies; the model's own weights are untouched.
 */
export function compile(model: tfl.LayersModel, options: CompileOptions = {}): FusedModel {
  const budget = options.wasmWeightBudget ?? WASM_WEIGHT_BUDGET;
  if (!(budget >= 0)) throw new RangeError(`compile: wasmWeightBudget must be a number of bytes >= 0, got ${budget}`);
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
  const counts: Counts = { batchNorm: 0, layerScale: 0, activation: 0, identity: 0 };
  const rewritten = { layerNorm: 0, layerNormAffine: 0, gelu: 0, tiledDepthwise: 0, depthwiseKernel: 0, attention: 0 };
  let fusedKernels = 0;
  const linearOps: LinearOp[] = [];
  const generic = new Map<string, number>();
  // Rewrites decided at one node for a node further on: a dense op that takes its input's
  // affine map (a LayerNorm's gamma and beta, a GELU's 1/sqrt 2), a GELU whose input comes divided.
  const inputAffine = new Map<GraphNode, InputAffine>();
  const scaledGelus = new Set<GraphNode>();

  /** The one node reading tensor `id`, when it reads nothing else and the tensor is not an output. */
  const soleReader = (id: number): GraphNode | null => {
    const readers = graph.consumers.get(id) ?? [];
    if (readers.length !== 1 || outputs.has(id)) return null;
    const r = readers[0];
    return r.inputs.length === 1 && r.outputs.length === 1 ? r : null;
  };
  /** The sole reader of `id` past layers that are the identity at inference. */
  const soleReaderPastIdentities = (id: number): GraphNode | null => {
    let r = soleReader(id);
    while (r && isInferenceIdentity(r.layer)) r = soleReader(r.outputs[0]);
    return r;
  };
  /**
   * A node that will run as a dense op and can take an affine map of its input into a copy of its
   * kernel: worth it when the kernel is no larger than the input it saves elementwise kernels on
   * (per sample). ConvNeXt's and Swin's early stages qualify; ViT's layers, whose kernels are 10
   * to 15 times their token maps, do not (ViT-H's copies would not fit in the wasm heap).
   */
  const denseReader = (id: number): GraphNode | null => {
    const r = soleReaderPastIdentities(id);
    if (!r || inputAffine.has(r) || !isDenseOp(r.layer)) return null;
    const kernel = (r.layer as unknown as { kernel?: tfl.LayerVariable }).kernel;
    const perSample = r.node.inputTensors[0].shape.slice(1).reduce<number>((a, d) => a * (d ?? 0), 1);
    return kernel && (kernel.shape as number[]).reduce((a, d) => a * d, 1) <= perSample ? r : null;
  };

  for (const n of graph.nodes) {
    if (absorbed.has(n)) continue;
    if (isInferenceIdentity(n.layer) && n.inputs.length === 1 && n.outputs.length === 1 && !outputs.has(n.outputs[0])) {
      alias.set(n.outputs[0], n.inputs[0]);
      counts.identity++;
      continue;
    }
    const inputShape = n.node.inputTensors[0]?.shape ?? [];
    const single = n.inputs.length === 1 && n.outputs.length === 1;
    const ln = single ? layerNormSpec(n.layer, inputShape.length) : null;
    if (ln) {
      const reader = ln.gamma || ln.beta ? denseReader(n.outputs[0]) : null;
      if (reader) {
        inputAffine.set(reader, { scale: ln.gamma, shift: ln.beta });
        rewritten.layerNormAffine++;
      }
      steps.push(layerNormStep(n, ln, reader !== null, resolve, owned));
      rewritten.layerNorm++;
      continue;
    }
    if (single && (n.layer instanceof MultiHeadAttention || n.layer instanceof WindowAttention)) {
      const own = genericStep(n, resolve);
      const run = n.layer instanceof MultiHeadAttention ? multiHeadAttentionRun(n.layer, own.run) : windowAttentionRun(n.layer, own.run);
      steps.push({ ...own, run });
      rewritten.attention++;
      continue;
    }
    if (scaledGelus.has(n)) {
      steps.push({ label: `${n.layer.name} (scaled)`, inputs: [resolve(n.inputs[0])], outputs: n.outputs, run: ([u]) => [scaledGelu(u)] });
      rewritten.gelu++;
      continue;
    }
    const op = single ? linearOp(n.layer, inputShape) : null;
    if (!op) {
      steps.push(genericStep(n, resolve));
      generic.set(n.layer.getClassName(), (generic.get(n.layer.getClassName()) ?? 0) + 1);
      continue;
    }
    const pending = inputAffine.get(n);
    if (pending) foldInputAffine(op, pending.scale, pending.shift);
    let out = n.outputs[0];
    const names = [n.layer.name];
    for (let next = soleReader(out); next; next = soleReader(out)) {
      if (!absorb(op, next, inputShape.length, counts)) {
        // An exact GELU between this op and a dense one: the op divides its output by sqrt 2,
        // the dense one multiplies its input by 1/sqrt 2, and the GELU needs three kernels.
        if (isExactGelu(next.layer) && op.activation === 'linear' && op.postScale === undefined) {
          const reader = denseReader(next.outputs[0]);
          if (reader) {
            foldAffine(op, new Float64Array(op.units).fill(Math.SQRT1_2), null);
            inputAffine.set(reader, {
              scale: new Float64Array(reader.node.inputTensors[0].shape.at(-1) as number).fill(Math.SQRT1_2),
              shift: null,
            });
            scaledGelus.add(next);
          }
        }
        break;
      }
      absorbed.add(next);
      names.push(next.layer.name);
      out = next.outputs[0];
    }
    const { run, tiles, zooKernel } = prepareLinear(op);
    if (tiles > 1) rewritten.tiledDepthwise++;
    if (zooKernel) rewritten.depthwiseKernel++;
    owned.push(...op.owned);
    linearOps.push(op);
    fusedKernels++;
    steps.push({ label: names.join(' + '), inputs: [resolve(n.inputs[0])], outputs: [out], run: ([x]) => [run(x)] });
  }
  const wasm = planWasmMemory(model, owned, linearOps, budget);
  return new FusedModel(model, steps, graph.inputs, graph.outputs.map(resolve), owned, {
    layers: graph.nodes.length,
    steps: steps.length,
    folded: { ...counts },
    fusedKernels,
    rewritten,
    generic: Object.fromEntries(generic),
    wasm,
  });
}

const bytesOf = (shape: readonly (number | null)[]) => 4 * shape.reduce<number>((a, d) => a * (d ?? 0), 1);

/**
 * Estimates the weight bytes the plan keeps resident on wasm and, past the budget, marks the
 * largest dense ops to run on a per-call copy of their kernel until the estimate fits.
 */
function planWasmMemory(model: tfl.LayersModel, owned: tf.Tensor[], ops: LinearOp[], budget: number): FusionStats['wasm'] {
  const modelBytes = model.weights.reduce((a, w) => a + bytesOf(w.shape), 0);
  const foldedBytes = owned.reduce((a, t) => a + bytesOf(t.shape), 0);
  let packedBytes = ops.reduce((a, op) => a + bytesOf(op.kernel.shape), 0);
  const estimate = () => modelBytes + foldedBytes + packedBytes;
  let unpackedDense = 0;
  const dense = ops.filter((op) => op.kind === 'dense').sort((a, b) => b.kernel.size - a.kernel.size);
  for (const op of dense) {
    if (estimate() <= budget) break;
    op.unpackedOnWasm = true;
    packedBytes -= bytesOf(op.kernel.shape);
    unpackedDense++;
  }
  return { budgetBytes: budget, modelBytes, foldedBytes, packedBytes, unpackedDense, fits: estimate() <= budget };
}

/** A LayerNorm over the last axis, normalised directly; its affine map is left out when a dense reader took it. */
function layerNormStep(
  n: GraphNode,
  ln: LayerNormSpec,
  affineTaken: boolean,
  resolve: (id: number) => number,
  owned: tf.Tensor[],
): Omit<Step, 'free'> {
  let affine: { gamma: tf.Tensor | null; beta: tf.Tensor | null } | null = null;
  if (!affineTaken) {
    affine = { gamma: ln.gamma && tf.tensor1d(ln.gamma), beta: ln.beta && tf.tensor1d(ln.beta) };
    for (const t of [affine.gamma, affine.beta]) if (t) owned.push(t);
  }
  return {
    label: `${n.layer.name}${affineTaken ? ' (affine folded forward)' : ''}`,
    inputs: [resolve(n.inputs[0])],
    outputs: n.outputs,
    run: ([x]) => [normalizeLastAxis(x, ln.eps, affine)],
  };
}

/** Folds `next` into the op when that keeps the function the same; false when it cannot. */
function absorb(op: LinearOp, next: GraphNode, rank: number, counts: Counts): boolean {
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
