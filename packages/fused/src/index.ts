export { type ActivationFusion, activationFusion, type FusedActivation } from './activations.js';
export { attentionPerHead, PER_HEAD_MIN_TOKENS } from './attention.js';
export { type CompileOptions, compile, WASM_WEIGHT_BUDGET } from './compile.js';
export { FusedModel, type FusionStats, type Step } from './plan.js';
