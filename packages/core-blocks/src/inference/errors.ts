import { ZooError } from '../errors.js';

/**
 * Input values a model or `preprocess` cannot take: NaN or infinite entries, or a value range
 * that does not fit what is expected (0-255 pixels where normalised floats are expected).
 */
export class ZooValueError extends ZooError {
  override name = 'ZooValueError';
  constructor(
    readonly reason: 'nan' | 'infinite' | 'range',
    message: string,
  ) {
    super(message);
  }
}

/** Something `preprocess` cannot read as an image (a plain array, a string, an empty image). */
export class ZooInputTypeError extends ZooError {
  override name = 'ZooInputTypeError';
}
