// What the weight file of every catalog model weighs as float32, float16, uint8 and uint16 (the
// formats `zoo convert --quantize` writes), and what each costs: the max relative error of the
// logits against float32's (max |q − f32| / max |f32|) for one seeded image at the model's default
// input, on the wasm backend with one thread. Weights are test-support's perturbed random ones
// (`seedWeights`: He-uniform kernels, non-trivial norms and biases, BatchNorm statistics measured
// on a seeded batch; nothing can be downloaded here), the same bits on every run. Beside them, the
// float32 model's error for the same image with each value times 1 ± 2⁻¹¹ (float16's precision):
// how much the model, with these weights, amplifies a change that small. Then the
// Fashion-MNIST check: MobileNetV3-Small fine-tuned exactly as packages/mobile/test/fine-tune.test.ts
// does, quantized at the end of its unfrozen phase, each format's accuracy on the 1000 held-out
// images and its top-1 agreement with float32 (the share of images whose argmax is float32's).
// Writes measured/quantization.json, which the model cards and the quantization guide show.
//
// A script, not a test: run it by hand (`pnpm --filter @zoo/docs measure:quantization`), then
// `npx biome format --write measured/quantization.json`, and commit the file. Each model runs in a
// child process of its own (a wasm heap only grows: ViT-H/14's 2.5 GB of float32 would stay), one
// after the other (about 35 minutes on 2 cores; ViT-H/14 alone 5 minutes and a 12 GB peak). `--resume` keeps the models an interrupted run already wrote; model names
// measure only those and print them (the file is not written); `--no-fashion-mnist` skips the
// fine-tuning.
//
// seedWeights and the fine-tuning recipe are @zoo/test-support's (private): imported from its built
// dist by path, as packages/bench/scripts/fine-tune.mjs does (build it first:
// `pnpm turbo run build --filter=@zoo/docs... --filter=@zoo/test-support`).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const app = dirname(dirname(self));
const out = join(app, 'measured', 'quantization.json');
const SUPPORT = join(app, '..', '..', 'packages', 'test-support', 'dist');
const support = (file) => pathToFileURL(join(SUPPORT, file)).href;
const SEED = 0;
const DTYPES = ['float16', 'uint8', 'uint16'];
// The options of packages/mobile/test/fine-tune.test.ts, exactly.
const FINE_TUNE = {
  model: 'mobilenet_v3_small',
  options: {
    size: 32,
    batch: 32,
    frozenSteps: 200,
    unfrozenSteps: 60,
    lr: [3e-3, 3e-4],
    unfreeze: ['features.9', 'features.10', 'features.11', 'features.12', 'classifier.0'],
  },
};
const FASHION = '--fashion-mnist';

const args = process.argv.slice(2);
const child = args.indexOf('--child');

/** The wasm backend with one thread, as measure-latency.mjs sets it. */
async function wasm() {
  const { getThreadsCount, setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const tf = await import('@tensorflow/tfjs-core');
  setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  return { tf, threads: getThreadsCount() };
}

const vmHwm = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
};

/** Every registered model, by the front door. */
async function catalog() {
  // Every family package of the workspace, found by its manifest, registered with the front door.
  await (await import('@zoo/profiler/node')).discoverFamilies(import.meta.dirname);
  return (await import('@zoo/core-blocks')).listModels();
}

