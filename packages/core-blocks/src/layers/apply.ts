import type * as tfl from '@tensorflow/tfjs-layers';

/** Applies a layer to one symbolic tensor, typed. */
export function apply(layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}
