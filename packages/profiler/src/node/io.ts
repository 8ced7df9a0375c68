import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { checkWeightBytes, readModelJson, ZooModelJsonError } from '@zoo/core-blocks/family';

/** A `model.json` that is not a TF.js layers model, or whose weight paths leave its folder. */
export class ZooModelFileError extends ZooModelJsonError {
  override name = 'ZooModelFileError';
}

/** TF.js's own shard size: small enough for HTTP caches, large enough to keep the file count low. */
const SHARD_BYTES = 4 * 1024 * 1024;

/**
 * Saves a model in the TF.js layers format (`model.json` + `group1-shardNofM.bin`) into `dir`,
 * as `model.save('file://...')` would with tfjs-node, which does not install everywhere.
 */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    await mkdir(dir, { recursive: true });
    const data = new tf.io.CompositeArrayBuffer(artifacts.weightData ?? []);
    const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
    const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
    for (const [i, p] of paths.entries()) {
      await writeFile(join(dir, p), new Uint8Array(data.slice(i * SHARD_BYTES, Math.min((i + 1) * SHARD_BYTES, data.byteLength))));
    }
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology!,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? 'zoo convert',
      weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/**
 * Loads a TF.js layers model from disk for `tf.loadLayersModel(fileLoadHandler('out/model.json'))`.
 * Weight paths are files beside `model.json`: one that is absolute, a URL, or resolves (symbolic
 * links included) outside that folder is refused before anything is read.
 */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const dir = dirname(resolve(modelJsonPath));
      let bytes: Uint8Array;
      try {
        bytes = await readFile(modelJsonPath);
      } catch (err) {
        throw new ZooModelFileError(`${modelJsonPath} is not a readable model.json: ${(err as Error).message}`);
      }
      const info = inFile(modelJsonPath, () => readModelJson(bytes));
      const files = await Promise.all(info.paths.map((p) => insideFolder(dir, p, modelJsonPath)));
      return tf.io.getModelArtifactsForJSON(info.json, async (m) => {
        const buffers = await Promise.all(files.map(async (f) => new Uint8Array(await readFile(f)).buffer as ArrayBuffer));
        inFile(modelJsonPath, () =>
          checkWeightBytes(
            info,
            buffers.map((b) => b.byteLength),
          ),
        );
        return [tf.io.getWeightSpecs(m), buffers];
      });
    },
  };
}

/** The reader's errors, with the file they are about. */
function inFile<T>(modelJsonPath: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ZooModelJsonError) throw new ZooModelFileError(`${modelJsonPath}: ${err.message}`);
    throw err;
  }
}

async function insideFolder(dir: string, p: unknown, modelJsonPath: string): Promise<string> {
  const refuse = (why: string) =>
    new ZooModelFileError(`${modelJsonPath}: weight path ${JSON.stringify(p)} ${why}; weight files must sit in the model's folder.`);
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) throw refuse('is not a file name');
  if (/^[a-z][a-z0-9+.-]*:/i.test(p)) throw refuse('is a URL');
  if (isAbsolute(p) || p.startsWith('/') || p.startsWith('\\')) throw refuse('is absolute');
  const file = resolve(dir, p);
  if (!within(dir, file)) throw refuse('points outside the folder');
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw new ZooModelFileError(`${modelJsonPath}: weight file ${JSON.stringify(p)} does not exist.`);
  }
  if (!within(await realpath(dir), real)) throw refuse('is a link to a file outside the folder');
  return real;
}

function within(dir: string, file: string): boolean {
  const r = relative(dir, file);
  return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r);
}
