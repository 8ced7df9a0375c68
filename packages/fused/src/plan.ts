import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ZooShapeError } from '@zoo/core-blocks/family';

/** One step of a plan: reads tensor slots, writes slots, then frees the slots nobody reads later. */
export interface Step {
  /** The layers it runs, joined with ` + ` when several were fused (`conv1 + bn1 + relu`). */
  label: string;
  inputs: number[];
  outputs: number[];
  /** Slots whose last reader is this step (or that nobody reads), freed right after it. */
  free: number[];
  run(inputs: tf.Tensor[]): tf.Tensor[];
}

/** What the compiler did to a model. */
export interface FusionStats {
  /** Layer applications in the model's graph. */
  layers: number;
  /** Steps of the plan. */
  steps: number;
  /** Layers that vanished into a preceding kernel, by kind. */
  folded: { batchNorm: number; layerScale: number; activation: number; identity: number };
  /**
   * Layers computed with other kernels than their own `call`, for the same function: LayerNorms
   * normalised directly (tfjs-layers tiles four copies of the input), of which `layerNormAffine`
   * left gamma and beta to the dense layer reading them; exact GELUs between two linear layers,
   * which took their 1/sqrt 2 factors; depthwise convolutions larger than 5x5, on the zoo's depthwise
   * kernel on wasm (`depthwiseKernel`: square, stride 1, "same" padding, channels a multiple of 4,
   * no activation) or cut into 5x5 tiles there (`tiledDepthwise`: the others); multi-head
   * and window attentions (ViT's, Swin's), which run on the zoo's attention kernel on wasm.
   */
  rewritten: {
    layerNorm: number;
    layerNormAffine: number;
    gelu: number;
    tiledDepthwise: number;
    depthwiseKernel: number;
    attention: number;
  };
  /** Convolutions and dense layers that run as one `tf.fused` call. */
  fusedKernels: number;
  /** Layers that run their own `call`, by class name. */
  generic: Record<string, number>;
  /**
   * Weight memory on the wasm backend (see `WASM_WEIGHT_BUDGET`): the model's weights, the plan's
   * folded copies, and the packed copies XNNPACK keeps of the kernels; `unpackedDense` dense
   * layers run on a per-call copy of their kernel to stay within `budgetBytes`; `fits` is false
   * when even that is not enough (the convolutions alone exceed the budget).
   */
  wasm: { budgetBytes: number; modelBytes: number; foldedBytes: number; packedBytes: number; unpackedDense: number; fits: boolean };
}

/**
 * A compiled model: `predict` runs the precomputed steps in order over an array of tensor slots.
 * No graph is walked per call, and every intermediate tensor is freed by the step after its last
 * use, so a call leaves only its outputs behind.
 */
export class FusedModel {
  readonly steps: readonly Step[];
  readonly stats: FusionStats;
  private readonly slotOf: Map<number, number>;
  private readonly inputSlots: number[];
  private readonly outputSlots: number[];
  private readonly inputShapes: (number | null)[][];
  private readonly owned: tf.Tensor[];
  private disposed = false;
  private warnedHeap = false;

  constructor(
    model: tfl.LayersModel,
    steps: Omit<Step, 'free'>[],
    inputs: number[],
    outputs: number[],
    owned: tf.Tensor[],
    stats: FusionStats,
  ) {
    this.slotOf = new Map();
    const slot = (id: number) => {
      let s = this.slotOf.get(id);
      if (s === undefined) {
        s = this.slotOf.size;
        this.slotOf.set(id, s);
      }
      return s;
    };
    this.inputSlots = inputs.map(slot);
    const planned = steps.map((s) => ({ ...s, inputs: s.inputs.map(slot), outputs: s.outputs.map(slot), free: [] as number[] }));
    this.outputSlots = outputs.map(slot);
    // Last step reading each slot; slots that are inputs or outputs of the plan are never freed.
    const keep = new Set([...this.inputSlots, ...this.outputSlots]);
    const lastUse = new Map<number, number>();
    planned.forEach((s, i) => {
      for (const x of s.inputs) lastUse.set(x, i);
      for (const y of s.outputs) if (!lastUse.has(y)) lastUse.set(y, i);
    });
    for (const [s, i] of lastUse) if (!keep.has(s)) planned[i].free.push(s);
    this.steps = planned;
    this.inputShapes = model.inputs.map((t) => t.shape);
    this.owned = owned;
    this.stats = stats;
  }

  /**
   * Runs the model on a batch, as `model.predict` does in inference mode (the whole batch at
   * once). The caller owns the result; nothing else stays allocated.
   */
  predict(x: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    if (this.disposed) throw new Error('FusedModel.predict: the model was disposed');
    const xs = Array.isArray(x) ? x : [x];
    this.checkInputs(xs);
    if (!this.stats.wasm.fits && !this.warnedHeap && tf.getBackend() === 'wasm') {
      // TF.js does not fail when XNNPACK runs out of memory: it warns and leaves outputs unwritten.
      this.warnedHeap = true;
      const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
      const { modelBytes, foldedBytes, packedBytes, budgetBytes } = this.stats.wasm;
      console.warn(
        `FusedModel: on wasm this plan keeps ${gib(modelBytes + foldedBytes + packedBytes)} of weights resident ` +
          `(model ${gib(modelBytes)}, folded copies ${gib(foldedBytes)}, XNNPACK's packed copies ${gib(packedBytes)}), ` +
          `over its budget of ${gib(budgetBytes)} of the 4 GiB heap. If TF.js prints "XNN status ... not successful", ` +
          "outputs are wrong: use the webgl or cpu backend, or the model's own predict.",
      );
    }
    const slots: (tf.Tensor | undefined)[] = new Array(this.slotOf.size);
    this.inputSlots.forEach((s, i) => {
      slots[s] = xs[i];
    });
    const inputs = new Set(xs);
    try {
      for (const step of this.steps) {
        const outs = step.run(step.inputs.map((s) => slots[s]!));
        for (let i = 0; i < outs.length; i++) slots[step.outputs[i]] = outs[i];
        for (const s of step.free) {
          slots[s]!.dispose();
          slots[s] = undefined;
        }
      }
      const ys = this.outputSlots.map((s, i) => {
        const y = slots[s]!;
        // An output that is an input, or a second output of one slot, is handed over as a clone.
        return inputs.has(y) || this.outputSlots.indexOf(s) !== i ? tf.clone(y) : y;
      });
      return ys.length === 1 ? ys[0] : ys;
    } catch (err) {
      // Leave nothing behind from a failed call: everything in a slot but the caller's inputs.
      for (const t of slots) if (t && !inputs.has(t) && !t.isDisposed) t.dispose();
      throw err;
    }
  }

  /** Frees the folded weights the plan holds (the model's own weights are untouched). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.owned);
  }

  private checkInputs(xs: tf.Tensor[]): void {
    if (xs.length !== this.inputShapes.length) {
      throw new ZooShapeError(`FusedModel.predict: expected ${this.inputShapes.length} input tensor(s), got ${xs.length}.`);
    }
    xs.forEach((x, i) => {
      const want = this.inputShapes[i];
      const ok = x.rank === want.length && want.every((d, k) => k === 0 || d == null || d === x.shape[k]);
      if (!ok) {
        const shape = want.map((d) => d ?? 'batch').join(', ');
        throw new ZooShapeError(`FusedModel.predict: input ${i} must have shape [${shape}], got [${x.shape.join(', ')}].`);
      }
    });
  }
}
