import type * as tfl from '@tensorflow/tfjs-layers';
import type { StateDictReport } from '../checkpoint/errors.js';
import type { DataConfig } from '../model/data-config.js';
import type { WeightSet } from '../model/weight-set.js';

/** What a model loaded with pretrained weights carries: where they came from and how to feed it. */
export interface LoadedWeights {
  /** The catalog entry's name. */
  readonly model: string;
  /** The weight set, or null for a file loaded with `from` and no set name. */
  readonly set: WeightSet | null;
  /** Where the bytes came from: a URL, a path, `bytes`, or `cache:` + the URL. */
  readonly source: string;
  /** The key convention recognised in the file (`timm`, ...), or `the model's own` names. */
  readonly convention: string;
  /** The preprocessing `preprocess`, `classify` and `embed` apply to this model by default. */
  readonly dataConfig: DataConfig;
  readonly report: StateDictReport;
}

const loaded = new WeakMap<tfl.LayersModel, LoadedWeights>();

/** The pretrained weights a model was loaded with (`entry.load`), or undefined for a created one. */
export function weightsOf(model: tfl.LayersModel): LoadedWeights | undefined {
  return loaded.get(model);
}

export function rememberWeights(model: tfl.LayersModel, info: LoadedWeights): void {
  loaded.set(model, Object.freeze(info));
}
