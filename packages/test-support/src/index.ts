export { installFastCpuGradients } from './fast-cpu-gradients.js';
export { expectReferenceFigures, referenceNames } from './figures.js';
export { expectOneFitStep, type FitStepOptions } from './fit.js';
