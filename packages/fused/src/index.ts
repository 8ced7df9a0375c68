// Importing the package registers `compile` as the compiler of the front door's handle
// (`ZooModel.compile()`); this file is listed in package.json's `sideEffects` so that bundlers keep it.
import { registerCompiler } from '@zoo/core-blocks/family';
import { compile } from './compile.js';

registerCompiler((model) => compile(model));

export { type ActivationFusion, activationFusion, type FusedActivation } from './activations.js';
export { type CompileOptions, compile, WASM_WEIGHT_BUDGET } from './compile.js';
export { type AttentionWindows, attentionKernel, windowAttention } from './kernels/attention.js';
export { depthwiseKernel, depthwiseSame } from './kernels/depthwise.js';
export { FusedModel, type FusionStats, type Step } from './plan.js';
