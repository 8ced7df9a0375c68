import * as tf from '@tensorflow/tfjs-core';
import { type MultiHeadAttention, relativePositionIndex, shiftedWindowMask, type WindowAttention } from '@zoo/core-blocks/family';
import { attentionKernel, windowAttention } from './kernels/attention.js';

/** A plan's function of a layer's inputs (the layer's own call, in inference mode). */
type Run = (inputs: tf.Tensor[]) => tf.Tensor[];

/** Whether this call runs on the zoo's attention kernel: the wasm backend, and SIMD WebAssembly. */
const onKernel = () => tf.getBackend() === 'wasm' && attentionKernel() !== null;

/**
 * The zoo's `MultiHeadAttention` on the attention kernel on wasm (one window of all the tokens),
 * the layer's own call elsewhere or when its head dimension is not a multiple of 4.
 */
export function multiHeadAttentionRun(layer: MultiHeadAttention, own: Run): Run {
  const heads = layer.numHeads;
  return (ins) => {
    const [x] = ins;
    return onKernel() && (x.shape[2] as number) % (12 * heads) === 0 ? [windowAttention(x, heads, null)] : own(ins);
  };
}

/**
 * The zoo's `WindowAttention` (Swin's) on the attention kernel on wasm: windows read and written in
 * place on the packed map, rolled there when the layer rolls, with its relative-position bias
 * plus, for shifted windows, the mask, added as `call` adds them (one float32 sum, made once per
 * map size from the bias table as it was at compile time). The layer's own call elsewhere.
 */
export function windowAttentionRun(layer: WindowAttention, own: Run): Run {
  const heads = layer.numHeads;
  const m = layer.windowSize;
  const table = Float32Array.from(layer.getWeights()[0].dataSync() as Float32Array);
  const biases = new Map<string, { bias: Float32Array; windows: number; sh: number; sw: number }>();
  const biasFor = (h: number, w: number) => {
    const key = `${h}x${w}`;
    let entry = biases.get(key);
    if (!entry) {
      const [sh, sw] = layer.effectiveShift(h, w);
      const shifted = sh > 0 || sw > 0;
      const t = m * m;
      const windows = shifted ? (h / m) * (w / m) : 1;
      const mask = shifted ? shiftedWindowMask(h, w, m, sh, sw) : null;
      const index = relativePositionIndex(m);
      const bias = new Float32Array(windows * heads * t * t);
      for (let win = 0; win < windows; win++) {
        for (let head = 0; head < heads; head++) {
          const at = (win * heads + head) * t * t;
          for (let i = 0; i < t * t; i++) {
            const rel = table[index[i] * heads + head];
            bias[at + i] = mask ? Math.fround(rel + mask[win * t * t + i]) : rel;
          }
        }
      }
      entry = { bias, windows, sh, sw };
      biases.set(key, entry);
    }
    return entry;
  };
  return (ins) => {
    const [x] = ins;
    const [, h, w, c3] = x.shape as [number, number, number, number];
    if (!onKernel() || c3 % (12 * heads) !== 0 || h % m !== 0 || w % m !== 0) return own(ins);
    const { bias, windows, sh, sw } = biasFor(h, w);
    // The layer rolls the map itself unless it arrives rolled (timm's order); the mask applies either way.
    const roll = layer.rolledOutside ? [0, 0] : [sh, sw];
    return [windowAttention(x, heads, { wh: m, ww: m, sh: roll[0], sw: roll[1] }, bias, windows)];
  };
}
