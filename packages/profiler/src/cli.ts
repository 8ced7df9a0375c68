#!/usr/bin/env node
import './node/quiet.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelEntry, withZeroInit, ZooError, ZooUnknownModelError } from '@zoo/core-blocks';
import { loadCheckpointFile } from '@zoo/core-blocks/node';
import { referenceAbout } from '@zoo/reference';
import { distance } from 'fastest-levenshtein';
import { type BenchResult, benchmark } from './bench.js';
import { type CompareRow, compareEntry } from './compare.js';
import { memoryProfile } from './memory.js';
import { discoverFamilies, type FamilyPackage, modelIndex } from './node/discover.js';
import { bytes, type Column, type Format, int, progress, render, si, signed } from './node/format.js';
import { groupLayers } from './node/group.js';
import { fileSaveHandler } from './node/io.js';
import { type LayerProfile, profileModel } from './profile.js';

const USAGE = `Usage: zoo <command> [options]

Commands:
  list                                 models of every installed zoo family package
  profile <model> [--depth N]          per-layer (or per-block) parameters, MACs and memory
  compare [--family F] [--latency]     every model against its reference figures
  bench <model...> [--backend cpu|wasm] [--runs N] [--warmup N] [--batch B] [--size S]
                                       forward-pass latency: median, p10, p90
  convert <model> <checkpoint.safetensors> <out-dir>
                                       a PyTorch state dict (safetensors) into the TF.js
                                       layers format (model.json + weight shards)

Output: a table by default; --json, --csv or --markdown for scripts and docs.

MACs are multiply-accumulates for one image at the model's default input (224x224):
  convLinear  convolutions and fully-connected layers (thop; the survey notes' figures)
  total       convLinear plus the matrix products inside attention (fvcore; torchvision's GFLOPS)`;

/** A mistake in how the CLI was called: one line, exit code 2. */
class UsageError extends ZooError {
  override name = 'UsageError';
}

const OPTIONS = {
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  markdown: { type: 'boolean' },
  family: { type: 'string' },
  depth: { type: 'string' },
  latency: { type: 'boolean' },
  backend: { type: 'string' },
  runs: { type: 'string' },
  warmup: { type: 'string' },
  batch: { type: 'string' },
  size: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}. See \`zoo --help\`.`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const format = outputFormat(values);
  await tf.setBackend('cpu');
  const families = await discoverFamilies(process.cwd(), (pkg, why) => console.error(`zoo: skipping ${pkg}: ${why}`));
  const models = modelIndex(families);
  switch (command) {
    case 'list':
      return list(families, format);
    case 'profile':
      if (rest.length !== 1) throw new UsageError('zoo profile takes one model name, for example `zoo profile resnet50`.');
      return profile(find(models, rest[0]), format, values.depth === undefined ? undefined : positiveInt('--depth', values.depth));
    case 'compare':
      return compare(families, values, format);
    case 'bench':
      if (!rest.length) throw new UsageError('zoo bench takes one or more model names, for example `zoo bench resnet50 mobilenet_v2`.');
      return bench(
        rest.map((n) => find(models, n)),
        values,
        format,
      );
    case 'convert':
      if (rest.length !== 3) {
        throw new UsageError(
          'zoo convert takes a model, a checkpoint and an output folder, for example `zoo convert resnet50 resnet50.safetensors out/resnet50`.',
        );
      }
      return convert(find(models, rest[0]), rest[1], rest[2]);
    default:
      throw new UsageError(`Unknown command \`${command}\`. Commands: list, profile, compare, bench, convert (see \`zoo --help\`).`);
  }
}

function outputFormat(values: Values): Format {
  const chosen = (['json', 'csv', 'markdown'] as const).filter((f) => values[f]);
  if (chosen.length > 1) throw new UsageError(`Choose one output format, not ${chosen.map((f) => `--${f}`).join(' and ')}.`);
  return chosen[0] ?? 'table';
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive integer, got \`${value}\`.`);
  return n;
}

