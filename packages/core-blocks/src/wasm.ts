/**
 * `@zoo/core-blocks/wasm`: the wasm backend made ready in a bundled web app. After bundling,
 * tfjs-backend-wasm looks for its `.wasm` files next to the bundle, where no bundler puts them;
 * `useWasm()` points it at the folder the files are served from (the Vite plugin
 * `zooWasm()` of `@zoo/core-blocks/vite` serves and emits them there), checks that the file this
 * browser needs is really there, and switches to the backend, or says exactly what is missing.
 */
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { ZooError } from './base/errors.js';
import { WASM_FOLDER, wasmFileFor } from './wasm-files.js';

export { WASM_FILES, WASM_FOLDER, wasmFileFor } from './wasm-files.js';

/** The wasm backend could not start: its file is not served where it was looked for, or the browser refused it. */
export class ZooWasmError extends ZooError {
  override name = 'ZooWasmError';
}

export interface UseWasmOptions {
  /**
   * The folder (URL, ending in `/`) that serves the three `.wasm` files of
   * `@tensorflow/tfjs-backend-wasm/dist/`. Default: `tfjs-wasm/` under the page's base URL in a
   * browser; in Node the backend finds its files itself.
   */
  path?: string | URL;
  /**
   * Threads for the threaded build (used only where the page is cross-origin isolated). Default:
   * the backend's choice. When the backend already runs with another count and holds no tensors,
   * it is started again with this one.
   */
  threads?: number;
  /** Look for the file with a HEAD request first, to fail with a clear error (default true in a browser). */
  check?: boolean;
  fetch?: typeof globalThis.fetch;
}

export interface WasmInfo {
  /** The URL the backend's binary was loaded from (`undefined` in Node). */
  url: string | undefined;
  simd: boolean;
  /** Threads the backend runs with (1 without cross-origin isolation). */
  threads: number;
}

/**
 * Serves the backend from `path`, checks the file is there, and makes `wasm` the active backend.
 * Resolves with what was loaded; throws `ZooWasmError` (with the URL and how to serve it) otherwise.
 */
export async function useWasm(options: UseWasmOptions = {}): Promise<WasmInfo> {
  const browser = typeof document !== 'undefined' || (typeof self !== 'undefined' && 'importScripts' in self);
  const [simd, threaded] = (await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ])) as [boolean, boolean];
  let url: string | undefined;
  if (browser || options.path !== undefined) {
    const base = options.path ?? WASM_FOLDER;
    const folder = new URL(String(base), browser ? (globalThis.document?.baseURI ?? self.location.href) : undefined).href;
    if (!folder.endsWith('/')) throw new ZooWasmError(`useWasm's \`path\` must be a folder ending in "/"; got ${folder}.`);
    url = folder + wasmFileFor(simd, threaded);
    if (options.check ?? browser) await checkServed(url, options.fetch ?? globalThis.fetch);
    setWasmPaths(folder);
  }
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new ZooWasmError(`useWasm's \`threads\` must be a whole number of at least 1; got ${options.threads}.`);
    }
    if (threaded) restartForThreads(options.threads);
    setThreadsCount(options.threads);
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } catch (err) {
    throw new ZooWasmError(`The wasm backend did not start from ${url ?? 'its own folder'}: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!ok) {
    throw new ZooWasmError(
      `The wasm backend did not start${url ? ` from ${url}` : ''}; the browser's console says why (a wrong content type, or a blocked request).`,
    );
  }
  await tf.ready();
  return { url, simd, threads: getThreadsCount() };
}

/** tfjs-backend-wasm's priority among backends (its `base.ts`), kept when the backend is registered anew. */
const WASM_PRIORITY = 2;

/**
 * tfjs-backend-wasm reads its thread count once, when the backend starts. When it already runs
 * with another count, the backend is registered anew from its own factory, so that the next
 * `setBackend('wasm')` starts a fresh module with the count asked for; refused while the running
 * backend still holds tensors, which would be lost.
 */
function restartForThreads(threads: number): void {
  const running = tf.engine().registry.wasm;
  if (!running || getThreadsCount() === threads) return;
  const held = running.numDataIds();
  if (held > 0) {
    throw new ZooWasmError(
      `The wasm backend runs ${getThreadsCount()} thread(s) and holds ${held} tensor(s); a thread count is fixed when it starts. ` +
        `Dispose them (models included) before asking for ${threads} thread(s), or keep ${getThreadsCount()}.`,
    );
  }
  const factory = tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
}

async function checkServed(url: string, fetchFn: typeof globalThis.fetch): Promise<void> {
  const hint =
    'Serve the three files of node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm from that folder ' +
    "(with Vite, add `zooWasm()` from '@zoo/core-blocks/vite' to the plugins), or pass `path` where they are.";
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'HEAD' });
  } catch (err) {
    throw new ZooWasmError(`The wasm backend's file could not be fetched from ${url}: ${(err as Error)?.message ?? String(err)}. ${hint}`);
  }
  if (!res.ok) throw new ZooWasmError(`The wasm backend's file is not at ${url} (HTTP ${res.status}). ${hint}`);
  const type = res.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) {
    // A single-page app's fallback answers every path with its index page.
    throw new ZooWasmError(`${url} answers with an HTML page, not the wasm backend's file. ${hint}`);
  }
}
