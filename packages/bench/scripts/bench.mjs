// `pnpm bench`: batch-1 latency at 224x224 of tfjs-layers `predict` and the fused path
// (`@zoo/fused`) on the wasm backend, against onnxruntime-web (wasm) and onnxruntime-node on the
// same architectures exported from torchvision, all on one thread. Each model and runtime runs in
// a process of its own; the table goes to stdout, the figures to
// apps/docs/measured/inference-bench.json.
//   pnpm bench [--runs 10] [--warmup 5] [--models resnet50,mobilenet_v2]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './zoo.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const cache = join(here, '..', '.cache');
const out = join(root, 'apps', 'docs', 'measured', 'inference-bench.json');
const PYTHON = '/usr/bin/python3';
const MODELS = [
  'resnet50',
  'mobilenet_v2',
  'mobilenet_v3_small',
  'efficientnet_b0',
  'shufflenet_v2_x1_0',
  'convnext_tiny',
  'vit_b_16',
  'swin_t',
  'efficientnet_b3',
  'densenet121',
  'hrnet_w18',
  'edgevit_s',
];
const TRANSFORMERS = new Set(['vit_b_16', 'swin_t']);

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, warmup: { type: 'string', default: '5' }, models: { type: 'string' } },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
if (!(Number.isInteger(runs) && runs >= 10)) throw new Error(`--runs must be an integer >= 10, got ${values.runs}`);
const models = values.models ? values.models.split(',') : MODELS;

const round = (v) => (v == null ? null : Math.round(v * 10) / 10);

/** The torchvision model as ONNX, exported once into the (gitignored) cache. */
function onnxFile(model) {
  const file = join(cache, `${model}.onnx`);
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    process.stderr.write(`exporting ${model} from torchvision to ONNX...\n`);
    execFileSync(PYTHON, [join(here, 'export_onnx.py'), model, `${file}.tmp`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONPATH: join(root, '.cache', 'python') },
    });
    renameSync(`${file}.tmp`, file);
  }
  return file;
}