function find(models: Map<string, ModelEntry>, name: string): ModelEntry {
  const entry = models.get(name);
  if (entry) return entry;
  const near = [...models.keys()]
    .map((n) => ({ n, d: distance(n.toLowerCase(), name.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.startsWith(name.toLowerCase()))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
  throw new ZooUnknownModelError(name, near);
}

function emit<R>(rows: R[], columns: Column<R>[], format: Format, json: unknown = rows): void {
  console.log(format === 'json' ? JSON.stringify(json, null, 2) : render(rows, columns, format));
}

function list(families: FamilyPackage[], format: Format): number {
  const rows = families.flatMap((f) =>
    f.catalog.map((e) => ({ name: e.name, family: e.family, package: e.package, paper: e.paper, defaultInputSize: e.defaultInputSize })),
  );
  emit(
    rows,
    [
      { header: 'model', value: (r) => r.name },
      { header: 'family', value: (r) => r.family },
      { header: 'package', value: (r) => r.package },
      { header: 'paper', value: (r) => `${r.paper.title} (${r.paper.year})` },
    ],
    format,
  );
  if (format === 'table') {
    console.log(
      `\n${rows.length} models from ${families.map((f) => `${f.name}@${f.version}`).join(', ') || 'no installed family package'}.`,
    );
  }
  return 0;
}

function profile(entry: ModelEntry, format: Format, depth: number | undefined): number {
  const model = withZeroInit(() => entry.create());
  try {
    const p = profileModel(model);
    const memory = memoryProfile(model);
    const layers = depth === undefined ? p.layers : groupLayers(p.layers, depth);
    const rows = layers.map((l) => ({ ...l, activationBytes: activationBytes(l, memory.activations, depth) }));
    if (format === 'json') {
      console.log(JSON.stringify({ ...p, layers: rows, name: entry.name, family: entry.family, package: entry.package, memory }, null, 2));
      return 0;
    }
    emit(
      rows,
      [
        { header: depth === undefined ? 'layer' : 'block', value: (l) => l.name },
        { header: 'class', value: (l) => l.className },
        { header: 'output shape', value: (l) => JSON.stringify(l.outputShape) },
        { header: 'params', value: (l) => l.trainableParams + l.nonTrainableParams, numeric: true },
        { header: 'MACs', value: (l) => (l.counted ? l.macs.total : '?'), numeric: true },
        { header: 'activations', value: (l) => bytes(l.activationBytes), numeric: true },
      ],
      format,
    );
    if (format !== 'table') return 0;
    console.log(`\n${entry.name} (${entry.family}, ${entry.package}), input ${JSON.stringify([1, ...model.inputs[0].shape.slice(1)])}`);
    console.log(`  params       ${int(p.params.trainable)} trainable, ${int(p.params.total)} in all (BatchNorm statistics included)`);
    console.log(`  MACs         ${si(p.macs.convLinear)} convLinear, ${si(p.macs.total)} total`);
    console.log(`  weights      ${bytes(memory.weights.float32Bytes)} as float32, ${bytes(memory.weights.float16Bytes)} as float16`);
    console.log(
      `  activations  peak ${bytes(memory.peakActivationBytes)} live (at ${memory.peakAt}), ${bytes(memory.activationBytesTotal)} written in all, batch 1`,
    );
    console.log(`  output       ${JSON.stringify(p.outputShape)}`);
    if (p.uncounted.length) console.log(`  uncounted    ${p.uncounted.map((u) => `${u.name} (${u.className})`).join(', ')}`);
    return 0;
  } finally {
    model.dispose();
  }
}

function activationBytes(row: LayerProfile, all: { name: string; bytes: number }[], depth: number | undefined): number {
  if (depth === undefined) return all.find((a) => a.name === row.name)?.bytes ?? 0;
  return all.filter((a) => a.name.split(/[./]/).slice(0, depth).join('.') === row.name).reduce((s, a) => s + a.bytes, 0);
}

interface CompareOut extends CompareRow {
  wasmMedianMs?: number;
}

async function compare(families: FamilyPackage[], values: Values, format: Format): Promise<number> {
  const started = performance.now();
  let entries = families.flatMap((f) => f.catalog);
  if (values.family !== undefined) {
    const known = [...new Set(entries.map((e) => e.family))];
    entries = entries.filter((e) => e.family.toLowerCase() === values.family!.toLowerCase());
    if (!entries.length) throw new UsageError(`No family \`${values.family}\`. Installed families: ${known.join(', ')}.`);
  }
  const bar = progress(entries.length);
  const rows: CompareOut[] = [];
  for (const e of entries) {
    bar.tick(rows.length, e.name);
    const row: CompareOut = compareEntry(e);
    if (values.latency) row.wasmMedianMs = (await latency(e, 'wasm', { runs: 5, warmup: 1, batch: 1 })).medianMs;
    rows.push(row);
  }
  bar.end();
  const mismatches = rows.filter((r) => r.matches === false);
  const ref = (f: (x: NonNullable<CompareRow['reference']>) => number) => (r: CompareRow) => (r.reference ? f(r.reference) : '-');
  emit(
    rows,
    [
      { header: 'model', value: (r) => r.name },
      { header: 'family', value: (r) => r.family },
      { header: 'params', value: (r) => r.params.trainable, numeric: true },
      { header: 'MACs convLinear', value: (r) => r.macs.convLinear, numeric: true },
      { header: 'MACs total', value: (r) => r.macs.total, numeric: true },
      { header: 'ref params', value: ref((x) => x.params), numeric: true },
      { header: 'ref convLinear', value: ref((x) => x.macs.convLinear), numeric: true },
      { header: 'ref total', value: ref((x) => x.macs.total), numeric: true },
      {
        header: 'diff',
        value: (r) => (r.diff ? [r.diff.params, r.diff.convLinear, r.diff.total].map(signed).join(' / ') : '-'),
        numeric: true,
      },
      { header: 'match', value: (r) => (r.matches === null ? 'no reference' : r.matches ? 'yes' : 'NO') },
      ...(values.latency ? [{ header: 'wasm ms', value: (r: CompareOut) => r.wasmMedianMs?.toFixed(1) ?? '-', numeric: true }] : []),
    ],
    format,
  );
  const rss = process.resourceUsage().maxRSS * 1024;
  const summary = `${rows.length} models in ${((performance.now() - started) / 1000).toFixed(1)} s wall time, peak RSS ${bytes(rss)}; ${rows.filter((r) => r.matches).length} equal their reference exactly, ${mismatches.length} differ.`;
  if (format === 'table') {
    console.log(`\n${summary}`);
    console.log(
      'params = trainable parameters; MACs for one image at the default input; diff = zoo - reference (params / convLinear / total).',
    );
    console.log(`Reference: ${referenceAbout.split('. ')[0]}.`);
  } else {
    console.error(summary);
  }
  return mismatches.length ? 1 : 0;
}

async function latency(
  entry: ModelEntry,
  backend: string,
  options: { runs: number; warmup: number; batch: number; size?: number },
): Promise<BenchResult> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend(backend))) throw new UsageError(`Backend \`${backend}\` is not available here.`);
  const model = withZeroInit(() => entry.create(options.size ? { inputShape: [options.size, options.size, 3] } : {}));
  try {
    return await benchmark(model, options);
  } finally {
    model.dispose();
    await tf.setBackend(previous);
  }
}

