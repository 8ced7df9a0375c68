import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Weight initialisations named after the PyTorch code they mirror, so that a model trained from
 * scratch in the zoo starts where the reference starts. Stored by name in layer configs, which
 * keeps custom layers serialisable.
 */
export type InitName =
  /** `nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")` (torchvision CNNs). */
  | 'kaimingNormalFanOut'
  /** PyTorch's default for `nn.Conv2d`/`nn.Linear`: uniform in ±1/sqrt(fan_in). */
  | 'torchDefault'
  /** `nn.init.trunc_normal_(w, std=0.02)` (transformers, ConvNeXt). */
  | 'truncNormal02'
  | 'zeros'
  | 'ones';

export const INIT_NAMES: readonly InitName[] = ['kaimingNormalFanOut', 'torchDefault', 'truncNormal02', 'zeros', 'ones'];

let structureOnly = 0;

/**
 * Runs `fn` with every zoo initialiser replaced by zeros. For code that needs a model's structure
 * (parameter and MAC counts, shapes) and not its values: filling with zeros costs an allocation,
 * drawing hundreds of millions of random numbers costs seconds.
 */
export function withZeroInit<T>(fn: () => T): T {
  structureOnly++;
  try {
    return fn();
  } finally {
    structureOnly--;
  }
}

export function initializer(name: InitName): ReturnType<typeof tfl.initializers.zeros> {
  if (structureOnly > 0) return tfl.initializers.zeros();
  switch (name) {
    case 'kaimingNormalFanOut':
      return tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal' });
    case 'torchDefault':
      return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' });
    case 'truncNormal02':
      return tfl.initializers.truncatedNormal({ stddev: 0.02 });
    case 'zeros':
      return tfl.initializers.zeros();
    case 'ones':
      return tfl.initializers.ones();
  }
}

/** A constant initialiser (layer scale's 1e-6) that, like the named ones, gives zeros under `withZeroInit`. */
export function constantInitializer(value: number): ReturnType<typeof tfl.initializers.zeros> {
  return structureOnly > 0 ? tfl.initializers.zeros() : tfl.initializers.constant({ value });
}
