import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** What `model.save` writes (topology, weight specs and data), kept in memory. */
export async function saveToMemory(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tfc.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error(`saveToMemory: ${model.name} saved nothing`);
  return artifacts;
}

/** The model saved to memory and loaded back with `tf.loadLayersModel`. */
export async function reload(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tfc.io.fromMemory(await saveToMemory(model)));
}