function runOne(runtime, target) {
  const r = spawnSync(process.execPath, [join(here, 'run-one.mjs'), runtime, target, String(runs), String(warmup)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${runtime} ${target} failed:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const notes = [
  `Batch 1, 224x224, one thread everywhere; median of ${runs} timed runs after ${warmup} warm-up runs, each model and runtime in a process of its own.`,
  'predictMs: tfjs-layers LayersModel.predict on @tensorflow/tfjs-backend-wasm (SIMD, single-threaded: TF.js does not use wasm threads in Node). fusedMs: the same model compiled by @zoo/fused, same backend; the two are timed interleaved, run by run.',
  'ortWebMs: onnxruntime-web (wasm, SIMD, numThreads 1) in Node; ortNodeMs: onnxruntime-node, CPU provider, intra- and inter-op threads 1. Both run the torchvision model exported with torch.onnx (opset 13) by Debian PyTorch, graph optimisation level "all"; null where a runtime failed.',
  'Weights are random: latency does not depend on their values.',
];
const loadBefore = loadavg()[0];
// The ceiling: the kernels' own rate on this machine, in this run.
process.stderr.write('kernel rate...\n');
const kernels = runOne('rate', '-');
const ceilingRate = Math.max(kernels.matMulMacsPerS, kernels.convMacsPerS);
notes.push(
  `Kernel rate in this run (tfjs-backend-wasm, XNNPACK, one thread): ${(kernels.matMulMacsPerS / 1e9).toFixed(1)} GMAC/s on a 196x768 by 768x3072 product, ` +
    `${(kernels.convMacsPerS / 1e9).toFixed(1)} GMAC/s on a 3x3 convolution (56x56, 64 to 64 channels). ceilingMs: the model's MACs (convolutions, dense layers, attention products) at the faster of the two.`,
);
const MB = 2 ** 20;
/** Room for one call's activations and the backend's own allocations, past what the plan keeps resident. */
const PLAN_HEAP_SLACK_MB = 96;
const rows = [];
for (const model of models) {
  process.stderr.write(`${model}: tfjs...\n`);
  const t = runOne('tfjs', model);
  const row = {
    model,
    predictMs: round(median(t.predict)),
    fusedMs: round(median(t.fused)),
    ortWebMs: null,
    ortNodeMs: null,
    gmacs: Math.round(t.macs / 1e7) / 100,
    ceilingMs: round((t.macs / ceilingRate) * 1e3),
    weightsMB: round(t.weightBytes / MB),
    heapMB: round(t.heapBytes / MB),
    // What the plan keeps resident on wasm by its own account (model weights, folded copies,
    // XNNPACK's packed copies), and the heap measured after the plan alone had run.
    residentMB: round((t.stats.wasm.modelBytes + t.stats.wasm.foldedBytes + t.stats.wasm.packedBytes) / MB),
    planHeapMB: round(t.planHeapBytes / MB),
  };
  let file = null;
  try {
    file = onnxFile(model);
  } catch (err) {
    const why =
      String(err.stderr ?? '')
        .trim()
        .split('\n')
        .pop() || String(err.message).split('\n')[0];
    notes.push(`${model}: no ONNX export (${why}).`);
  }
  for (const [key, runtime] of [
    ['ortWebMs', 'ort-web'],
    ['ortNodeMs', 'ort-node'],
  ]) {
    if (!file) continue;
    process.stderr.write(`${model}: ${runtime}...\n`);
    try {
      row[key] = round(median(runOne(runtime, file).times));
    } catch (err) {
      notes.push(`${model}: ${runtime} failed (${String(err.message).split('\n')[0]}).`);
    }
  }
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}

const ratio = (a, b) => (a == null || b == null ? '' : `${(a / b).toFixed(2)}x`);
const geomean = (xs) => Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
const table = [
  [
    'model',
    'GMAC',
    'predict ms',
    'fused ms',
    'ort-web ms',
    'ort-node ms',
    'predict/fused',
    'ort-web/fused',
    'ort-node/fused',
    'ceiling ms',
    'fused/ceiling',
    'weights MB',
    'resident MB',
    'plan heap MB',
    'heap MB',
  ],
  ...rows.map((r) => [
    r.model,
    r.gmacs,
    r.predictMs,
    r.fusedMs,
    r.ortWebMs ?? '-',
    r.ortNodeMs ?? '-',
    ratio(r.predictMs, r.fusedMs),
    ratio(r.ortWebMs, r.fusedMs),
    ratio(r.ortNodeMs, r.fusedMs),
    r.ceilingMs,
    ratio(r.fusedMs, r.ceilingMs),
    r.weightsMB,
    r.residentMB,
    r.planHeapMB,
    r.heapMB,
  ]),
].map((cells) => cells.map(String));
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
const speedup = geomean(rows.map((r) => r.predictMs / r.fusedMs));
console.log(`\npredict / fused, geometric mean: ${speedup.toFixed(2)}x (target >= 1.5x)`);
const slower = rows.filter((r) => !TRANSFORMERS.has(r.model) && r.ortWebMs != null && r.fusedMs > r.ortWebMs).map((r) => r.model);
console.log(`CNNs where the fused path is slower than onnxruntime-web: ${slower.length ? slower.join(', ') : 'none'}`);
const short = rows
  .filter((r) => r.ortWebMs != null && r.ortWebMs / r.fusedMs < 1.25)
  .map((r) => `${r.model} ${ratio(r.ortWebMs, r.fusedMs)}`);
console.log(`Models under 1.25x onnxruntime-web: ${short.length ? short.join(', ') : 'none'}`);
const far = rows.filter((r) => r.fusedMs / r.ceilingMs > 1.3).map((r) => `${r.model} ${ratio(r.fusedMs, r.ceilingMs)}`);
console.log(`Models more than 1.3x their wasm ceiling: ${far.length ? far.join(', ') : 'none'}`);
// The plan's heap bound: what it keeps resident, plus one call's activations and the wasm heap's
// growth step (emscripten grows by 20% of the heap, at most 96 MiB past the request), which
// PLAN_HEAP_SLACK_MB and the 1.2 factor cover.
const over = rows.filter((r) => r.planHeapMB > 1.2 * r.residentMB + PLAN_HEAP_SLACK_MB).map((r) => `${r.model} ${r.planHeapMB} MB`);
console.log(`Plans whose heap exceeds 1.2 x resident + ${PLAN_HEAP_SLACK_MB} MB: ${over.length ? over.join(', ') : 'none'}`);
const loadAfter = loadavg()[0];
// The benchmark itself keeps one CPU busy: a load average near 1 means nothing else ran.
const quiet = Math.max(loadBefore, loadAfter) < 1.5;
notes.push(
  `Load average (1 min) ${loadBefore.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end on ${cpus().length} CPUs: ` +
    (quiet
      ? 'nothing else ran on the machine.'
      : 'other processes shared the machine, so absolute times are inflated and noisy; the interleaved predict/fused ratio is the most robust figure.'),
);
notes.push(`predict / fused, geometric mean over the models: ${speedup.toFixed(2)}x.`);

const python = spawnSync(PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__, torchvision.__version__)'], {
  encoding: 'utf8',
});
if (python.status === 0) notes.push(`ONNX exported with torch ${python.stdout.trim().replace(' ', ', torchvision ')}.`);
const cpuList = cpus();
const result = {
  generatedAt: new Date().toISOString(),
  machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? 'unknown', node: process.version, threads: 1 },
  kernels: { matMulGmacPerS: Math.round(kernels.matMulMacsPerS / 1e7) / 100, convGmacPerS: Math.round(kernels.convMacsPerS / 1e7) / 100 },
  models: rows,
  notes,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${out}`);
