// `pnpm --filter @zoo/bench load [model[:set] ...] [--runs 3] [--json]`: what `entry.load({ weights })`
// costs in time and memory against reading the same bytes. For each model (default `resnet50` and
// `vit_b_16` with torchvision's default set, and `resnet50:timm/resnet50.a1_in1k`, the hub's
// safetensors), a checkpoint of random weights is written once by PyTorch (parity's weights.py)
// into `.fixtures/bench-load/` at the workspace root (git-ignored, reused), served from 127.0.0.1,
// and each step below runs in a fresh child process that does only that one thing, so that the
// child's RSS high-water mark is the step's peak memory:
//   fetch        fetch of the bytes into an ArrayBuffer (the floor)
//   fetch+hash   the same, then SHA-256 with WebCrypto
//   parse        readCheckpoint of the bytes (read from disk first, untimed)
//   create       the model built as entry.load builds it (zero initialisers), no weights
//   state dict   loadStateDict of the parsed file into that model (file read, parsed and model built first, untimed)
//   load         entry.load({ weights, cache: false }) on tfjs-backend-wasm, through the server
//   cached load  entry.load from a warm folderCache(tmpdir)
// and, as the peer, PyTorch's torch.load (safetensors' load_file for the hub set) +
// load_state_dict of the same file, one Python process, one thread. Medians of `--runs` children
// per step, interleaved run by run. `--json`: the figures as JSON on stdout (the table to stderr).
// A benchmark that prints figures, not a test.
//
// The high-water mark is VmHWM of /proc/self/status (Linux), the peak of the child's own image.
// `process.resourceUsage().maxRSS` is not: Linux carries getrusage's maxrss across fork and exec,
// so a child's reads at least its parent's RSS at the spawn (this parent holds the file it serves).
// Elsewhere maxRSS is all there is, and is used. Both go into --json (peakMB, maxRssMB).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, zooEntry } from './zoo.mjs';

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
const root = join(here, '..', '..', '..');
const FIXTURES = join(root, '.fixtures', 'bench-load');
const WEIGHTS_PY = join(root, 'packages', 'parity', 'scripts', 'weights.py');
const PYTHON_PACKAGES = process.env.ZOO_PYTHONPATH ?? join(root, '.cache', 'python');
const PYTHON = process.env.ZOO_PYTHON ?? '/usr/bin/python3';
const DEFAULT_ITEMS = ['resnet50', 'resnet50:timm/resnet50.a1_in1k', 'vit_b_16'];
const STEPS = ['fetch', 'hash', 'parse', 'create', 'write', 'load', 'cached'];
const LABELS = {
  fetch: 'fetch',
  hash: 'fetch+hash',
  parse: 'parse',
  create: 'create',
  write: 'state dict',
  load: 'load',
  cached: 'cached load',
};
const WITH_CORE = ['parse', 'create', 'write', 'load', 'cached', 'miss'];
const WITH_TF = ['create', 'write', 'load', 'cached', 'miss'];
/** The server gives up on its own after this long, whatever the script is doing. */
const SERVER_DEADLINE_MS = 20 * 60_000;
const MB = 1e6;

if (process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3]));
  // tfjs's wasm backend can keep the event loop alive.
  process.exit(0);
}

// --- one step, in a process of its own ----------------------------------------------------------

