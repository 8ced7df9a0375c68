import { ZooError } from '../base/errors.js';

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

/**
 * A model's output holds a NaN or an infinity although its input did not: an intermediate value
 * left the range the backend stores, as on webgl with 16-bit float textures (at most 65504).
 */
export class ZooNonFiniteError extends ZooError {
  override name = 'ZooNonFiniteError';
  constructor(
    readonly model: string,
    readonly backend: string,
    readonly float16: boolean,
  ) {
    super(
      `The output of ${model} on the ${backend} backend is not finite (NaN or infinity): ` +
        (float16
          ? 'this webgl stores values as 16-bit floats (WEBGL_FORCE_F16_TEXTURES, or a device without float32 render targets), and an intermediate value left their range (65504). '
          : 'an intermediate value overflowed. ') +
        "Run the model on the wasm or cpu backend (tf.setBackend('wasm')), or on webgl or webgpu with float32.",
    );
  }
}
