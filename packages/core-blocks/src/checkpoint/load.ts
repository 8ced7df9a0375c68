import type * as tfl from '@tensorflow/tfjs-layers';
import { type StateDictReport, ZooCheckpointError, ZooStateDictError } from './errors.js';
import { type ReadOptions, readSafetensors, type SafetensorsFile } from './safetensors.js';
import { type LoadOptions, loadStateDict } from './state-dict.js';

export type CheckpointOptions = LoadOptions & ReadOptions;

/** Loads a safetensors checkpoint held in memory into a model (see `loadStateDict`). */
export function loadCheckpoint(model: tfl.LayersModel, bytes: Uint8Array | ArrayBuffer, options: CheckpointOptions = {}): StateDictReport {
  const file = readSafetensors(bytes, options);
  try {
    return loadStateDict(model, file, options);
  } catch (err) {
    if (err instanceof ZooStateDictError) throw new ZooStateDictError(err.report, seemsFor(file, model));
    throw err;
  }
}

const NAME_KEYS = ['model', 'arch', 'architecture', 'model_name'];

/** What the checkpoint says of itself, for a checkpoint that does not fit: is it another model's? */
function seemsFor(file: SafetensorsFile, model: tfl.LayersModel): string {
  const named = NAME_KEYS.map((k) => (Object.hasOwn(file.metadata, k) ? file.metadata[k] : undefined)).find((v) => v);
  let values = 0;
  for (const t of file.tensors.values()) values += t.shape.reduce((a, b) => a * b, 1);
  const mine = model.countParams();
  return (
    (named && named !== model.name ? `This checkpoint is for \`${named}\` (its metadata says so), not \`${model.name}\`. ` : '') +
    `It holds ${file.tensors.size} tensors of ${values} values; \`${model.name}\` has ${mine} weights in all.\n`
  );
}

/** Fetches a safetensors checkpoint (browser or Node's global `fetch`) and loads it into a model. */
export async function loadCheckpointFromUrl(
  model: tfl.LayersModel,
  url: string | URL,
  options: CheckpointOptions & { fetch?: typeof fetch; init?: RequestInit } = {},
): Promise<StateDictReport> {
  const get = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await get(url, options.init);
  } catch (err) {
    throw new ZooCheckpointError(`Could not fetch the checkpoint ${String(url)}: ${(err as Error).message}`);
  }
  if (!response.ok)
    throw new ZooCheckpointError(`Could not fetch the checkpoint ${String(url)}: HTTP ${response.status} ${response.statusText}`);
  return loadCheckpoint(model, new Uint8Array(await response.arrayBuffer()), options);
}
