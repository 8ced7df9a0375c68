// `pnpm --filter @zoo/bench browser-threads [models] [--runs N] [--warmup N] [--threads 1,2]`:
// the zoo's fused plan on TensorFlow.js's threaded wasm build against onnxruntime-web's, at the
// same thread count, in one page of headless Chromium (Debian's, through playwright-core) served
// from 127.0.0.1 with the headers that make it cross-origin isolated: the supported way to run
// threads (scripts/threads.mjs does it in Node through unsupported shims). Each thread count gets
// a fresh page; within a page both runtimes are timed interleaved, batch 1 at 224x224. Prints a
// table; writes nothing. onnxruntime-web needs the ONNX files a `pnpm bench` run exports into
// .cache/ (a model without one shows only the fused plan).
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '@zoo/test-support/browser';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1,2' },
  },
});
const models = (positionals[0] ?? 'mobilenet_v2,resnet50,convnext_tiny,swin_t,vit_b_16').split(',');
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const threadCounts = values.threads.split(',').map(Number);
if (!(Number.isInteger(runs) && runs >= 3 && Number.isInteger(warmup) && warmup >= 0))
  throw new Error('--runs must be >= 3, --warmup >= 0');
if (!threadCounts.every((n) => Number.isInteger(n) && n >= 1))
  throw new Error(`--threads must be whole numbers >= 1, got ${values.threads}`);

// The page, bundled once per run into the (gitignored) cache.
const out = join(pkg, '.cache', 'browser-page');
mkdirSync(out, { recursive: true });
await build({
  root: join(pkg, 'page'),
  logLevel: 'warn',
  build: { outDir: out, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 8000 },
  resolve: { dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@zoo/core-blocks'] },
});

/** The `dist/` folder of an installed package (neither exports its package.json). */
const resolveDist = (name) => {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'dist');
};
const MOUNTS = [
  ['/tfjs-wasm/', resolveDist('@tensorflow/tfjs-backend-wasm')],
  ['/ort/', resolveDist('onnxruntime-web')],
  ['/onnx/', join(pkg, '.cache')],
  ['/', out],
];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const [mount, dir] = MOUNTS.find(([m]) => path.startsWith(m));
  let file = join(dir, path.slice(mount.length));
  if (path === '/') file = join(out, 'index.html');
  if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    // Cross-origin isolation: SharedArrayBuffer, so both threaded builds run.
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launchChromium();
const results = new Map();
try {
  for (const threads of threadCounts) {
    const context = await browser.newContext();
    // tfjs-backend-wasm caps its thread pool at half the cores navigator.hardwareConcurrency
    // reports (one thread on a 2-core machine): the page is told of twice the cores, so that the
    // thread count asked for can run.
    const reported = 2 * Math.max(...threadCounts, cpus().length);
    await context.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), reported);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await page.goto(url);
    await page.waitForFunction(() => typeof window.bench === 'function');
    const missing = models.filter((m) => !existsSync(join(pkg, '.cache', `${m}.onnx`)));
    process.stderr.write(
      `${threads} thread(s): ${models.join(', ')}${missing.length ? ` (no ONNX file for ${missing.join(', ')})` : ''}...\n`,
    );
    const r = await page.evaluate((args) => window.bench(args), { threads, models, runs, warmup });
    if (!r.isolated) throw new Error('the page is not cross-origin isolated: the threaded builds cannot run');
    if (r.tfjsThreads !== threads) throw new Error(`tfjs-backend-wasm runs ${r.tfjsThreads} thread(s), asked for ${threads}`);
    results.set(threads, r.models);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const fmt = (v) => (v == null ? '-' : v.toFixed(1));
const ratio = (a, b) => (a == null || b == null ? '' : `${(a / b).toFixed(2)}x`);
const cols = ['model'];
for (const t of threadCounts) cols.push(`fused ${t}t ms`, `ort-web ${t}t ms`, `ort-web/fused ${t}t`);
if (threadCounts.length > 1) cols.push(`fused ${threadCounts.at(-1)}t gain`, `ort-web ${threadCounts.at(-1)}t gain`);
const rows = models.map((m, i) => {
  const row = [m];
  for (const t of threadCounts) {
    const r = results.get(t)[i];
    row.push(fmt(r.fusedMs), fmt(r.ortWebMs), ratio(r.ortWebMs, r.fusedMs));
  }
  if (threadCounts.length > 1) {
    const [a, b] = [results.get(threadCounts[0])[i], results.get(threadCounts.at(-1))[i]];
    row.push(ratio(a.fusedMs, b.fusedMs), ratio(a.ortWebMs, b.ortWebMs));
  }
  return row;
});
const widths = cols.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
const line = (r) => r.map((v, k) => (k === 0 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  ');
console.log(
  `headless Chromium, cross-origin isolated; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0].toFixed(2)}; median of ${runs} runs after ${warmup}`,
);
console.log(line(cols));
for (const r of rows) console.log(line(r));
process.exit(0);
