import type * as tfl from '@tensorflow/tfjs-layers';
import { type StateDictReport, ZooCheckpointError } from './errors.js';
import { type ReadOptions, readSafetensors } from './safetensors.js';
import { type LoadOptions, loadStateDict } from './state-dict.js';

export type CheckpointOptions = LoadOptions & ReadOptions;

/** Loads a safetensors checkpoint held in memory into a model (see `loadStateDict`). */
export function loadCheckpoint(model: tfl.LayersModel, bytes: Uint8Array | ArrayBuffer, options: CheckpointOptions = {}): StateDictReport {
  return loadStateDict(model, readSafetensors(bytes, options), options);
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
