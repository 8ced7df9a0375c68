// `pnpm --filter @zoo/bench fine-tune [--backends cpu,wasm] [--model mobilenet_v3_small]
// [--frozen-steps 200] [--unfrozen-steps 60] [--size 32] [--batch 32] [--json]`: the fine-tuning
// recipe of apps/docs/content/guides/fine-tuning.md on Fashion-MNIST (Debian's
// dataset-fashion-mnist), the one packages/mobile/test/fine-tune.test.ts checks, on each backend
// in a fresh child process (a wasm heap only grows): a checkpoint loaded with a new 10-class head,
// the backbone frozen while the head trains, then its last stage unfrozen. Prints, per backend and
// phase, the held-out accuracy (1000 t10k images), steps per second, the last 20 steps' mean loss,
// and memory: the peak of the backend's tensors (tf.memory().numBytes), the wasm heap
// (the size of its HEAPU8, its high-water mark: it never shrinks) and the process's peak RSS (VmHWM). A benchmark that
// prints what it measures, not a test: nothing is compared with a typed-in figure.
//
// cpu is tfjs-backend-cpu as users get it (not the tests' faster gradient kernels), so it is slow:
// pass fewer steps to try it (`--backends cpu --frozen-steps 20 --unfrozen-steps 5`).
//
// The recipe is @zoo/test-support's (private, not a dependency of this package): imported from
// its built dist, beside this package's own @zoo/mobile (build both first: the root's
// `turbo run build --filter=@zoo/bench... --filter=@zoo/test-support`); tfjs-backend-cpu too, as
// test-support resolves it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
const SUPPORT = join(here, '..', '..', 'test-support');
const RECIPE = pathToFileURL(join(SUPPORT, 'dist', 'fine-tune.js')).href;
// tfjs-backend-cpu, as test-support (its dependent) resolves it: this package does not list it.
const CPU_BACKEND = pathToFileURL(createRequire(join(SUPPORT, 'package.json')).resolve('@tensorflow/tfjs-backend-cpu')).href;

const LAST_STAGE = {
  mobilenet_v3_small: ['features.9', 'features.10', 'features.11', 'features.12', 'classifier.0'],
  mobilenet_v3_large: ['features.13', 'features.14', 'features.15', 'features.16', 'classifier.0'],
  mobilenet_v2: ['features.15', 'features.16', 'features.17', 'features.18'],
  resnet18: ['layer4'],
  resnet50: ['layer4'],
};

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'cpu,wasm' },
    model: { type: 'string', default: 'mobilenet_v3_small' },
    'frozen-steps': { type: 'string', default: '200' },
    'unfrozen-steps': { type: 'string', default: '60' },
    size: { type: 'string', default: '32' },
    batch: { type: 'string', default: '32' },
    json: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

const vmHwm = () => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
  } catch {
    return process.resourceUsage().maxRSS * 1024;
  }
};

if (args.child) {
  const backend = args.child;
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  await import(CPU_BACKEND);
  const { fineTuneFashionMnist } = await import(RECIPE);
  const zoo = { ...(await import('@zoo/mobile')), ...(await import('@zoo/cnn-classic')) };
  const entry = zoo[args.model];
  if (!entry?.create) throw new Error(`No model ${args.model} in @zoo/mobile or @zoo/cnn-classic.`);
  const unfreeze = LAST_STAGE[args.model];
  if (!unfreeze) throw new Error(`No last stage known for ${args.model}; known: ${Object.keys(LAST_STAGE).join(', ')}.`);
  await tf.setBackend(backend);
  let wasmHeap = 0;
  const r = await fineTuneFashionMnist(entry, {
    size: Number(args.size),
    batch: Number(args.batch),
    frozenSteps: Number(args['frozen-steps']),
    unfrozenSteps: Number(args['unfrozen-steps']),
    lr: [3e-3, 3e-4],
    unfreeze,
    onStep: () => {
      wasmHeap = Math.max(wasmHeap, tf.backend().wasm?.HEAPU8?.byteLength ?? 0);
    },
  });
  const out = { backend, ...r, trainable: undefined, wasmHeapBytes: wasmHeap || null, peakRssBytes: vmHwm() };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

const runChild = (backend) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, ...process.argv.slice(2).filter((a) => a !== '--json'), '--child', backend], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`fine-tune on ${backend} exited with ${code}`));
      else resolve(JSON.parse(text.trim().split('\n').pop()));
    });
  });

const results = [];
for (const backend of args.backends.split(',')) {
  console.error(`fine-tune: ${args.model} on ${backend}...`);
  results.push(await runChild(backend));
}
const mb = (b) => (b == null ? '-' : (b / 2 ** 20).toFixed(0));
const rows = [
  [
    'backend',
    'phase',
    'steps',
    'held-out acc',
    'steps/s',
    'loss (last 20)',
    'trainable params',
    'tensors MB',
    'wasm heap MB',
    'peak RSS MB',
  ],
];
for (const r of results) {
  for (const phase of ['frozen', 'unfrozen']) {
    const p = r[phase];
    rows.push([
      r.backend,
      phase,
      String(p.steps),
      p.accuracy.toFixed(3),
      p.stepsPerSecond.toFixed(2),
      p.loss.toFixed(3),
      String(p.trainableParams),
      mb(r.peakTensorBytes),
      mb(r.wasmHeapBytes),
      mb(r.peakRssBytes),
    ]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
const table = rows.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
console.error(
  `\n${args.model}, ${args.size} px, batch ${args.batch}, Adam 3e-3 then 3e-4; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); ` +
    `chance: the commonest held-out class is ${(results[0]?.majorityShare * 100).toFixed(1)} % of ${results[0]?.testImages} images\n${table}`,
);
if (args.json)
  process.stdout.write(`${JSON.stringify({ model: args.model, size: Number(args.size), batch: Number(args.batch), results }, null, 2)}\n`);
