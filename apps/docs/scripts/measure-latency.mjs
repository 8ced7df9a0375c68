// Measures every catalog model's batch-1 224×224 median latency on the wasm backend, one thread,
// after warm-up, run two ways: tfjs-layers' `predict`, and the plan `@zoo/fused` compiles from the
// same model (same function, fewer kernels); writes measured/latency.json for the comparison
// table. A script, not a test: run it by hand (`pnpm --filter @zoo/docs measure:latency`) on a
// quiet machine, then `npx biome format --write measured/latency.json`, and commit the file.
// Slow models get fewer timed runs so the whole run stays bounded; the file says which.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit } from '@zoo/core-blocks/family';
import { compile } from '@zoo/fused';
import { benchmark } from '@zoo/profiler';
import { discoverFamilies } from '@zoo/profiler/node';

const app = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(app, 'measured', 'latency.json');
const SIZE = 224;
/** Timed work aimed at per model; a model gets at least MIN_RUNS and at most MAX_RUNS runs. */
const TARGET_MS = 6000;
const MIN_RUNS = 1;
const MAX_RUNS = 15;
const COLD_LIMIT_MS = 60_000;
const args = process.argv.slice(2);
// --resume keeps the models an interrupted run already wrote and measures the rest.
const resume = args.includes('--resume');
const only = args.filter((a) => !a.startsWith('--'));

setThreadsCount(1);
await tf.setBackend('wasm');
await tf.ready();
const families = await discoverFamilies(join(app, '..', '..'));
const entries = families.flatMap((f) => f.catalog).filter((e) => !only.length || only.includes(e.name));
const tfjsVersion = tf.version_core;

const previous = resume && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null;
const models = { ...(previous?.models ?? {}) };
const notes = [...(previous?.notes ?? [])];
const started = Date.now() - (previous?.durationS ?? 0) * 1000;
const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));
for (const entry of entries.filter((e) => !(e.name in models))) {
  // Latency does not depend on the weights' values: zero-filled weights skip seconds of random numbers.
  let model;
  let inputSize = SIZE;
  try {
    model = withZeroInit(() => entry.create({ inputShape: [SIZE, SIZE, 3] }));
  } catch (err) {
    // A model that cannot take 224×224 is measured at its own size, and the file says so.
    inputSize = entry.defaultInputSize;
    model = withZeroInit(() => entry.create());
    notes.push(`${entry.name}: measured at ${inputSize}×${inputSize}, it does not accept 224×224 (${err.message.split('\n')[0]})`);
  }
  if (typeof model.predict !== 'function') {
    notes.push(`${entry.name}: not measured, the built model has no predict`);
    model.dispose();
    continue;
  }
  try {
    // A first, cold pass sets up kernels and memory. A model whose cold pass exceeds COLD_LIMIT_MS
    // keeps that one figure (set-up included, said in the notes): minutes per pass do not fit a run.
    const cold = await benchmark(model, { runs: 1, warmup: 0 });
    if (cold.medianMs > COLD_LIMIT_MS) {
      models[entry.name] = { medianMs: Number(cold.medianMs.toFixed(2)), runs: 1, warmup: 0, inputSize };
      notes.push(`${entry.name}: one cold pass only, set-up included (it takes ${(cold.medianMs / 1000).toFixed(0)} s)`);
      console.log(`${entry.name}: ${cold.medianMs.toFixed(1)} ms (one cold pass)`);
      continue;
    }
    // One more pass, timed to choose how many runs fit the budget.
    const probe = await benchmark(model, { runs: 1, warmup: 0 });
    const runs = Math.max(MIN_RUNS, Math.min(MAX_RUNS, Math.floor(TARGET_MS / probe.medianMs)));
    // A model slower than twice the budget keeps the probe's one timed run (after one warm-up).
    const slow = probe.medianMs > 2 * TARGET_MS;
    const r = slow ? probe : await benchmark(model, { runs, warmup: 1 });
    models[entry.name] = {
      medianMs: Number(r.medianMs.toFixed(2)),
      p10Ms: Number(r.p10Ms.toFixed(2)),
      p90Ms: Number(r.p90Ms.toFixed(2)),
      runs,
      warmup: slow ? 1 : 3,
      inputSize,
    };
    if (slow) notes.push(`${entry.name}: 1 timed run after 1 warm-up (one run takes ${(probe.medianMs / 1000).toFixed(1)} s)`);
    else if (runs < MAX_RUNS) notes.push(`${entry.name}: ${runs} timed runs (one run takes ${(probe.medianMs / 1000).toFixed(1)} s)`);
    const f = await measureFused(entry.name, model, slow ? 1 : runs);
    models[entry.name].fused = f;
    console.log(`${entry.name}: ${r.medianMs.toFixed(1)} ms (median of ${runs})${f ? `, fused ${f.medianMs.toFixed(1)} ms` : ''}`);
  } catch (err) {
    notes.push(`${entry.name}: not measured, ${String(err?.message ?? err).split('\n')[0]}`);
    console.log(`${entry.name}: failed, ${err?.message ?? err}`);
  } finally {
    model.dispose();
  }
  if (!only.length) write(false);
}

/**
 * The same model through `@zoo/fused`'s compiled plan: as many timed runs as `predict` got, after
 * two untimed passes (the first sets up the plan's kernels). Null, with a note, if it fails.
 */
async function measureFused(name, model, runs) {
  let plan;
  try {
    plan = compile(model);
    const r = await benchmark(model, { runs, warmup: 2, predict: (x) => plan.predict(x) });
    if (r.leakedTensors !== 0) notes.push(`${name}: the fused plan left ${r.leakedTensors} tensors behind`);
    return {
      medianMs: Number(r.medianMs.toFixed(2)),
      p10Ms: Number(r.p10Ms.toFixed(2)),
      p90Ms: Number(r.p90Ms.toFixed(2)),
      runs,
      warmup: 2,
    };
  } catch (err) {
    notes.push(`${name}: fused not measured, ${String(err?.message ?? err).split('\n')[0]}`);
    return null;
  } finally {
    plan?.dispose();
  }
}

function write(complete) {
  const file = {
    description:
      `Median latency of one ${SIZE}×${SIZE} image (batch 1) on TensorFlow.js's wasm backend in Node, one thread, ` +
      `after three untimed passes (one for models slower than ${(2 * TARGET_MS) / 1000} s); zero-filled weights. ` +
      `Up to ${MAX_RUNS} timed runs per model, fewer for slow models (see notes). ` +
      `"fused": the same model compiled by @zoo/fused (BatchNorm folded, bias and activation fused into the kernels), as many timed runs after two untimed passes.`,
    measuredAt: new Date().toISOString(),
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    tfjs: tfjsVersion,
    backend: 'wasm',
    threads: getThreadsCount(),
    durationS: Math.round((Date.now() - started) / 1000),
    // The machine is shared: its load says how much the figures can be trusted.
    loadAverage: { atStart: loadAtStart, now: loadavg().map((l) => Number(l.toFixed(2))) },
    notes,
    complete,
    models,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  return file;
}
const file = only.length ? null : write(true);
if (only.length) console.log(JSON.stringify(models, null, 2));
console.log(
  `latency: ${Object.keys(models).length} models in ${Math.round((Date.now() - started) / 1000)} s${file ? ` → ${out}` : ' (not written: a subset)'}`,
);
