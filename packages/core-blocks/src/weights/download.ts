import {
  ZooWeightsAbortedError,
  ZooWeightsError,
  ZooWeightsFetchError,
  ZooWeightsTimeoutError,
  ZooWeightsTruncatedError,
} from './errors.js';

export interface Progress {
  /** Bytes received so far. */
  loaded: number;
  /** Bytes announced by the server (`Content-Length`), or null. */
  total: number | null;
  url: string;
}

export interface DownloadOptions {
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** Milliseconds without a byte (before the answer, or between chunks) before giving up. */
  timeoutMs: number;
  onProgress?: (p: Progress) => void;
}

/**
 * GETs a file whole, with progress, a stall timeout and the caller's abort signal. Refuses an
 * error status, an HTML page (a login or error page served with 200) and a body shorter than
 * the `Content-Length` the server announced.
 */
/** Times a connection that fails before any answer is tried again. */
const RETRIES = 2;

export async function download(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const get = options.fetch ?? globalThis.fetch;
  if (typeof get !== 'function') throw new ZooWeightsError('No fetch here: pass `fetch` (Node >= 18 and browsers have one).');
  const controller = new AbortController();
  const external = options.signal;
  if (external?.aborted) throw aborted(url);
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, options.timeoutMs);
  };
  const onAbort = () => controller.abort();
  external?.addEventListener('abort', onAbort, { once: true });
  const why = (err: unknown): Error => {
    if (err instanceof ZooWeightsError) return err;
    if (stalled)
      return new ZooWeightsTimeoutError(`No data from ${url} for ${options.timeoutMs} ms; gave up. Raise \`timeoutMs\` on a slow link.`);
    if (external?.aborted) return aborted(url);
    // undici's "fetch failed" keeps the reason in `cause` (ECONNRESET, ECONNREFUSED, ...).
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const detail = cause ? ` (${cause.code ?? cause.message ?? String(cause)})` : '';
    return new ZooWeightsFetchError(url, null, `Could not fetch ${url}: ${(err as Error).message ?? String(err)}${detail}`);
  };
  arm();
  try {
    let response: Response | undefined;
    // A connection that fails before any answer (a reset, a kept-alive socket the server had
    // just closed) is tried again, twice, as download clients do; an abort or a stall is not.
    for (let attempt = 0; response === undefined; attempt++) {
      try {
        response = await get(url, { signal: controller.signal, redirect: 'follow' });
      } catch (err) {
        if (attempt >= RETRIES || stalled || external?.aborted || err instanceof ZooWeightsError) throw why(err);
        await new Promise((r) => setTimeout(r, 250 * 4 ** attempt));
        arm();
      }
    }
    if (!response.ok) {
      throw new ZooWeightsFetchError(
        url,
        response.status,
        `Could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim() +
          (response.status === 401 || response.status === 403 ? ' (a gated or private file: this needs a token, or a mirror)' : '') +
          (response.status === 404 ? ' (no such file: check the weight set, the revision and the endpoint)' : '') +
          '.',
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (/text\/html/i.test(type)) {
      await response.body?.cancel().catch(() => undefined);
      throw new ZooWeightsFetchError(
        url,
        response.status,
        `${url} answered with an HTML page (${type}), not a checkpoint: an error or login page?`,
      );
    }
    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    // A compressed transfer announces the compressed length: it cannot bound the body.
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const bytes = await readBody(response, url, encoded ? null : total, options.onProgress, arm, controller.signal).catch((err) => {
      throw why(err);
    });
    if (total !== null && !encoded && bytes.length !== total) {
      throw new ZooWeightsTruncatedError(
        `${url} announced ${total} bytes and sent ${bytes.length}: the download was cut short. Try again; a cached copy was not kept.`,
      );
    }
    return bytes;
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', onAbort);
  }
}

function aborted(url: string): ZooWeightsAbortedError {
  return new ZooWeightsAbortedError(`Loading ${url} was aborted by the caller's signal.`);
}

async function readBody(
  response: Response,
  url: string,
  total: number | null,
  onProgress: DownloadOptions['onProgress'],
  alive: () => void,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  // With a known length the body goes straight into one buffer: a 2.5 GB file is held once.
  let buffer = new Uint8Array(total ?? 1 << 20);
  let loaded = 0;
  onProgress?.({ loaded, total, url });
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      // Our own abort (stall or caller) is reported as such by the caller; anything else is the
      // connection closing mid-body.
      if (signal.aborted) throw err;
      throw new ZooWeightsTruncatedError(
        `The connection to ${url} closed after ${loaded}${total === null ? '' : ` of ${total}`} bytes (${(err as Error).message}). Try again.`,
      );
    }
    const { done, value } = chunk;
    if (done) break;
    alive();
    if (loaded + value.length > buffer.length) {
      if (total !== null) {
        await reader.cancel().catch(() => undefined);
        throw new ZooWeightsTruncatedError(`${url} announced ${total} bytes and sent more: refused.`);
      }
      const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    onProgress?.({ loaded, total, url });
  }
  return loaded === buffer.length ? buffer : buffer.subarray(0, loaded);
}
