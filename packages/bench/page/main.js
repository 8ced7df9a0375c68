// The page of scripts/browser-threads.mjs, bundled by Vite: the zoo's fused plan on
// tfjs-backend-wasm and onnxruntime-web's wasm backend, both with the same thread count, timed
// interleaved in one page (a change in the machine's load hits both alike). The page is served
// cross-origin isolated, so both run their threaded builds.
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@zoo/cnn-classic/register';
import { getModel } from '@zoo/core-blocks';
import { compile } from '@zoo/fused';
import '@zoo/mobile/register';
import '@zoo/transformers/register';
import { median, timeEach } from '../scripts/time-each.mjs';

const SIZE = 224;
window.bench = async ({ threads, models, runs, warmup }) => {
  setWasmPaths('/tfjs-wasm/');
  setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not start');
  // Served as it is, not bundled: onnxruntime-web loads its own .mjs and .wasm from /ort/.
  const ort = await import(/* @vite-ignore */ `${location.origin}/ort/ort.wasm.min.mjs`);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = '/ort/';
  const out = { isolated: globalThis.crossOriginIsolated, tfjsThreads: getThreadsCount(), models: [] };
  for (const name of models) {
    const model = (await getModel(name)).create({ inputShape: [SIZE, SIZE, 3] });
    const plan = compile(model);
    const x = tf.randomUniform([1, SIZE, SIZE, 3], -1, 1, 'float32', 1);
    const passes = [
      async () => {
        const y = plan.predict(x);
        await y.data();
        y.dispose();
      },
    ];
    const res = await fetch(`/onnx/${name}.onnx`);
    let session = null;
    if (res.ok) {
      session = await ort.InferenceSession.create(new Uint8Array(await res.arrayBuffer()), {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      const input = new ort.Tensor(
        'float32',
        new Float32Array(3 * SIZE * SIZE).map((_, i) => Math.sin(i)),
        [1, 3, SIZE, SIZE],
      );
      passes.push(() => session.run({ [session.inputNames[0]]: input }));
    }
    const times = await timeEach(passes, runs, warmup);
    out.models.push({ model: name, fusedMs: median(times[0]), ortWebMs: session ? median(times[1]) : null });
    await session?.release();
    x.dispose();
    plan.dispose();
    model.dispose();
  }
  return out;
};
