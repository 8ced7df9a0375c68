import type * as tfl from '@tensorflow/tfjs-layers';
import { ZooOptionError } from '../base/errors.js';
import { type CreateOptions, resolveOptions } from '../base/options.js';
import { hashMatches, sha256Hex } from '../base/sha256.js';
import type { StateDictReport } from '../checkpoint/errors.js';
import { readCheckpoint } from '../checkpoint/pth.js';
import { checkQuantizeDtype, type QuantizeDtype } from '../checkpoint/quantized-values.js';
import { readSafetensors, type SafetensorsFile, type TensorSource } from '../checkpoint/safetensors.js';
import { loadStateDict, stateDictParams } from '../checkpoint/state-dict.js';
import { classifierOf } from '../inference/embed.js';
import { type LoadedWeights, rememberWeights } from '../inference/loaded-weights.js';
import { type CheckpointConvention, detectConvention, NATIVE_CONVENTION } from '../keys/convention.js';
import { withZeroInit } from '../layers/init.js';
import { type DataConfig, dataConfig } from '../model/data-config.js';
import type { ModelEntry } from '../model/model.js';
import type { WeightSet } from '../model/weight-set.js';
import { weightDataConfig } from '../model/weight-set.js';
import { defaultCache, type WeightCache } from './cache.js';
import { download, type Progress } from './download.js';
import { fileUrl, weightsEnv } from './env.js';
import { ZooUnsupportedWeightsError, ZooWeightsError, ZooWeightsIntegrityError } from './errors.js';
import { findWeightSet } from './find.js';
import { nodeModules, readWhole } from './node-fs.js';

/** How `entry.load` finds, fetches and checks the weights; the model's creation options go beside them. */
export interface WeightsOptions {
  /** The weight set's name (`IMAGENET1K_V2`, `timm/resnet50.a1_in1k`); default: the model's default set. */
  weights?: string;
  /**
   * Read this file instead of the set's own: a URL, a local file or folder (Node; a folder holds
   * `model.safetensors` or one checkpoint), or the bytes. safetensors and PyTorch's `.pth`, both formats.
   */
  from?: string | URL | Uint8Array | ArrayBuffer;
  /** The SHA-256 to check (hex, whole or a prefix of 8+); default the one the set's source publishes; false skips it. */
  sha256?: string | false;
  /** The hub, or a mirror laid out like it (default `weightsEnv.hubEndpoint`). */
  hubEndpoint?: string;
  /** The hub revision (branch, tag or commit; default the set's). */
  revision?: string;
  /** URL prefixes to fetch from elsewhere, on top of `weightsEnv.mirrors`. */
  mirrors?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** Milliseconds without a byte before a download is given up (default `weightsEnv.timeoutMs`). */
  timeoutMs?: number;
  onProgress?: (p: Progress) => void;
  /** true (default): the browser's Cache Storage or Node's cache folder; false: none; or a cache of your own. */
  cache?: boolean | WeightCache;
  /**
   * Load the weights quantized (`float16`, `uint8` or `uint16`, by the rule of `quantizes`: the
   * kernels; norms, biases and position tables stay float32), and keep that copy in the cache
   * instead of the float32 file: half or a quarter of the bytes on disk. The model computes with
   * the quantized values, the same on the first load as from the cache; the error each dtype
   * costs, per model, is on the model cards. Not for a `model.json`, which is stored as it says.
   */
  quantize?: QuantizeDtype;
}

const WEIGHTS_KEYS = [
  'weights',
  'from',
  'sha256',
  'hubEndpoint',
  'revision',
  'mirrors',
  'fetch',
  'signal',
  'timeoutMs',
  'onProgress',
  'cache',
  'quantize',
] as const satisfies readonly (keyof WeightsOptions)[];

export type LoadOptions<O extends CreateOptions = CreateOptions> = O & WeightsOptions;

/**
 * `entry.load`: the model built for a weight set (its input size and classes unless the options
 * say otherwise), with the set's weights fetched, checked and loaded, and the set's preprocessing
 * as the model's data configuration. On any failure nothing is left behind: the model is disposed.
 */
