import type * as tfl from '@tensorflow/tfjs-layers';
import { type ActivationName, activation } from '../layers/activation.js';
import { apply } from '../layers/apply.js';
import type { InitName } from '../layers/init.js';
import { linear } from '../layers/linear.js';

export interface MlpArgs {
  hidden: number;
  out: number;
  /** Module paths of the two Linears and the activation (torchvision `mlp.0`/`mlp.1`/`mlp.3`, timm `fc1`/`act`/`fc2`). */
  names: { fc1: string; act: string; fc2: string };
  /** Default: exact (erf) GELU, as `nn.GELU()`. */
  act?: ActivationName;
  init?: InitName;
}

/** The transformer MLP: Linear, activation, Linear (dropouts are zero in the references). */
export function mlp(x: tfl.SymbolicTensor, { hidden, out, names, act = 'gelu', init }: MlpArgs): tfl.SymbolicTensor {
  const y = apply(activation(act, names.act), apply(linear(hidden, names.fc1, { init }), x));
  return apply(linear(out, names.fc2, { init }), y);
}
