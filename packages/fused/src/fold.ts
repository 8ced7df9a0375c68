import type * as tfl from '@tensorflow/tfjs-layers';

type Var = tfl.LayerVariable | null | undefined;

/**
 * Inference BatchNorm as a per-channel affine map, `y = x * scale + shift` with
 * scale = gamma / sqrt(var + eps) and shift = beta - mean * scale, computed in double precision
 * with the layer's own epsilon. Null when the layer does not normalise the last axis (only the
 * channel axis of NHWC maps and of tokens folds into the preceding kernel's output channels).
 */
export function batchNormAffine(layer: tfl.layers.Layer, inputRank: number): { scale: Float64Array; shift: Float64Array } | null {
  if (layer.getClassName() !== 'BatchNormalization') return null;
  const config = layer.getConfig();
  const axis = config.axis as number | number[];
  const a = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : Number.NaN) : axis;
  if (a !== -1 && a !== inputRank - 1) return null;
  const bn = layer as unknown as { gamma: Var; beta: Var; movingMean: Var; movingVariance: Var };
  if (!bn.movingMean || !bn.movingVariance) return null;
  const read = (v: Var) => (v ? (v.read().dataSync() as Float32Array) : null);
  const mean = read(bn.movingMean)!;
  const variance = read(bn.movingVariance)!;
  const gamma = config.scale === false ? null : read(bn.gamma);
  const beta = config.center === false ? null : read(bn.beta);
  const eps = config.epsilon as number;
  const n = mean.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + eps);
    shift[i] = (beta ? beta[i] : 0) - mean[i] * scale[i];
  }
  return { scale, shift };
}

/** A zoo `LayerScale` (a learnt per-channel factor on the last axis) as an affine map, or null. */
export function layerScaleAffine(layer: tfl.layers.Layer): { scale: Float64Array; shift: null } | null {
  if (layer.getClassName() !== 'LayerScale') return null;
  const gamma = (layer as unknown as { gamma: Var }).gamma;
  if (!gamma) return null;
  return { scale: Float64Array.from(gamma.read().dataSync() as Float32Array), shift: null };
}
