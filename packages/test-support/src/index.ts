export { CHROMIUM, launchChromium } from './browser.js';
export { installFastCpuKernels } from './fast-cpu-kernels.js';
export { expectReferenceFigures, referenceNames } from './figures.js';
export { expectOneFitStep, type FitStepOptions } from './fit.js';
export { itSavesAndLoadsEveryModel } from './save-load.js';
export { itLoadsWeightSetsLikeTheReference, itPreprocessesLikeTheWeightSources, itTakesTheDefaultSetsPreprocessing } from './weights.js';
