import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit } from '../layers/init.js';
import { releaseSharedLayersOnDispose } from '../model/release-shared-layers.js';
import { checkManifestAgainst, type ModelJsonInfo, readModelArtifacts, ZooModelJsonError } from './model-json.js';
import { checkFloat16Finite, checkSealedWeights } from './quantize.js';

/**
 * `tfl.loadLayersModel` with every check first: the artifacts are validated (`readModelArtifacts`),
 * the model is built from the topology without weights, the manifest is held against the model's
 * weights (missing, extra, shapes), the weight data against the SHA-256 the zoo records when it
 * writes a file (`userDefinedMetadata.zoo.weightsSha256`: a corrupted shard), and only then are the
 * weights decoded (quantized ones too) and set, one at a time
 * (the peak is the model plus its largest weight). Any problem
 * is a `ZooModelJsonError`; a model is returned whole or not at all.
 */
export async function loadLayersModelChecked(handler: tf.io.IOHandler): Promise<tfl.LayersModel> {
  if (typeof handler.load !== 'function') throw new ZooModelJsonError('The IOHandler has no `load` method.');
  const artifacts = await handler.load();
  const info = readModelArtifacts(artifacts);
  await checkSealedWeights(artifacts);
  let model: tfl.LayersModel;
  try {
    // Every weight is overwritten below (the manifest was checked against the model), so the
    // zoo's layers start from zeros instead of drawing random numbers (seconds on large models).
    // modelFromJSON builds the layers before its first await, so inside the zero-init scope.
    const building = withZeroInit(() =>
      tfl.models.modelFromJSON({ modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'] }),
    );
    model = await building;
  } catch (err) {
    throw new ZooModelJsonError(
      `The modelTopology of this model.json cannot be built: ${(err as Error).message}. If it uses custom layers, import the package that registers them.`,
    );
  }
  try {
    checkManifestAgainst(
      info,
      model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], dtype: w.dtype })),
    );
    writeWeights(new Map(model.weights.map((w) => [w.originalName, w])), artifacts, info);
  } catch (err) {
    releaseSharedLayersOnDispose(model).dispose();
    throw err;
  }
  return releaseSharedLayersOnDispose(model);
}

/**
 * Decodes the artifacts' weights (quantized ones too) and writes each into the variable of its
 * name, one at a time: decoding them all first would hold the model's weights twice (ViT-H's
 * 2.5 GB twice does not fit the wasm heap). The caller has checked names and shapes, so only a
 * decoding error can stop this half-way; the caller then drops the model. Weights not in
 * `variables` are skipped.
 */
function writeWeights(
  variables: ReadonlyMap<string, tfl.LayersModel['weights'][number]>,
  artifacts: tf.io.ModelArtifacts,
  info: ModelJsonInfo,
): void {
  const data = new tf.io.CompositeArrayBuffer(artifacts.weightData ?? new ArrayBuffer(0));
  for (const [i, spec] of (artifacts.weightSpecs ?? []).entries()) {
    const variable = variables.get(spec.name);
    if (!variable) continue;
    const { byteOffset, byteLength } = info.weights[i]!;
    const bytes = data.slice(byteOffset, byteOffset + byteLength);
    if (spec.quantization?.dtype === 'float16') checkFloat16Finite(spec.name, bytes);
    const tensor = tf.io.decodeWeights(bytes, [spec])[spec.name]!;
    try {
      variable.write(tensor);
    } finally {
      tensor.dispose();
    }
  }
}

/**
 * Sets a model's weights from TF.js layers artifacts (a `model.json` and its shards, as `zoo
 * convert` writes them) by weight name, after every check: the artifacts are valid and sealed
 * (`checkSealedWeights`), every weight of the model is there with its shape, and nothing else is
 * unless `allowExtra` (a model built without the file's head). Weights named in `skip` (a new
 * head) keep their values. Throws `ZooModelJsonError` before any weight is written.
 */
export async function loadArtifactWeights(
  model: tfl.LayersModel,
  artifacts: tf.io.ModelArtifacts,
  options: { allowExtra?: boolean; skip?: ReadonlySet<string> } = {},
): Promise<{ loaded: string[]; skipped: string[]; unused: string[] }> {
  const info = readModelArtifacts(artifacts);
  await checkSealedWeights(artifacts);
  const skip = options.skip ?? new Set<string>();
  const wanted = model.weights.filter((w) => !skip.has(w.originalName));
  const names = new Set(wanted.map((w) => w.originalName));
  // The file's weights held against the model: all but a skipped head's, or with allowExtra only those the model has.
  const compared = info.weights.filter((w) => (options.allowExtra ? names.has(w.name) : !skip.has(w.name)));
  checkManifestAgainst(
    { ...info, weights: compared },
    wanted.map((w) => ({ name: w.originalName, shape: w.shape as number[], dtype: w.dtype })),
  );
  writeWeights(new Map(wanted.map((w) => [w.originalName, w])), artifacts, info);
  return {
    loaded: wanted.map((w) => w.originalName),
    skipped: model.weights.filter((w) => skip.has(w.originalName)).map((w) => w.originalName),
    unused: info.weights.filter((w) => !names.has(w.name)).map((w) => w.name),
  };
}
