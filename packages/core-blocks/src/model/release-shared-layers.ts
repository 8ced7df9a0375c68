import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * TF.js counts each symbolic call of a layer as one reference to it (`Layer.apply` adds one), and
 * `LayersModel.dispose()` releases each of the model's layers once. A layer the model calls twice
 * (CBAM's shared MLP, on the average- and on the max-pooled vector) would keep its weights after
 * its only model is disposed. This makes `model.dispose()` release such a layer once per call the
 * model makes of it; a layer also called by another model keeps that model's references.
 *
 * Call it on a model whose layers were all built for it (a family's `create`, a model read from
 * a model.json): their calls are then all the model's.
 */
export function releaseSharedLayersOnDispose(model: tfl.LayersModel): tfl.LayersModel {
  const shared = model.layers.filter((l) => l.inboundNodes.length > 1).map((l) => [l, l.inboundNodes.length] as const);
  if (shared.length === 0) return model;
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    const result = dispose();
    // Once the model itself is released (its count reaches 0), the other calls go too.
    if (result.refCountAfterDispose === 0) {
      for (const [layer, calls] of shared) {
        for (let i = 1; i < calls; i++) result.numDisposedVariables += layer.dispose().numDisposedVariables;
      }
    }
    return result;
  };
  return model;
}
