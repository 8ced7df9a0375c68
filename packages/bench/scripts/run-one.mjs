// One runtime on one model, in a process of its own (each wasm heap only grows): prints one JSON
// line with the times of every timed run. Called by bench.mjs.
//   node run-one.mjs tfjs <model> <runs> <warmup>      tfjs-layers predict and the fused path, interleaved
//   node run-one.mjs ort-web|ort-node <model.onnx> <runs> <warmup>
//   node run-one.mjs rate - <runs> <warmup>            tfjs-backend-wasm's rate on a large product and a 3x3 convolution
import { readFileSync } from 'node:fs';
import { timeEach } from './time-each.mjs';
import { zooEntry } from './zoo.mjs';

const [runtime, target, runsArg, warmupArg] = process.argv.slice(2);
const runs = Number(runsArg);
const warmup = Number(warmupArg);
const SIZE = 224;

async function tfjs(name) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  const { compile } = await import('@zoo/fused');
  const entry = await zooEntry(name);
  await tf.setBackend('wasm');
  const model = entry.create({ inputShape: [SIZE, SIZE, 3] });
  const fused = compile(model);
  const x = tf.randomUniform([1, SIZE, SIZE, 3], -1, 1, 'float32', 1);
  const pass = (run) => async () => {
    const y = run(x);
    await y.data();
    y.dispose();
  };
  // The plan alone first, before predict has ever run: the heap then holds what the plan needs
  // (the model's weights, the folded copies, XNNPACK's packed copies, one call's activations).
  const heap = () => tf.backend().wasm.HEAPU8.buffer.byteLength;
  for (let i = 0; i < Math.max(1, warmup); i++) await pass((t) => fused.predict(t))();
  const planHeapBytes = heap();
  const before = tf.memory().numTensors;
  const [predict, fusedTimes] = await timeEach([pass((t) => model.predict(t)), pass((t) => fused.predict(t))], runs, warmup);
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`${name}: ${leaked} tensors leaked`);
  // The multiply-accumulates of one pass at this size (convolutions, dense layers and attention products).
  const { profileModel } = await import('@zoo/profiler');
  const macs = profileModel(model).macs.total;
  // A wasm heap only grows: its size now is its peak, with the model and its fused plan (which holds
  // folded copies of the weights) both alive. The weights: every variable of the model, float32.
  const heapBytes = heap();
  const weightBytes = model.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  return { predict, fused: fusedTimes, stats: fused.stats, macs, heapBytes, planHeapBytes, weightBytes };
}

/**
 * The kernels' rate on this machine, in the same run: multiply-accumulates per second of
 * tfjs-backend-wasm (XNNPACK, one thread) on a large float32 product (196x768 by 768x3072, ViT-B's
 * MLP) and on a 3x3 convolution (56x56, 64 to 64 channels, ResNet's first stage), each the median of
 * its runs. The faster of the two is the ceiling a model's MACs are divided by.
 */
async function rate() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  const { median } = await import('./time-each.mjs');
  const a = tf.randomUniform([196, 768], -1, 1, 'float32', 1);
  const b = tf.randomUniform([768, 3072], -1, 1, 'float32', 2);
  const x = tf.randomUniform([1, 56, 56, 64], -1, 1, 'float32', 3);
  const k = tf.randomUniform([3, 3, 64, 64], -1, 1, 'float32', 4);
  const once = (op) => async () => {
    const y = op();
    await y.data();
    y.dispose();
  };
  const [matMul, conv] = await timeEach([once(() => tf.matMul(a, b)), once(() => tf.conv2d(x, k, 1, 'same'))], runs, warmup);
  // MACs: rows x inner x columns; output pixels x output channels x (input channels x kernel taps), 'same' padding.
  const matMulMacs = a.shape[0] * a.shape[1] * b.shape[1];
  const convMacs = x.shape[1] * x.shape[2] * k.shape[3] * k.shape[2] * k.shape[0] * k.shape[1];
  tf.dispose([a, b, x, k]);
  return { matMulMacsPerS: matMulMacs / (median(matMul) / 1e3), convMacsPerS: convMacs / (median(conv) / 1e3) };
}

async function ort(kind, file) {
  const input = new Float32Array(3 * SIZE * SIZE).map((_, i) => Math.sin(i));
  if (kind === 'ort-web') {
    const ortWeb = await import('onnxruntime-web');
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(readFileSync(file), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    const x = new ortWeb.Tensor('float32', input, [1, 3, SIZE, SIZE]);
    const [times] = await timeEach([() => session.run({ [session.inputNames[0]]: x })], runs, warmup);
    return { times };
  }
  const ortNode = await import('onnxruntime-node');
  const session = await ortNode.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const x = new ortNode.Tensor('float32', input, [1, 3, SIZE, SIZE]);
  const [times] = await timeEach([() => session.run({ [session.inputNames[0]]: x })], runs, warmup);
  return { times };
}

const result = runtime === 'tfjs' ? await tfjs(target) : runtime === 'rate' ? await rate() : await ort(runtime, target);
process.stdout.write(`${JSON.stringify(result)}\n`);
// onnxruntime-web's wasm threads and tfjs's backend can keep the event loop alive.
process.exit(0);