export async function loadPretrained<O extends CreateOptions>(
  entry: ModelEntry<O>,
  options: LoadOptions<O> = {} as LoadOptions<O>,
): Promise<tfl.LayersModel> {
  if (options === null || typeof options !== 'object')
    throw new ZooOptionError('options', options, 'an object of load and creation options');
  const createOptions: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const k of WEIGHTS_KEYS) delete createOptions[k];
  const set = options.from !== undefined && options.weights === undefined ? null : (findWeightSet(entry, options.weights) ?? null);
  if (set === null && options.from === undefined) {
    throw new ZooUnsupportedWeightsError(
      `${entry.name} has no published weight set the zoo can load; pass \`from\` (a URL, a file or the bytes of a checkpoint).`,
    );
  }
  if (set?.unsupported && options.from === undefined) {
    throw new ZooUnsupportedWeightsError(`${entry.name}'s weight set \`${set.name}\` cannot be loaded: ${set.unsupported}`);
  }
  const size = set?.preprocessing.inputSize ?? entry.defaultInputSize;
  const classes = set?.classes.count ?? 1000;
  const resolved = { inputShape: [size, size, 3], numClasses: classes, ...set?.createOptions, ...createOptions } as unknown as O;
  // A wrong creation option fails before a download, not after.
  resolveOptions(entry.name, resolved, { inputSize: size, dropRate: 0 }, entry.extraOptions);
  if (options.quantize !== undefined) checkQuantizeDtype('quantize', options.quantize);
  const fetched = await fetchWeights(set, options);

  const featuresOnly = (resolved as CreateOptions).featuresOnly === true;
  const headless = featuresOnly || (resolved.includeTop ?? true) === false;
  const headChanged = headless || resolved.numClasses !== classes;
  // A strict load sets every weight, so drawing random ones first would be wasted time; a new
  // head keeps its initialisation, for training.
  const model = headChanged && !headless ? entry.create(resolved) : withZeroInit(() => entry.create(resolved));
  try {
    let report: StateDictReport;
    let convention: string = NATIVE_CONVENTION;
    let fileConfig: DataConfig | undefined;
    if ('load' in fetched) {
      // A TF.js model.json (`zoo convert`): the weights by the model's own names.
      ({ report, dataConfig: fileConfig } = await fetched.load(model, { headChanged, headless }));
    } else {
      const { renameKey, convention: found } = keyRenamer(entry, fetched.checkpoint.keys());
      report = loadStateDict(model, fetched.checkpoint, { strict: !headChanged, renameKey, convention: found });
      // A model without a head (features only, or includeTop false) must find every weight it has.
      if (headChanged) checkHeadOnly(entry, model, report, headless);
      convention = found?.name ?? NATIVE_CONVENTION;
    }
    const side = model.inputs[0].shape[1] ?? size;
    const info: LoadedWeights = {
      model: entry.name,
      set,
      source: fetched.source,
      convention,
      dataConfig: set || !fileConfig ? dataConfigFor(set, side) : fileConfig,
      report,
    };
    rememberWeights(model, info);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * The set's preprocessing for the model's input side: as published at the set's own size; at
 * another size (`inputShape` given), the same crop fraction, as timm's `crop_pct` scales it.
 */
function dataConfigFor(set: WeightSet | null, side: number): DataConfig {
  if (!set) return dataConfig({ cropSize: side });
  const p = set.preprocessing;
  if (side === p.inputSize) return weightDataConfig(p);
  return weightDataConfig({ ...p, inputSize: side, resizeSize: Math.floor((side * p.resizeSize) / p.inputSize) });
}

/**
 * How the checkpoint's keys become the model's: `module.` stripped when every key has it (a model
 * saved from `DataParallel`, as the authors' training scripts save them), then the family's
 * convention the keys are recognised as (timm's names, the reference's legacy names), if any.
 */
export function keyRenamer(
  entry: Pick<ModelEntry, 'conventions'>,
  keys: readonly string[],
): { renameKey: (key: string) => string; convention: CheckpointConvention | null } {
  const parallel = keys.length > 0 && keys.every((k) => k.startsWith('module.'));
  const strip = (key: string) => (parallel ? key.slice('module.'.length) : key);
  return { renameKey: strip, convention: detectConvention(entry.conventions ?? [], keys.map(strip)) };
}

/**
 * With a new head (other classes, or none), the checkpoint's head is left out and the new one
 * keeps its initialisation; everything else must load, as with timm's `num_classes=` on a
 * pretrained model.
 */
function checkHeadOnly(entry: ModelEntry, model: tfl.LayersModel, report: StateDictReport, headless: boolean): void {
  const head = headless ? new Set<string>() : headKeys(model);
  const missing = report.missing.filter((k) => !head.has(k));
  const mismatched = report.mismatched.filter((m) => !head.has(m.key));
  if (missing.length || mismatched.length || report.wrongDtype.length) {
    throw new ZooWeightsError(
      `The weights do not fit ${entry.name} apart from its head: ` +
        [
          missing.length ? `missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}` : '',
          mismatched.length
            ? `mis-shaped ${mismatched
                .map((m) => `${m.key} (${m.got} for ${m.expected})`)
                .slice(0, 5)
                .join(', ')}`
            : '',
          report.wrongDtype.length ? `not floating point ${report.wrongDtype.map((w) => w.key).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        '.',
    );
  }
}

/** State-dict keys of the model's classifier (the last dense layer or convolution to the classes; `classifierOf`). */
function headKeys(model: tfl.LayersModel): Set<string> {
  const head = classifierOf(model)?.layer;
  const keys = new Set<string>();
  if (!head) return keys;
  for (const [key, p] of stateDictParams(model).params) if (head.weights.includes(p.variable)) keys.add(key);
  return keys;
}

import type { ModelJsonSource } from './model-json-source.js';

type Fetched = { source: string; checkpoint: TensorSource } | ({ source: string } & ModelJsonSource);

const isUrl = (text: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(text);

/**
 * The set's file (or `from`), checked against the expected hash and parsed once; with
 * `quantize`, its quantized copy, which is what the cache keeps (under the URL and the dtype).
 */
async function fetchWeights(set: WeightSet | null, options: WeightsOptions): Promise<Fetched> {
  const from = options.from;
  const q = options.quantize;
  const given = options.sha256 || undefined;
  if (from instanceof Uint8Array || from instanceof ArrayBuffer) {
    const bytes = from instanceof Uint8Array ? from : new Uint8Array(from);
    await checked(bytes, given, 'the bytes given');
    return { source: 'bytes', checkpoint: await quantized(readCheckpoint(bytes), q) };
  }
  const expected = options.sha256 === false ? undefined : (options.sha256 ?? (from === undefined ? set?.file.sha256 : undefined));
  let url: string;
  if (from !== undefined) {
    const text = String(from);
    if (nodeModules() && !isUrl(text)) {
      const local = await readLocal(text);
      if ('modelJson' in local) {
        return { source: text, ...(await (await import('./model-json-source.js')).readLocalModelJson(local.modelJson, options)) };
      }
      await checked(local.bytes, expected, text);
      return { source: text, checkpoint: await quantized(readCheckpoint(local.bytes), q) };
    }
    url = text;
    if (/\.json$/i.test(new URL(url, 'http://x/').pathname)) {
      return { source: url, ...(await (await import('./model-json-source.js')).fetchModelJson(url, options)) };
    }
  } else {
    url = fileUrl(set!.file, {
      ...(options.hubEndpoint ? { hubEndpoint: options.hubEndpoint } : {}),
      ...(options.revision ? { revision: options.revision } : {}),
      ...(options.mirrors ? { mirrors: options.mirrors } : {}),
    });
  }
  const cache =
    options.cache === false ? undefined : options.cache === true || options.cache === undefined ? defaultCache() : options.cache;
  const key = q ? `${url}#zoo-quantize=${q}` : url;
  const hit = await cache?.get(key).catch(() => undefined);
  if (hit) {
    try {
      const checkpoint = readCheckpoint(hit.bytes);
      // A quantized copy records the SHA-256 of the file it was made from.
      const of = q ? (checkpoint as SafetensorsFile).metadata?.[SOURCE_SHA256] : hit.sha256;
      if (expected === undefined || (typeof of === 'string' && hashMatches(of, expected))) return { source: `cache:${key}`, checkpoint };
    } catch {
      // A cache written by something else: dropped and fetched again below.
    }
    await cache?.delete(key).catch(() => undefined);
  }
  const bytes = await download(url, {
    timeoutMs: options.timeoutMs ?? weightsEnv.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const sha256 = (await checked(bytes, expected, url)) ?? (cache || q ? await sha256Hex(bytes) : undefined);
  // Only a file that reads as a checkpoint is kept: an error page must not be served from the cache later.
  const checkpoint = readCheckpoint(bytes);
  if (!q) {
    if (cache) await cache.put(url, bytes, sha256!).catch(() => undefined);
    return { source: url, checkpoint };
  }
  const { quantizeCheckpoint } = await import('../checkpoint/quantize.js');
  const copy = quantizeCheckpoint(checkpoint, q, { [SOURCE_URL]: url, [SOURCE_SHA256]: sha256! }).bytes;
  if (cache) await cache.put(key, copy, await sha256Hex(copy)).catch(() => undefined);
  return { source: url, checkpoint: readSafetensors(copy) };
}

/** Where a quantized copy records the file it was made from. */
const SOURCE_URL = 'zoo.source';
const SOURCE_SHA256 = 'zoo.source.sha256';

/**
 * The checkpoint itself, or (with `quantize`) its quantized copy read back, as the cache would
 * give it. The quantizer is its own chunk, fetched by an app only when it quantizes.
 */
async function quantized(checkpoint: TensorSource, q: QuantizeDtype | undefined): Promise<TensorSource> {
  if (!q) return checkpoint;
  const { quantizeCheckpoint } = await import('../checkpoint/quantize.js');
  return readSafetensors(quantizeCheckpoint(checkpoint, q).bytes);
}

/** Checks the bytes against a published hash (whole or a prefix); returns their full SHA-256, or undefined when none was asked for. */
async function checked(bytes: Uint8Array, expected: string | undefined, what: string): Promise<string | undefined> {
  if (expected === undefined) return undefined;
  if (!/^[0-9a-f]{8,64}$/i.test(expected)) throw new ZooOptionError('sha256', expected, 'hex digits (8 to 64) of the SHA-256, or false');
  const actual = await sha256Hex(bytes);
  if (!hashMatches(actual, expected)) {
    throw new ZooWeightsIntegrityError(
      `The SHA-256 of ${what} is ${actual}, not the published ${expected.toLowerCase()}${expected.length < 64 ? '...' : ''}: ` +
        'the file is corrupt or not the one the source released. Nothing was loaded.',
    );
  }
  return actual;
}

/**
 * A local checkpoint (Node): a file, or a folder holding `model.safetensors`, a TF.js
 * `model.json` (what `zoo convert` writes) or a single checkpoint; a `.json` file is a model.json.
 */
async function readLocal(path: string): Promise<{ bytes: Uint8Array } | { modelJson: string }> {
  const { fs, path: p } = nodeModules()!;
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.promises.stat(path);
  } catch {
    throw new ZooOptionError('from', path, 'a URL, an existing file or folder, or the bytes of a checkpoint');
  }
  if (!stat.isDirectory()) return /\.json$/i.test(path) ? { modelJson: path } : { bytes: await readWhole(fs, path) };
  const files = await fs.promises.readdir(path);
  if (!files.includes('model.safetensors') && files.includes('model.json')) return { modelJson: p.join(path, 'model.json') };
  const pick = files.includes('model.safetensors')
    ? ['model.safetensors']
    : files.filter((f) => /\.(safetensors|pth|pt|bin|pth\.tar)$/.test(f));
  if (pick.length !== 1) {
    throw new ZooOptionError(
      'from',
      path,
      'a folder with model.safetensors, a model.json or exactly one checkpoint file',
      `It holds ${pick.length ? pick.join(', ') : 'no .safetensors or .pth file'}.`,
    );
  }
  return { bytes: await readWhole(fs, p.join(path, pick[0])) };
}