if (child >= 0) {
  const what = args[child + 1];
  const { tf, threads } = await wasm();
  const t0 = performance.now();
  const before = tf.memory().numTensors;
  const result = what === FASHION ? await fashionMnist(tf) : await oneModel(what);
  const r = {
    ...result,
    threads,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    leakedTensors: tf.memory().numTensors - before,
    peakRssBytes: vmHwm(),
  };
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

async function oneModel(name) {
  const { measureQuantization } = await import(support('quantization.js'));
  const { getModel } = await import('@zoo/core-blocks');
  await catalog();
  return measureQuantization(await getModel(name), { seed: SEED, dtypes: DTYPES });
}

async function fashionMnist(tf) {
  const { fineTuneFashionMnist, fashionAccuracy, fashionBatch } = await import(support('fine-tune.js'));
  const { readFashionMnist } = await import(support('fashion-mnist.js'));
  const { disposeModel, modelJsonBytesOf, quantizedCopyOf, saveArtifacts, weightBytesOf } = await import(support('quantization.js'));
  const { getModel } = await import('@zoo/core-blocks');
  const { sealArtifacts } = await import('@zoo/core-blocks/family');
  await catalog();
  const entry = await getModel(FINE_TUNE.model);
  const size = FINE_TUNE.options.size;
  const test = readFashionMnist('t10k');
  // fineTuneFashionMnist's held-out images: the first 1000 of t10k.
  const testIdx = Array.from({ length: 1000 }, (_, i) => i);
  const argmaxes = async (model) => {
    const picks = [];
    for (let i = 0; i < testIdx.length; i += 100) {
      const { x, y } = fashionBatch(test, testIdx.slice(i, i + 100), size);
      const top = tf.tidy(() => tf.argMax(model.predict(x), -1));
      picks.push(...(await top.data()));
      tf.dispose([x, y, top]);
    }
    return picks;
  };
  let formats = null;
  const r = await fineTuneFashionMnist(entry, {
    ...FINE_TUNE.options,
    onPhase: async (phase, when, model) => {
      if (phase !== 'unfrozen' || when !== 'end') return;
      const reference = await argmaxes(model);
      const artifacts = await saveArtifacts(model);
      formats = {
        float32: {
          accuracy: await fashionAccuracy(model, test, testIdx, size),
          agreement: 1,
          bytesOnDisk: weightBytesOf(artifacts) + modelJsonBytesOf(await sealArtifacts(artifacts)),
        },
      };
      for (const dtype of DTYPES) {
        const copy = await quantizedCopyOf(artifacts, dtype);
        try {
          const picks = await argmaxes(copy.model);
          formats[dtype] = {
            accuracy: await fashionAccuracy(copy.model, test, testIdx, size),
            agreement: picks.filter((p, i) => p === reference[i]).length / reference.length,
            bytesOnDisk: copy.weightBytes + copy.modelJsonBytes,
            quantized: copy.report.quantized.length,
            keptFloat32: copy.report.kept.length,
            unrepresentable: copy.report.unrepresentable.length,
          };
        } finally {
          disposeModel(copy.model);
        }
      }
    },
  });
  return {
    model: FINE_TUNE.model,
    options: FINE_TUNE.options,
    testImages: r.testImages,
    majorityShare: r.majorityShare,
    frozenAccuracy: r.frozen.accuracy,
    unfrozenAccuracy: r.unfrozen.accuracy,
    formats,
  };
}

const run = (what) =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [self, '--child', what], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d) => {
      text += d;
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (code !== 0) reject(new Error(`exited with ${signal ?? code}`));
      else resolve(JSON.parse(text.trim().split('\n').pop()));
    });
  });

const resume = args.includes('--resume');
const only = args.filter((a) => !a.startsWith('--'));
const names = (await catalog()).map((e) => e.name).filter((n) => !only.length || only.includes(n));
const { tf, threads } = await wasm();
const previous = resume && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null;
const models = { ...(previous?.models ?? {}) };
const notes = [...(previous?.notes ?? [])];
let fashion = previous?.fashionMnist ?? null;
const started = Date.now() - (previous?.durationS ?? 0) * 1000;
const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));

const mib = (b) => (b / 2 ** 20).toFixed(1);
const sci = (e) => e.toExponential(1);
const cols = ['model', 'float32 MiB', 'float16 MiB / error', 'uint8 MiB / error', 'uint16 MiB / error', 'image ±2^-11', 's'];
const widths = [22, 12, 20, 20, 20, 12, 6];
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(line(cols));
for (const name of names.filter((n) => !(n in models))) {
  // A model measured again (after an interrupted run) keeps none of its old notes.
  for (let i = notes.length - 1; i >= 0; i--) if (notes[i].startsWith(`${name}: `)) notes.splice(i, 1);
  let r;
  try {
    r = await run(name);
  } catch (err) {
    notes.push(`${name}: not measured, the child process ${err.message}`);
    console.log(`${name}: failed, ${err.message}`);
    continue;
  }
  const f = r.formats;
  for (const n of r.notes) notes.push(`${name}: ${n}`);
  const unrepresentable = DTYPES.filter((d) => f[d].unrepresentable > 0);
  if (unrepresentable.length) notes.push(`${name}: kernels kept float32 as unrepresentable in ${unrepresentable.join(', ')}`);
  if (r.leakedTensors !== 0) notes.push(`${name}: ${r.leakedTensors} tensors left behind`);
  models[name] = {
    inputSize: r.inputSize,
    weights: r.weights,
    formats: Object.fromEntries(
      ['float32', ...DTYPES].map((d) => [d, { ...f[d], maxRelativeLogitError: Number(f[d].maxRelativeLogitError.toPrecision(3)) }]),
    ),
    inputRoundingError: Number(r.inputRoundingError.toPrecision(3)),
    seconds: r.seconds,
    peakRssBytes: r.peakRssBytes,
  };
  console.log(
    line([
      name,
      mib(f.float32.bytesOnDisk),
      ...DTYPES.map((d) => `${mib(f[d].bytesOnDisk)} / ${sci(f[d].maxRelativeLogitError)}`),
      sci(r.inputRoundingError),
      r.seconds.toFixed(0),
    ]),
  );
  if (!only.length) write(false);
}

