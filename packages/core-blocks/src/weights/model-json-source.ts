import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ZooOptionError } from '../base/errors.js';
import type { StateDictReport } from '../checkpoint/errors.js';
import { loadArtifactWeights } from '../checkpoint/load-layers-model.js';
import { checkWeightBytes, type ModelJsonInfo, readModelJson, ZooModelJsonError } from '../checkpoint/model-json.js';
import { ZOO_METADATA_KEY } from '../checkpoint/quantize.js';
import { classifierOf } from '../inference/embed.js';
import { type DataConfig, dataConfig } from '../model/data-config.js';
import { download } from './download.js';
import { weightsEnv } from './env.js';
import type { WeightsOptions } from './load.js';
import { nodeModules, readWhole } from './node-fs.js';

// A TF.js model.json (what `zoo convert` writes, quantized or not) as `entry.load({ from })` reads
// it: a chunk of its own, which an app that loads checkpoints never fetches.

/** A model.json read and checked, whose weights are set into a model by their names. */
export interface ModelJsonSource {
  load(
    model: tfl.LayersModel,
    head: { headChanged: boolean; headless: boolean },
  ): Promise<{ report: StateDictReport; dataConfig: DataConfig | undefined }>;
}

/** The preprocessing `zoo convert` recorded in a model.json (`userDefinedMetadata.zoo.dataConfig`), if any. */
function convertedDataConfig(artifacts: tf.io.ModelArtifacts, source: string): DataConfig | undefined {
  const zoo = (artifacts.userDefinedMetadata as Record<string, unknown> | undefined)?.[ZOO_METADATA_KEY] as
    | Record<string, unknown>
    | undefined;
  const recorded = zoo?.dataConfig;
  if (recorded === undefined) return undefined;
  try {
    return dataConfig(recorded as Partial<DataConfig>);
  } catch (err) {
    throw new ZooModelJsonError(`${source}: userDefinedMetadata.zoo.dataConfig is not a preprocessing: ${(err as Error).message}`);
  }
}

function refuseQuantize(options: WeightsOptions, what: string): void {
  if (options.quantize !== undefined) {
    throw new ZooOptionError(
      'quantize',
      options.quantize,
      `unset for ${what}`,
      'A model.json holds its weights as it was written; write a quantized one with `zoo convert --quantize`.',
    );
  }
}

/** The artifacts of a model.json at a URL and its weight files beside it, checked as `loadLayersModelChecked` checks them. */
export async function fetchModelJson(url: string, options: WeightsOptions): Promise<ModelJsonSource> {
  refuseQuantize(options, url);
  const get = (u: string) =>
    download(u, {
      timeoutMs: options.timeoutMs ?? weightsEnv.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  const json = await get(url);
  const parsed = inFile(url, () => readModelJson(json));
  const buffers = await Promise.all(parsed.paths.map(async (p) => ownBuffer(await get(new URL(p, url).href))));
  return artifactsOf(url, parsed, buffers);
}

/** A model.json on disk (Node) and its weight files, which must sit in its folder (symbolic links included). */
export async function readLocalModelJson(path: string, options: WeightsOptions): Promise<ModelJsonSource> {
  refuseQuantize(options, path);
  const { fs, path: p } = nodeModules()!;
  const parsed = inFile(path, () => readModelJson(fs.readFileSync(path)));
  const dir = await fs.promises.realpath(p.dirname(path));
  const buffers = await Promise.all(
    parsed.paths.map(async (w) => {
      let real: string;
      try {
        real = await fs.promises.realpath(p.join(dir, w));
      } catch {
        throw new ZooModelJsonError(`${path}: weight file ${JSON.stringify(w)} does not exist.`);
      }
      const r = p.relative(dir, real);
      if (r.startsWith('..') || p.isAbsolute(r))
        throw new ZooModelJsonError(`${path}: weight file ${JSON.stringify(w)} is a link outside its folder.`);
      return ownBuffer(await readWhole(fs, real));
    }),
  );
  return artifactsOf(path, parsed, buffers);
}

/** The bytes' buffer when they fill it, else a copy. */
function ownBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);
}

async function artifactsOf(where: string, info: ModelJsonInfo, buffers: ArrayBuffer[]): Promise<ModelJsonSource> {
  inFile(where, () =>
    checkWeightBytes(
      info,
      buffers.map((b) => b.byteLength),
    ),
  );
  const artifacts = await tf.io.getModelArtifactsForJSON(info.json, async (m) => [tf.io.getWeightSpecs(m), buffers]);
  return {
    async load(model, { headChanged, headless }) {
      // A new head for other classes keeps its initialisation; without a head, the file's is unused.
      const skip = headChanged && !headless ? new Set(classifierOf(model)?.layer.weights.map((w) => w.originalName)) : new Set<string>();
      const r = await loadArtifactWeights(model, artifacts, { allowExtra: headChanged, skip });
      return {
        report: { loaded: r.loaded, missing: [], unexpected: [], mismatched: [], wrongDtype: [], ignored: r.unused },
        dataConfig: convertedDataConfig(artifacts, where),
      };
    },
  };
}

/** The model.json reader's errors, with the file they are about. */
function inFile<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ZooModelJsonError && !err.message.startsWith(where)) throw new ZooModelJsonError(`${where}: ${err.message}`);
    throw err;
  }
}
