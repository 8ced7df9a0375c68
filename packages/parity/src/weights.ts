import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { findWeightSet, type ModelEntry, readSafetensors, type WeightSet, weightsOf } from '@zoo/core-blocks/family';
import { compareWithReference, type ParityResult } from './check.js';
import { fixturesPassed, fixturesRoot } from './fixtures.js';
import { ensureTimm, ensureTorch, runPython } from './python.js';
import { readWholeFile } from './read-file.js';

export const WEIGHTS_SCRIPT = fileURLToPath(new URL('../scripts/weights.py', import.meta.url));

export interface WeightParityOptions {
  /** The weight set's name, as `entry.load({ weights })` takes it. */
  weights: string;
  /** How the checkpoint is written: default the set's own format (torchvision's `.pth` zip, the hub's safetensors). */
  format?: 'zip' | 'legacy' | 'safetensors';
  /** The floating tensors' dtype in the file (default float32): float16 as the hub's half-precision safetensors; the reference computes with the rounded values. */
  dtype?: 'float32' | 'float16';
  /** Write the key names torchvision's older files carry (`densenet`, `vit`), to prove they map. */
  legacyKeys?: 'densenet' | 'vit';
  /** Images per batch (default 2). */
  batch?: number;
  seed?: number;
  /** See `ParityOptions.residualNorms`. */
  residualNorms?: string;
  residualGain?: number;
  tolerance?: number;
  /**
   * Input sides to compare at (default the set's). The first also calibrates the reference's
   * BatchNorm statistics; the model is loaded for each, with `inputShape` where it is not the set's.
   */
  sizes?: readonly number[];
  /** Keyword arguments of `timm.create_model` (`{ img_size: 256 }`: a fixed-size architecture built for another input). */
  timmKwargs?: Readonly<Record<string, unknown>>;
  /** Creation options for `entry.load` on top of the set's (`{ imageSize: 256 }` for such a model). */
  createOptions?: Readonly<Record<string, unknown>>;
}

export interface WeightParityResult extends ParityResult {
  /** The URL the loader fetched, on the local server. */
  url: string;
  checkpointBytes: number;
  /** The key convention the loader recognised in the checkpoint. */
  convention: string;
  /** The dtypes of the checkpoint's tensors (safetensors files; empty for a .pth). */
  fileDtypes: readonly string[];
  /** Every size compared (the first is `size` and the fields above). */
  bySize: readonly { size: number; relative: number; maxAbsDiff: number; maxAbsRef: number }[];
}

function dtypesOf(bytes: Uint8Array): string[] {
  const file = readSafetensors(bytes);
  return [...new Set(file.keys().map((k) => file.info(k)!.dtype))].sort();
}

