import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as z from './dist/index.js';

const cpu = () => {
  const u = process.cpuUsage();
  return ((u.user + u.system) / 1e6).toFixed(1);
};
await tf.setBackend('cpu');
let t = Date.now();
const model = z.vit_b_32.create({ inputShape: [64, 96, 3], numClasses: 3 });
console.log('create wall', Date.now() - t, 'cpu', cpu());
const x = tf.randomNormal([2, 64, 96, 3], 0, 1, 'float32', 3);
t = Date.now();
await tf.setBackend('cpu');
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
await model.fit(x, tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3), { epochs: 1, batchSize: 2, verbose: 0 });
console.log('fit', Date.now() - t, 'cpu', cpu());
