import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit } from '../layers/init.js';
import { checkManifestAgainst, readModelArtifacts, ZooModelJsonError } from './model-json.js';

/**
 * `tfl.loadLayersModel` with every check first: the artifacts are validated (`readModelArtifacts`),
 * the model is built from the topology without weights, the manifest is held against the model's
 * weights (missing, extra, shapes), and only then are the weights decoded and set, one at a time
 * (the peak is the model plus its largest weight). Any problem
 * is a `ZooModelJsonError`; a model is returned whole or not at all.
 */
export async function loadLayersModelChecked(handler: tf.io.IOHandler): Promise<tfl.LayersModel> {
  if (typeof handler.load !== 'function') throw new ZooModelJsonError('The IOHandler has no `load` method.');
  const artifacts = await handler.load();
  const info = readModelArtifacts(artifacts);
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
    // One weight at a time: decoding them all first would hold the model's weights twice (ViT-H's
    // 2.5 GB twice does not fit the wasm heap). The manifest check above made every name and
    // shape right, so only a decoding error can stop this half-way, and then the model is dropped.
    const variables = new Map(model.weights.map((w) => [w.originalName, w]));
    const data = new tf.io.CompositeArrayBuffer(artifacts.weightData ?? new ArrayBuffer(0));
    for (const [i, spec] of (artifacts.weightSpecs ?? []).entries()) {
      const { byteOffset, byteLength } = info.weights[i]!;
      const tensor = tf.io.decodeWeights(data.slice(byteOffset, byteOffset + byteLength), [spec])[spec.name]!;
      try {
        variables.get(spec.name)!.write(tensor);
      } finally {
        tensor.dispose();
      }
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