/** A file's bytes, held once (`new Uint8Array(buffer)` would copy them). */
function fileBytes(path) {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** This process's RSS high-water mark in kB (see the top of the file). */
function highWaterKB() {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS;
}

async function child(spec) {
  let tf;
  let core;
  if (WITH_CORE.includes(spec.step)) core = await import('@zoo/core-blocks/family');
  if (WITH_TF.includes(spec.step)) {
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
  }
  const entry = tf ? await zooEntry(spec.model) : undefined;
  // Everything above is the process's baseline; the step's own memory comes on top of it.
  const beforeKB = highWaterKB();
  let ms;
  let check;
  if (spec.step === 'fetch' || spec.step === 'hash') {
    const t0 = performance.now();
    const response = await fetch(spec.url);
    if (!response.ok) throw new Error(`${spec.url}: HTTP ${response.status}`);
    const buffer = await response.arrayBuffer();
    let hex;
    if (spec.step === 'hash') hex = Buffer.from(await crypto.subtle.digest('SHA-256', buffer)).toString('hex');
    ms = performance.now() - t0;
    if (buffer.byteLength !== spec.bytes) throw new Error(`fetched ${buffer.byteLength} bytes, not ${spec.bytes}`);
    if (hex !== undefined && hex !== spec.sha256) throw new Error(`SHA-256 ${hex}, not ${spec.sha256}`);
    check = buffer.byteLength;
  } else if (spec.step === 'parse') {
    const bytes = fileBytes(spec.file);
    const t0 = performance.now();
    const checkpoint = core.readCheckpoint(bytes);
    ms = performance.now() - t0;
    check = checkpoint.keys().length;
  } else if (spec.step === 'create') {
    const t0 = performance.now();
    const model = core.withZeroInit(() => entry.create({ inputShape: [spec.inputSize, spec.inputSize, 3], numClasses: spec.classes }));
    ms = performance.now() - t0;
    check = model.countParams();
  } else if (spec.step === 'write') {
    const checkpoint = core.readCheckpoint(fileBytes(spec.file));
    const model = core.withZeroInit(() => entry.create({ inputShape: [spec.inputSize, spec.inputSize, 3], numClasses: spec.classes }));
    // The key convention the loader would recognise (timm's names, legacy ones), as entry.load reads it.
    const convention = core.detectConvention(entry.conventions ?? [], checkpoint.keys());
    const t0 = performance.now();
    const report = core.loadStateDict(model, checkpoint, { strict: true, convention });
    ms = performance.now() - t0;
    check = report.loaded.length;
  } else {
    const cache = spec.step === 'load' ? false : core.folderCache(spec.cacheDir);
    const t0 = performance.now();
    const model = await entry.load({ weights: spec.set, cache, ...spec.route, ...(spec.sha256 ? { sha256: spec.sha256 } : {}) });
    ms = performance.now() - t0;
    const source = core.weightsOf(model).source;
    const expected = spec.step === 'cached' ? `cache:${spec.url}` : spec.url;
    if (source !== expected) throw new Error(`${spec.step}: loaded from ${source}, not ${expected}`);
    check = model.countParams();
  }
  const peakKB = highWaterKB();
  const maxRssKB = process.resourceUsage().maxRSS;
  const mb = (kb) => (kb * 1024) / MB;
  process.stdout.write(`${JSON.stringify({ ms, beforeMB: mb(beforeKB), peakMB: mb(peakKB), maxRssMB: mb(maxRssKB), check })}\n`);
}

// --- the parent: fixtures, server, children, table ------------------------------------------------

function runChild(spec) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [self, '--child', JSON.stringify(spec)], { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`${spec.step} ${spec.model} ${spec.set} failed (exit ${code}):\n${err}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

function runProcess(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${err}`))));
  });
}

const pythonEnv = (timm) =>
  timm ? { ...process.env, PYTHONPATH: [PYTHON_PACKAGES, process.env.PYTHONPATH].filter(Boolean).join(':') } : process.env;