if (!only.length && !args.includes('--no-fashion-mnist') && !fashion) {
  console.log(
    `\nfine-tuning ${FINE_TUNE.model} on Fashion-MNIST (${FINE_TUNE.options.frozenSteps} + ${FINE_TUNE.options.unfrozenSteps} steps)...`,
  );
  try {
    fashion = await run(FASHION);
    if (fashion.leakedTensors !== 0) notes.push(`Fashion-MNIST: ${fashion.leakedTensors} tensors left behind`);
    const rows = ['float32', ...DTYPES].map(
      (d) =>
        `${d.padEnd(8)}  accuracy ${fashion.formats[d].accuracy.toFixed(3)}  agreement with float32 ${(100 * fashion.formats[d].agreement).toFixed(1)} %`,
    );
    console.log(
      `${FINE_TUNE.model}, ${fashion.testImages} held-out images (the commonest class ${(100 * fashion.majorityShare).toFixed(1)} %), ` +
        `accuracy after the frozen phase ${fashion.frozenAccuracy.toFixed(3)}, after the unfrozen one ${fashion.unfrozenAccuracy.toFixed(3)}, in ${fashion.seconds} s:\n${rows.join('\n')}`,
    );
  } catch (err) {
    notes.push(`Fashion-MNIST: not measured, the child process ${err.message}`);
    console.log(`Fashion-MNIST: failed, ${err.message}`);
  }
}

function write(complete) {
  const file = {
    description:
      'Bytes on disk (weight shards and model.json, as `zoo convert --quantize` writes them) of every model as float32, float16, uint8 and uint16, ' +
      'and each format’s max relative logit error against float32 (max |q − f32| / max |f32|) for one seeded image at the model’s default input; ' +
      'inputRoundingError: the float32 model’s error for the same image with each value times 1 ± 2^-11 (seeded), its sensitivity to a change of float16’s precision. ' +
      'Weights: @zoo/test-support’s seedWeights (He-uniform kernels, biases and betas ±0.05, gammas 1 ± 0.1, layer scales 0.05 to 0.15, other tensors ±0.02, ' +
      'BatchNorm statistics measured on a seeded batch of two images); image: seededImage (uniform ±2). ' +
      'fashionMnist: MobileNetV3-Small fine-tuned as packages/mobile/test/fine-tune.test.ts does, quantized after its unfrozen phase; ' +
      'each format’s held-out accuracy and top-1 agreement with float32 on 1000 t10k images.',
    measuredAt: new Date().toISOString(),
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    tfjs: tf.version_core,
    backend: 'wasm',
    threads,
    seed: SEED,
    durationS: Math.round((Date.now() - started) / 1000),
    loadAverage: { atStart: loadAtStart, now: loadavg().map((l) => Number(l.toFixed(2))) },
    notes,
    complete,
    models,
    fashionMnist: fashion,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

const complete = names.every((n) => n in models) && (args.includes('--no-fashion-mnist') || fashion !== null);
const file = only.length ? null : write(complete);
if (only.length) console.log(JSON.stringify(models, null, 2));
console.log(
  `quantization: ${Object.keys(models).length} models in ${Math.round((Date.now() - started) / 1000)} s${file ? ` → ${out}` : ' (not written: a subset)'}`,
);
