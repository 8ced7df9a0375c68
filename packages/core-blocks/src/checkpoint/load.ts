import type * as tfl from '@tensorflow/tfjs-layers';
import { type StateDictReport, ZooCheckpointError, ZooCheckpointFormatError, ZooStateDictError } from './errors.js';
import { type PthFile, type PthOptions, readCheckpoint } from './pth.js';
import { type ReadOptions, readSafetensors, SafetensorsFile } from './safetensors.js';
import { type LoadOptions, loadStateDict } from './state-dict.js';

export type CheckpointOptions = LoadOptions & ReadOptions & PthOptions;

/** Loads a checkpoint held in memory (safetensors, or PyTorch's `.pth`) into a model (see `loadStateDict`). */
export function loadCheckpoint(model: tfl.LayersModel, bytes: Uint8Array | ArrayBuffer, options: CheckpointOptions = {}): StateDictReport {
  const file = readEither(bytes, options);
  try {
    return loadStateDict(model, file, options);
  } catch (err) {
    if (err instanceof ZooStateDictError) throw new ZooStateDictError(err.report, seemsFor(file, model));
    throw err;
  }
}

/**
 * A `.pth` (zip or pickle) or safetensors; what is neither is reported as a safetensors file gone
 * wrong (its length field, its header), which is what this function read before it took `.pth`.
 */
function readEither(bytes: Uint8Array | ArrayBuffer, options: CheckpointOptions): SafetensorsFile | PthFile {
  try {
    return readCheckpoint(bytes, options);
  } catch (err) {
    if (err instanceof ZooCheckpointFormatError) return readSafetensors(bytes, options);
    throw err;
  }
}

const NAME_KEYS = ['model', 'arch', 'architecture', 'model_name'];

/** What the checkpoint says of itself, for a checkpoint that does not fit: is it another model's? */
function seemsFor(file: SafetensorsFile | PthFile, model: tfl.LayersModel): string {
  const meta = (k: string): unknown =>
    file instanceof SafetensorsFile ? (Object.hasOwn(file.metadata, k) ? file.metadata[k] : undefined) : file.metadata.get(k);
  const named = NAME_KEYS.map(meta).find((v) => typeof v === 'string' && v);
  let values = 0;
  for (const key of file.keys()) values += file.info(key)!.shape.reduce((a, b) => a * b, 1);
  const mine = model.countParams();
  return (
    (named && named !== model.name ? `This checkpoint is for \`${named}\` (its metadata says so), not \`${model.name}\`. ` : '') +
    `It holds ${file.tensors.size} tensors of ${values} values; \`${model.name}\` has ${mine} weights in all.\n`
  );
}

/** Fetches a checkpoint (safetensors or `.pth`; browser or Node's global `fetch`) and loads it into a model. */
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
