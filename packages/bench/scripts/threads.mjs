// `pnpm --filter @zoo/bench threads`: what a second thread gives on this machine, for the fused
// path on tfjs-backend-wasm (through the unsupported shims of node-wasm-threads.mjs) and for
// onnxruntime-web, batch 1 at 224x224, median of 10 runs after 3 warm-up runs, each in a process
// of its own. Prints a table; writes nothing. Needs the ONNX files of a `pnpm bench` run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, zooEntry } from './zoo.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MODELS = (process.argv[2] ?? 'resnet50,mobilenet_v2,efficientnet_b0,convnext_tiny').split(',');
const RUNS = 10;
const WARMUP = 3;

if (process.argv[2] === '--one') {
  const [, , , runtime, model, threadsArg] = process.argv;
  const threads = Number(threadsArg);
  let run;
  if (runtime === 'tfjs') {
    const { enableWasmThreads } = await import('./node-wasm-threads.mjs');
    if (threads > 1) enableWasmThreads(threads);
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (threads > 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    await tf.setBackend('wasm');
    if (wasm.getThreadsCount() !== threads) throw new Error(`asked for ${threads} threads, got ${wasm.getThreadsCount()}`);
    const { compile } = await import('@zoo/fused');
    const model_ = (await zooEntry(model)).create({ inputShape: [224, 224, 3] });
    const fused = compile(model_);
    const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 1);
    run = async () => {
      const y = fused.predict(x);
      await y.data();
      y.dispose();
    };
  } else {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = threads;
    const session = await ort.InferenceSession.create(readFileSync(join(here, '..', '.cache', `${model}.onnx`)), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    const x = new ort.Tensor(
      'float32',
      new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i)),
      [1, 3, 224, 224],
    );
    run = () => session.run({ [session.inputNames[0]]: x });
  }
  const times = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    await run();
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  process.stdout.write(`${median(times)}\n`);
  process.exit(0);
}

const measure = (runtime, model, threads) => {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', runtime, model, String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${runtime} ${model} x${threads} failed:\n${r.stderr.slice(-2000)}`);
  return Number(r.stdout.trim().split('\n').pop());
};
console.log(`${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}; median ms of ${RUNS} runs`);
console.log(['model', 'fused x1', 'fused x2', 'gain', 'ort-web x1', 'ort-web x2', 'gain'].join('\t'));
for (const model of MODELS) {
  const row = [model];
  for (const runtime of ['tfjs', 'ort-web']) {
    if (runtime === 'ort-web' && !existsSync(join(here, '..', '.cache', `${model}.onnx`))) {
      row.push('-', '-', '-');
      continue;
    }
    const one = measure(runtime, model, 1);
    const two = measure(runtime, model, 2);
    row.push(one.toFixed(1), two.toFixed(1), `${(one / two).toFixed(2)}x`);
  }
  console.log(row.join('\t'));
}