/** The set's checkpoint, written once by PyTorch in the set's own format. */
async function fixture(model, set) {
  const hub = set.publisher === 'timm';
  const dir = join(FIXTURES, `${model}-${set.name.replace(/[^\w.-]+/g, '_')}`);
  const file = join(dir, set.file.format === 'safetensors' ? 'model.safetensors' : 'checkpoint.pth');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`writing ${file} with PyTorch...\n`);
  const args = hub
    ? ['--publisher', 'timm', '--model', set.name.replace(/^timm\//, ''), '--format', 'safetensors']
    : ['--publisher', 'torchvision', '--model', model, '--set', set.name, '--format', 'zip'];
  await runProcess(PYTHON, [WEIGHTS_PY, 'checkpoint', ...args, '--checkpoint', file], pythonEnv(hub));
  return file;
}

// The peer: the reference model built first (untimed), then the file read and loaded into it.
const TORCH_PEER = `
import json, os, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import torch
from weights import timm_model, torchvision_model
torch.set_num_threads(1)
_, _, publisher, name, set_name, path, fmt, runs = sys.argv
model = timm_model(name) if publisher == "timm" else torchvision_model(name, set_name)
times = []
for _ in range(int(runs)):
    t0 = time.perf_counter()
    if fmt == "safetensors":
        from safetensors.torch import load_file
        sd = load_file(path)
    else:
        sd = torch.load(path, map_location="cpu")
    model.load_state_dict(sd)
    times.append((time.perf_counter() - t0) * 1000)
    del sd
print(json.dumps({"times": times, "torch": torch.__version__}))
`;

async function torchPeer(model, set, file, runs) {
  const hub = set.publisher === 'timm';
  const args = ['-c', TORCH_PEER, WEIGHTS_PY, set.publisher, hub ? set.name.replace(/^timm\//, '') : model, set.name, file];
  const out = await runProcess(PYTHON, [...args, set.file.format, String(runs)], pythonEnv(hub));
  return JSON.parse(out.trim().split('\n').pop());
}

/** 127.0.0.1 only; GET of the files in `routes`, 404 elsewhere; a few connections; closes itself at the deadline. */
async function serve() {
  const routes = new Map();
  const server = createServer((req, res) => {
    const bytes = req.method === 'GET' ? routes.get(req.url) : undefined;
    if (!bytes) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { connection: 'close' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
    res.end(bytes);
  });
  server.maxConnections = 4;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const deadline = setTimeout(() => {
    process.stderr.write('load.mjs: the file server reached its deadline and closed\n');
    void close();
  }, SERVER_DEADLINE_MS);
  deadline.unref();
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    routes,
    close: () => {
      clearTimeout(deadline);
      return close();
    },
  };
}

async function measure(item, runs, server, cacheDir, notes) {
  const [model, setName] = item.split(/:(.*)/s);
  const entry = await zooEntry(model);
  const { findWeightSet, fileUrl } = await import('@zoo/core-blocks/family');
  const set = findWeightSet(entry, setName || undefined);
  if (!set || set.unsupported) throw new Error(`${item}: no loadable weight set${set?.unsupported ? ` (${set.unsupported})` : ''}`);
  const file = await fixture(model, set);
  const bytes = fileBytes(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // The set's own address on the local server: the hub's layout with the endpoint pointed at it,
  // or torchvision's URL through a mirror, exactly as entry.load computes it.
  const hub = set.file.hub;
  let route;
  if (hub) route = { hubEndpoint: server.base };
  else {
    const origin = `${new URL(set.file.url).origin}/`;
    route = { mirrors: { [origin]: `${server.base}/mirror/` } };
  }
  const url = fileUrl(set.file, route);
  server.routes.clear();
  server.routes.set(new URL(url).pathname, bytes);
  // A torchvision set publishes a hash (here the served file's stands in for it); the hub's sets
  // carry none offline, so a real load of one checks nothing and neither does this one.
  const published = hub ? undefined : sha256;
  const spec = {
    model,
    set: set.name,
    url,
    file,
    bytes: bytes.length,
    sha256,
    route,
    inputSize: set.preprocessing.inputSize,
    classes: set.classes.count,
    cacheDir,
  };
  process.stderr.write(`${item}: ${(bytes.length / MB).toFixed(1)} MB, warming the folder cache...\n`);
  const miss = await runChild({ ...spec, step: 'miss', sha256: published });
  const samples = Object.fromEntries(STEPS.map((s) => [s, []]));
  for (let r = 0; r < runs; r++) {
    process.stderr.write(`${item}: run ${r + 1}/${runs}\n`);
    // Interleaved, so that a change in the machine's load hits every step alike.
    for (const step of STEPS) {
      const s = step === 'load' || step === 'cached' ? { ...spec, sha256: published } : spec;
      samples[step].push(await runChild({ ...s, step }));
    }
  }
  let torch = null;
  try {
    process.stderr.write(`${item}: torch...\n`);
    torch = await torchPeer(model, set, file, runs);
  } catch (err) {
    notes.push(`${item}: the PyTorch peer failed (${String(err.message).split('\n').slice(-2).join(' ').trim()}).`);
  }
  const steps = Object.fromEntries(
    STEPS.map((s) => [
      s,
      {
        ms: median(samples[s].map((x) => x.ms)),
        peakMB: median(samples[s].map((x) => x.peakMB)),
        beforeMB: median(samples[s].map((x) => x.beforeMB)),
        runs: samples[s],
      },
    ]),
  );
  return {
    model,
    set: set.name,
    format: set.file.format === 'safetensors' ? 'safetensors' : 'pth (zip)',
    fileMB: bytes.length / MB,
    hashChecked: published !== undefined,
    steps,
    firstLoadWithCache: miss,
    torchLoadMs: torch ? median(torch.times) : null,
    torchLoadRuns: torch ? torch.times : null,
    torchVersion: torch?.torch ?? null,
  };
}

function table(rows) {
  const f = (v, d = 0) => (v == null ? '-' : v.toFixed(d));
  const out = [];
  const timeHead = ['model', 'set', 'file MB', ...STEPS.map((s) => `${LABELS[s]} ms`), 'torch.load ms'];
  const timeRows = rows.map((r) => [r.model, r.set, f(r.fileMB, 1), ...STEPS.map((s) => f(r.steps[s].ms)), f(r.torchLoadMs)]);
  // Peak RSS of the step's child, and in brackets what the step added over the child's RSS before
  // it touched the file (node, imports and backend), as a multiple of the file's size.
  const memHead = ['model', 'set', 'file MB', 'load base MB', ...STEPS.map((s) => `${LABELS[s]} MB`)];
  const memRows = rows.map((r) => [
    r.model,
    r.set,
    f(r.fileMB, 1),
    f(r.steps.load.beforeMB),
    ...STEPS.map((s) => `${f(r.steps[s].peakMB)} (${f((r.steps[s].peakMB - r.steps[s].beforeMB) / r.fileMB, 1)}x)`),
  ]);
  for (const [title, head, body] of [
    ['Time, median ms', timeHead, timeRows],
    [
      "Peak RSS of the step's process, median MB (in brackets: what the step added over its process's RSS before it touched the file, as a multiple of the file; load base: that RSS in a load step's process, node + tfjs + wasm backend)",
      memHead,
      memRows,
    ],
  ]) {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
    const line = (cells) => `| ${cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
    out.push(
      `\n${title}\n`,
      line(head),
      `|${widths.map((w, i) => (i < 2 ? ` :${'-'.repeat(w - 1)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`,
    );
    for (const b of body) out.push(line(b));
  }
  return out.join('\n');
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const items = positionals.length ? positionals : DEFAULT_ITEMS;

mkdirSync(FIXTURES, { recursive: true });
const notes = [];
const cacheDir = mkdtempSync(join(tmpdir(), 'zoo-bench-load-'));
const server = await serve();
const loadBefore = loadavg();
const startedAt = new Date();
const rows = [];
try {
  for (const item of items) {
    try {
      rows.push(await measure(item, runs, server, cacheDir, notes));
    } catch (err) {
      notes.push(`${item}: not measured (${String(err.message).split('\n').slice(0, 3).join(' ').trim()}).`);
      process.stderr.write(`${item}: ${err.message}\n`);
    }
  }
} finally {
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
}
const loadAfter = loadavg();
const quiet = Math.max(loadBefore[0], loadAfter[0]) < 1.5;
notes.push(
  `Load average (1 min) ${loadBefore[0].toFixed(1)} at the start and ${loadAfter[0].toFixed(1)} at the end on ${cpus().length} CPUs: ` +
    (quiet
      ? 'nothing else ran on the machine.'
      : 'other processes shared the machine, so the times are inflated and noisy; compare the columns of a row rather than runs.'),
);
notes.push(
  'Timed: fetch = fetch() + arrayBuffer(); fetch+hash = the same + crypto.subtle.digest; parse = readCheckpoint of bytes already read from disk; ' +
    'create = entry.create with zero initialisers, as entry.load builds it; state dict = loadStateDict of a parsed file into a created model; ' +
    'load = entry.load({ weights, cache: false }) from the local server, wasm backend ready beforehand; cached load = entry.load from a warm folderCache.',
);
notes.push(
  `Each step: median of ${runs} fresh child processes, interleaved run by run; the torch.load peer: median of ${runs} loads in one Python process (one thread), the model built first.`,
);
for (const r of rows) {
  if (!r.hashChecked)
    notes.push(`${r.model} ${r.set}: a hub set publishes no SHA-256 offline, so its load (cache: false) does not hash the file.`);
}
const result = {
  generatedAt: startedAt.toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavgStart: loadBefore,
    loadavgEnd: loadAfter,
  },
  runs,
  rows,
  notes,
};
// With --json the figures go to stdout as JSON and the table to stderr, beside the progress lines.
const report = [
  `entry.load against reading the same bytes, ${startedAt.toISOString().slice(0, 10)}, ${cpus().length} CPUs, node ${process.version}`,
  table(rows),
  `\n${notes.join('\n')}\n`,
].join('\n');
if (values.json) {
  process.stderr.write(report);
  console.log(JSON.stringify(result, null, 2));
} else console.log(report);
process.exit(rows.length === items.length ? 0 : 1);