/** A server on 127.0.0.1 that serves one file at one path and 404 elsewhere; no kept-alive sockets outlive it. */
async function serve(path: string, file: string): Promise<{ base: string; close(): Promise<void> }> {
  const bytes = await readWholeFile(file);
  const server = createServer((req, res) => {
    if (req.url === path) {
      res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream', connection: 'close' });
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The pretrained-weights path end to end against the reference: the reference model with random,
 * perturbed weights is saved in the set's own format (torchvision's `.pth`, the hub's
 * safetensors) by PyTorch itself, served from 127.0.0.1 at the path the set names (torchvision's
 * URL through a mirror, the hub's `<repo>/resolve/<revision>/<file>` with the endpoint pointed at
 * the server), loaded with `entry.load({ weights })` (the hash checked is the served file's, as
 * the published one belongs to the real file) and run at the set's input size beside the
 * reference's output. Throws a `ParityError` past the tolerance (default 1e-4 relative).
 */
export async function checkWeightSetParity(entry: ModelEntry, options: WeightParityOptions): Promise<WeightParityResult> {
  const set = findWeightSet(entry, options.weights) as WeightSet;
  if (set.publisher === 'authors')
    throw new Error(`checkWeightSetParity builds torchvision and timm references; ${set.name} is the authors'.`);
  const format = options.format ?? (set.file.format === 'safetensors' ? 'safetensors' : 'zip');
  const batch = options.batch ?? 2;
  const seed = options.seed ?? 0;
  const sizes = options.sizes?.length ? options.sizes : [set.preprocessing.inputSize];
  const size = sizes[0];
  const timmKwargs = options.timmKwargs ?? {};
  const reference = set.publisher === 'timm' ? set.name.replace(/^timm\//, '') : entry.name;
  const args = [
    ...['--publisher', set.publisher, '--model', reference, ...(set.publisher === 'torchvision' ? ['--set', set.name] : [])],
    ...['--format', format, ...(options.legacyKeys ? ['--legacy', options.legacyKeys] : [])],
    ...(options.dtype === 'float16' ? ['--dtype', 'float16'] : []),
    ...['--seed', String(seed), '--calib-size', String(size), '--batch', String(batch)],
    ...(options.residualNorms ? ['--residual-norms', options.residualNorms] : []),
    ...(options.residualGain !== undefined ? ['--residual-gain', String(options.residualGain)] : []),
    ...(Object.keys(timmKwargs).length ? ['--timm-kwargs', JSON.stringify(timmKwargs)] : []),
  ];
  const hash = createHash('sha256').update(readFileSync(WEIGHTS_SCRIPT)).update(JSON.stringify(args)).digest('hex').slice(0, 10);
  const dir = join(fixturesRoot(), `weights-${entry.name}-${set.name.replace(/[^\w.-]+/g, '_')}-${hash}`);
  mkdirSync(dir, { recursive: true });
  const checkpoint = join(dir, format === 'safetensors' ? 'model.safetensors' : 'checkpoint.pth');
  const ios = new Map(sizes.map((s) => [s, join(dir, `io-${s}-batch${batch}.safetensors`)] as const));
  if (!existsSync(checkpoint) || [...ios.values()].some((io) => !existsSync(io))) {
    await (set.publisher === 'timm' ? ensureTimm() : ensureTorch());
    const ioArgs = [...ios].flatMap(([s, io]) => ['--io', `${io}:${s}`]);
    await runPython(WEIGHTS_SCRIPT, ['checkpoint', ...args, '--checkpoint', checkpoint, ...ioArgs], {
      timm: set.publisher === 'timm',
    });
  }
  const bytes = await readWholeFile(checkpoint);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // The set's own address, on the local server: the hub layout, or the URL's path under a mirror.
  const hub = set.file.hub;
  const path = hub ? `/${hub.repo}/resolve/${hub.revision}/${hub.file}` : `/mirror${new URL(set.file.url!).pathname}`;
  const server = await serve(path, checkpoint);
  const route = hub ? { hubEndpoint: server.base } : { mirrors: { [`${new URL(set.file.url!).origin}/`]: `${server.base}/mirror/` } };
  const previous = tf.getBackend();
  if (previous !== 'wasm') await tf.setBackend('wasm');
  try {
    const results: (Awaited<ReturnType<typeof compareWithReference>> & { size: number; load: number })[] = [];
    let url = '';
    let convention = '';
    for (const [s, io] of ios) {
      const t0 = performance.now() / 1000;
      const shape = s === set.preprocessing.inputSize ? {} : { inputShape: [s, s, 3] as [number, number, number] };
      const model = await entry.load({ weights: set.name, sha256, cache: false, ...route, ...options.createOptions, ...shape });
      try {
        const t1 = performance.now() / 1000;
        const r = await compareWithReference(model, `${entry.name} with ${set.name}`, io, {
          tolerance: options.tolerance ?? 1e-4,
          hint: checkpoint,
        });
        const info = weightsOf(model)!;
        url = info.source;
        convention = info.convention;
        if (!url.endsWith(path)) throw new Error(`The loader fetched ${url}, not the set's address ${path}.`);
        results.push({ ...r, size: s, load: t1 - t0 });
      } finally {
        model.dispose();
      }
    }
    for (const s of ios.keys()) fixturesPassed({ dir, checkpoint, io: ios }, s);
    const first = results[0];
    return {
      ...first,
      seconds: { fixtures: 0, load: first.load, predict: first.seconds },
      url,
      checkpointBytes: bytes.length,
      convention,
      fileDtypes: format === 'safetensors' ? dtypesOf(bytes) : [],
      bySize: results.map((r) => ({ size: r.size, relative: r.relative, maxAbsDiff: r.maxAbsDiff, maxAbsRef: r.maxAbsRef })),
    };
  } finally {
    await server.close();
    if (previous && previous !== 'wasm') await tf.setBackend(previous);
  }
}
