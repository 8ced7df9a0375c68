import { ZooError } from '../base/errors.js';

/** A checkpoint that cannot be read or does not fit the model. Branch on the subclasses. */
export class ZooCheckpointError extends ZooError {
  override name = 'ZooCheckpointError';
}

/** A model whose layers hold weights that no rule maps (a custom layer without `stateDictParams`). */
export class ZooStateDictRuleError extends ZooCheckpointError {
  override name = 'ZooStateDictRuleError';
}
