import { readFile } from 'node:fs/promises';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { StateDictReport } from './checkpoint/errors.js';
import { type CheckpointOptions, loadCheckpoint } from './checkpoint/load.js';
import { type ReadOptions, readSafetensors, type SafetensorsFile } from './checkpoint/safetensors.js';

/** Reads a safetensors file from disk (Node only: `@zoo/core-blocks/node`). */
export async function readSafetensorsFile(path: string, options?: ReadOptions): Promise<SafetensorsFile> {
  return readSafetensors(await readFile(path), options);
}

/** Loads a safetensors checkpoint from disk into a model (Node only: `@zoo/core-blocks/node`). */
export async function loadCheckpointFile(model: tfl.LayersModel, path: string, options?: CheckpointOptions): Promise<StateDictReport> {
  return loadCheckpoint(model, await readFile(path), options);
}

export { decodeImage, readImage } from './image-node.js';