async function bench(entries: ModelEntry[], values: Values, format: Format): Promise<number> {
  const backend = values.backend ?? 'wasm';
  if (backend !== 'cpu' && backend !== 'wasm') throw new UsageError(`--backend takes cpu or wasm in Node, got \`${backend}\`.`);
  const options = {
    runs: values.runs === undefined ? 10 : positiveInt('--runs', values.runs),
    warmup: values.warmup === undefined ? 2 : Number(values.warmup),
    batch: values.batch === undefined ? 1 : positiveInt('--batch', values.batch),
    size: values.size === undefined ? undefined : positiveInt('--size', values.size),
  };
  if (!Number.isInteger(options.warmup) || options.warmup < 0)
    throw new UsageError(`--warmup takes a non-negative integer, got \`${values.warmup}\`.`);
  const bar = progress(entries.length);
  const rows: (BenchResult & { name: string })[] = [];
  for (const e of entries) {
    bar.tick(rows.length, e.name);
    rows.push({ name: e.name, ...(await latency(e, backend, options)) });
  }
  bar.end();
  emit(
    rows,
    [
      { header: 'model', value: (r) => r.name },
      { header: 'backend', value: (r) => r.backend },
      { header: 'input', value: (r) => JSON.stringify(r.inputShape) },
      { header: 'median ms', value: (r) => r.medianMs.toFixed(1), numeric: true },
      { header: 'p10 ms', value: (r) => r.p10Ms.toFixed(1), numeric: true },
      { header: 'p90 ms', value: (r) => r.p90Ms.toFixed(1), numeric: true },
      { header: 'runs', value: (r) => r.runs, numeric: true },
      { header: 'leaked tensors', value: (r) => r.leakedTensors, numeric: true },
    ],
    format,
  );
  return rows.some((r) => r.leakedTensors !== 0) ? 1 : 0;
}

async function convert(entry: ModelEntry, checkpoint: string, outDir: string): Promise<number> {
  if (!existsSync(checkpoint)) throw new UsageError(`No checkpoint file ${checkpoint}.`);
  // The strict load sets every weight, so drawing random ones first would be wasted time.
  const model = withZeroInit(() => entry.create());
  try {
    const report = await loadCheckpointFile(model, checkpoint);
    const saved = await model.save(fileSaveHandler(outDir));
    console.log(
      `${entry.name}: loaded ${report.loaded.length} tensors from ${checkpoint}` +
        (report.ignored.length ? ` (${report.ignored.length} ignored by rule, such as ${report.ignored[0]})` : ''),
    );
    console.log(
      `wrote ${join(outDir, 'model.json')} and ${bytes(saved.modelArtifactsInfo.weightDataBytes ?? 0)} of weights; ` +
        `load it with tf.loadLayersModel once ${entry.package} is imported.`,
    );
    return 0;
  } finally {
    model.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    // The zoo's own errors are written for people (a checkpoint mismatch lists its keys below
    // the first line); anything else is cut to its first line. Never a stack trace, unless asked.
    console.error(`zoo: ${e instanceof ZooError ? e.message : e.message.split('\n')[0]}`);
    if (process.env.ZOO_DEBUG) console.error(e.stack);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
