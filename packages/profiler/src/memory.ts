import type * as tfl from '@tensorflow/tfjs-layers';

export interface MemoryProfile {
  /** Bytes of every weight (trainable or not) stored as float32 and as float16. */
  weights: { float32Bytes: number; float16Bytes: number };
  /** Per layer: bytes of its outputs for one forward pass at `batch` (float32). */
  activations: { name: string; bytes: number }[];
  /** Sum of all layers' output bytes: what a pass writes in all. */
  activationBytesTotal: number;
  /**
   * The most bytes of activations alive at once during one forward pass: a tensor is live from
   * the layer that makes it until its last consumer has run (model outputs until the end).
   */
  peakActivationBytes: number;
  /** The layer during which the peak is reached. */
  peakAt: string;
  batch: number;
}

const FLOAT32 = 4;
const elements = (shape: readonly (number | null)[], batch: number) => shape.reduce<number>((a, d) => a * (d ?? batch), 1);

/**
 * Weight and activation memory of a `tf.LayersModel`, computed from its graph (no forward pass).
 * Layers run in `model.layers` order, which tfjs keeps topological.
 */
export function memoryProfile(model: tfl.LayersModel, batch = 1): MemoryProfile {
  let weightElements = 0;
  for (const w of model.weights) weightElements += elements(w.shape, 1);

  // Which step (layer index) consumes each symbolic tensor last.
  const order = model.layers;
  const lastUse = new Map<number, number>();
  const bytes = new Map<number, number>();
  order.forEach((layer, step) => {
    for (const node of layer.inboundNodes) {
      for (const t of node.inputTensors) lastUse.set(t.id, Math.max(lastUse.get(t.id) ?? -1, step));
      for (const t of node.outputTensors) bytes.set(t.id, elements(t.shape, batch) * FLOAT32);
    }
  });
  for (const t of model.outputs) lastUse.set(t.id, order.length);

  const activations: MemoryProfile['activations'] = [];
  const live = new Map<number, number>();
  let current = 0;
  let peak = 0;
  let peakAt = '';
  order.forEach((layer, step) => {
    let made = 0;
    for (const node of layer.inboundNodes) {
      for (const t of node.outputTensors) {
        const b = bytes.get(t.id) ?? 0;
        made += b;
        // An input layer's tensor is the input itself; count it as live like any other.
        if (!live.has(t.id)) {
          live.set(t.id, b);
          current += b;
        }
      }
    }
    activations.push({ name: layer.name, bytes: made });
    if (current > peak) {
      peak = current;
      peakAt = layer.name;
    }
    for (const [id, b] of [...live]) {
      if ((lastUse.get(id) ?? -1) <= step) {
        live.delete(id);
        current -= b;
      }
    }
  });
  return {
    weights: { float32Bytes: weightElements * 4, float16Bytes: weightElements * 2 },
    activations,
    activationBytesTotal: activations.reduce((s, a) => s + a.bytes, 0),
    peakActivationBytes: peak,
    peakAt,
    batch,
  };
}
