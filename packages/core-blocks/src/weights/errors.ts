import { ZooError } from '../base/errors.js';

/** Pretrained weights that cannot be had or do not check out. Branch on the subclasses. */
export class ZooWeightsError extends ZooError {
  override name = 'ZooWeightsError';
}

/** A weight-set name the model does not list. */
export class ZooUnknownWeightsError extends ZooWeightsError {
  override name = 'ZooUnknownWeightsError';
  constructor(
    readonly model: string,
    readonly weights: string,
    readonly known: readonly string[],
    readonly suggestions: readonly string[],
  ) {
    super(
      `${model} has no weight set \`${weights}\`.` +
        (suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : '') +
        (known.length
          ? ` Its sets: ${known.join(', ')} (\`zoo weights ${model}\` lists them).`
          : ' It lists no weight set; pass `from` to load a file.'),
    );
  }
}

/** A weight set listed for the model that the zoo cannot load (yet): the reason is in the message. */
export class ZooUnsupportedWeightsError extends ZooWeightsError {
  override name = 'ZooUnsupportedWeightsError';
}

/** The server answered, but not with the file: an HTTP error status or an HTML page. */
export class ZooWeightsFetchError extends ZooWeightsError {
  override name = 'ZooWeightsFetchError';
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** The body ended before the length the server announced. */
export class ZooWeightsTruncatedError extends ZooWeightsError {
  override name = 'ZooWeightsTruncatedError';
}

/** The file's SHA-256 is not the one its source publishes. */
export class ZooWeightsIntegrityError extends ZooWeightsError {
  override name = 'ZooWeightsIntegrityError';
}

/** No byte arrived for the stall timeout. */
export class ZooWeightsTimeoutError extends ZooWeightsError {
  override name = 'ZooWeightsTimeoutError';
}

/** The caller's AbortSignal fired. */
export class ZooWeightsAbortedError extends ZooWeightsError {
  override name = 'ZooWeightsAbortedError';
}
