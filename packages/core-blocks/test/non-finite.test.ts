import { expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { classify, ZooNonFiniteError } from '../src/family.js';

/**
 * A finite image whose logits overflow (as on webgl with 16-bit textures, where 65504 is the
 * largest value) is refused with the model and the backend named, never ranked.
 */
it('classify refuses an output that is not finite, naming the model and the backend', async () => {
  await tf.setBackend('cpu');
  const input = tfl.input({ shape: [2, 2, 3] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({ units: 4, kernelInitializer: tfl.initializers.constant({ value: 3e38 }) })
    .apply(flat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits, name: 'overflowing' });
  const image = tf.fill([1, 2, 2, 3], 0.5);
  const err = await classify(model, image, { preprocess: false, topK: 2 }).catch((e) => e);
  expect(err).toBeInstanceOf(ZooNonFiniteError);
  expect(err).toMatchObject({ model: 'overflowing', backend: 'cpu', float16: false });
  expect(err.message).toMatch(
    /^The output of overflowing on the cpu backend is not finite \(NaN or infinity\): an intermediate value overflowed\./,
  );
  // The same model with finite logits ranks as usual.
  model.layers[2].setWeights([tf.fill([12, 4], 0.01), tf.tensor1d([0, 1, 2, 3])]);
  expect((await classify(model, image, { preprocess: false, topK: 2 })).map((p) => p.index)).toEqual([3, 2]);
  tf.dispose(image);
  model.dispose();
});
