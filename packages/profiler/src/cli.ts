#!/usr/bin/env node
import './node/quiet.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  classify,
  getModel,
  isQuantizeDtype,
  MIN_QUANTIZED_VALUES,
  type ModelEntry,
  NATIVE_CONVENTION,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizeReport,
  quantizingHandler,
  type WeightSet,
  weightsOf,
  withZeroInit,
  ZOO_METADATA_KEY,
  ZooError,
} from '@zoo/core-blocks/family';
import { readImage } from '@zoo/core-blocks/node';
import { referenceAbout } from '@zoo/reference';
import { distance } from 'fastest-levenshtein';
import { type BenchResult, benchmark } from './bench.js';
import { type CompareRow, compareEntry } from './compare.js';
import { memoryProfile } from './memory.js';
import { discoverFamilies, type FamilyPackage } from './node/discover.js';
import { bytes, type Column, type Format, int, progress, render, si, signed } from './node/format.js';
import { groupLayers } from './node/group.js';
import { fileSaveHandler } from './node/io.js';
import { type LayerProfile, profileModel } from './profile.js';

/** Every command, with the flags it takes and its help; a flag given to another command is refused. */
const COMMANDS = {
  list: { usage: 'list [--family F]', about: 'models of every installed zoo family package', flags: ['family', 'json', 'csv', 'markdown'] },
  profile: {
    usage: 'profile <model> [--depth N] [--size S]',
    about: 'per-layer (or per-block) parameters, MACs and memory, at the default input or S x S',
    flags: ['depth', 'size', 'json', 'csv', 'markdown'],
  },
  compare: {
    usage: 'compare [--family F] [--latency]',
    about: 'every model against its reference figures',
    flags: ['family', 'latency', 'json', 'csv', 'markdown'],
  },
  bench: {
    usage: 'bench <model...> [--backend cpu|wasm] [--runs N] [--warmup N] [--batch B] [--size S]',
    about: 'forward-pass latency: median, p10, p90',
    flags: ['backend', 'runs', 'warmup', 'batch', 'size', 'json', 'csv', 'markdown'],
  },
  weights: {
    usage: 'weights [<model>]',
    about: "a model's released weight sets (accuracy, preprocessing, size, license), or how many each model has",
    flags: ['family', 'json', 'csv', 'markdown'],
  },
  convert: {
    usage:
      'convert <model> <checkpoint.pth|.safetensors> <out-dir> [--classes N] [--size S] [--quantize float16|uint8|uint16]\nconvert <model> --weights <set> <out-dir> [--size S] [--quantize float16|uint8|uint16]',
    about:
      'a PyTorch state dict (a .pth or .safetensors file, or a published weight set) into the TF.js layers format, float32 or with its kernels quantized',
    flags: ['weights', 'classes', 'size', 'quantize'],
  },
  classify: {
    usage: 'classify <model> <image...> [--weights <set|file>] [--top K]',
    about: 'the top classes of JPEG or PNG files, with the weights and their own preprocessing',
    flags: ['weights', 'top', 'json', 'csv', 'markdown'],
  },
  help: { usage: 'help [<command>]', about: 'this text, or one command in full', flags: [] },
} as const satisfies Record<string, { usage: string; about: string; flags: readonly string[] }>;

type Command = keyof typeof COMMANDS;

const USAGE = `Usage: zoo <command> [options]   (zoo help <command>, zoo --version)

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0].padEnd(36)} ${c.about}`)
  .join('\n')}

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
  weights: { type: 'string' },
  classes: { type: 'string' },
  top: { type: 'string' },
  quantize: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function commandHelp(name: Command): string {
  const c = COMMANDS[name];
  const flags = c.flags.length ? `\nFlags: ${c.flags.map((f) => `--${f}`).join(', ')}` : '';
  return `Usage: zoo ${c.usage.split('\n').join('\n       zoo ')}\n\n${c.about}.${flags}`;
}

function knownCommand(name: string): Command {
  if (Object.hasOwn(COMMANDS, name)) return name as Command;
  const near = Object.keys(COMMANDS).filter((c) => distance(c, name) <= 2 || c.startsWith(name));
  throw new UsageError(
    `Unknown command \`${name}\`.${near.length ? ` Did you mean ${near.map((n) => `\`${n}\``).join(', ')}?` : ''} Commands: ${Object.keys(COMMANDS).join(', ')} (see \`zoo --help\`).`,
  );
}

/** Refuses a flag the command does not take, naming the ones it does and the command that takes it. */
function checkFlags(command: Command, values: Values): void {
  const allowed: readonly string[] = COMMANDS[command].flags;
  for (const flag of Object.keys(values)) {
    if (flag === 'help' || flag === 'version' || allowed.includes(flag)) continue;
    const near = allowed.filter((f) => distance(f, flag) <= 2);
    const owners = Object.entries(COMMANDS)
      .filter(([, c]) => (c.flags as readonly string[]).includes(flag))
      .map(([n]) => n);
    throw new UsageError(
      `zoo ${command} does not take --${flag}.` +
        (near.length ? ` Did you mean ${near.map((f) => `--${f}`).join(', ')}?` : '') +
        (owners.length ? ` (--${flag} is a flag of ${owners.map((o) => `zoo ${o}`).join(', ')}.)` : '') +
        ` See \`zoo help ${command}\`.`,
    );
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}. See \`zoo --help\`.`);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.version && !name) {
    console.log(version());
    return 0;
  }
  if (!name) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const command = knownCommand(name);
  if (command === 'help') {
    if (rest.length > 1) throw new UsageError('zoo help takes at most one command name.');
    console.log(rest.length ? commandHelp(knownCommand(rest[0])) : USAGE);
    return 0;
  }
  if (values.help) {
    console.log(commandHelp(command));
    return 0;
  }
  checkFlags(command, values);
  const format = outputFormat(values);
  await tf.setBackend('cpu');
  const families = await discoverFamilies(process.cwd(), (pkg, why) => console.error(`zoo: skipping ${pkg}: ${why}`));
  switch (command) {
    case 'list':
      return list(families, values, format);
    case 'profile':
      if (rest.length !== 1) throw new UsageError('zoo profile takes one model name, for example `zoo profile resnet50`.');
      return profile(
        await getModel(rest[0]),
        format,
        values.depth === undefined ? undefined : positiveInt('--depth', values.depth),
        values.size === undefined ? undefined : positiveInt('--size', values.size),
      );
    case 'compare':
      return compare(families, values, format);
    case 'bench':
      if (!rest.length) throw new UsageError('zoo bench takes one or more model names, for example `zoo bench resnet50 mobilenet_v2`.');
      return bench(await Promise.all(rest.map((n) => getModel(n))), values, format);
    case 'weights':
      if (rest.length > 1) throw new UsageError('zoo weights takes at most one model name, for example `zoo weights resnet50`.');
      return rest.length ? weightSets(await getModel(rest[0]), format) : weightSummary(families, values, format);
    case 'convert':
      return convert(rest, values);
    case 'classify':
      if (rest.length < 2)
        throw new UsageError('zoo classify takes a model and one or more images, for example `zoo classify resnet50 cat.jpg`.');
      return classifyImages(await getModel(rest[0]), rest.slice(1), values, format);
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

function emit<R>(rows: R[], columns: Column<R>[], format: Format, json: unknown = rows): void {
  console.log(format === 'json' ? JSON.stringify(json, null, 2) : render(rows, columns, format));
}

/** The catalogs' entries, of one family when `--family` names one (a typo is refused with the families there are). */
function entriesOf(families: FamilyPackage[], family: string | undefined): ModelEntry[] {
  const entries = families.flatMap((f) => f.catalog);
  if (family === undefined) return entries;
  const chosen = entries.filter((e) => e.family.toLowerCase() === family.toLowerCase());
  if (!chosen.length)
    throw new UsageError(`No family \`${family}\`. Installed families: ${[...new Set(entries.map((e) => e.family))].join(', ')}.`);
  return chosen;
}

function list(families: FamilyPackage[], values: Values, format: Format): number {
  const rows = entriesOf(families, values.family).map((e) => ({
    name: e.name,
    family: e.family,
    package: e.package,
    paper: e.paper,
    defaultInputSize: e.defaultInputSize,
  }));
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

function profile(entry: ModelEntry, format: Format, depth: number | undefined, size: number | undefined): number {
  const model = withZeroInit(() => entry.create(size === undefined ? {} : { inputShape: [size, size, 3] }));
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
  const entries = entriesOf(families, values.family);
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

/** `--weights`: a published set's name, or a checkpoint file when such a file exists. */
function weightsSource(value: string): { weights: string } | { from: string } {
  return existsSync(value) && statSync(value).isFile() ? { from: value } : { weights: value };
}

/** Which key convention the loader recognised in the checkpoint, for people. */
function conventionLabel(convention: string): string {
  return convention === NATIVE_CONVENTION ? "the model's own names" : `${convention}'s names (recognised from the checkpoint's keys)`;
}

function quantizeFlag(value: string): QuantizeDtype {
  if (!isQuantizeDtype(value)) {
    throw new UsageError(`--quantize takes ${QUANTIZE_DTYPES.join(', ')}; got \`${value}\`.`);
  }
  return value;
}

function pretrainedLabel(set: WeightSet | null, source: string): string {
  return set ? `${set.name} (${set.publisher})` : source;
}

async function convert(rest: string[], values: Values): Promise<number> {
  const byName = values.weights !== undefined;
  if (rest.length !== (byName ? 2 : 3)) {
    throw new UsageError(
      'zoo convert takes a model, a checkpoint and an output folder (`zoo convert resnet50 resnet50.pth out/resnet50`), ' +
        'or a model, --weights <set> and an output folder (`zoo convert resnet50 --weights IMAGENET1K_V2 out/resnet50`).',
    );
  }
  const entry = await getModel(rest[0]);
  const outDir = rest[rest.length - 1];
  const options: Record<string, unknown> = byName ? weightsSource(values.weights!) : { from: rest[1] };
  if (!byName && !existsSync(rest[1])) throw new UsageError(`No checkpoint file ${rest[1]}.`);
  if (values.classes !== undefined) options.numClasses = positiveInt('--classes', values.classes);
  if (values.size !== undefined) {
    const size = positiveInt('--size', values.size);
    options.inputShape = [size, size, 3];
  }
  const quantize = values.quantize === undefined ? null : quantizeFlag(values.quantize);
  const model = await entry.load(options);
  try {
    const info = weightsOf(model)!;
    // What a later load needs to know without the catalogue: the model, the weight set and its preprocessing.
    model.setUserDefinedMetadata({
      [ZOO_METADATA_KEY]: { model: entry.name, weights: info.set?.name ?? null, source: info.source, dataConfig: info.dataConfig },
    });
    let report: QuantizeReport | undefined;
    const saved = await model.save(
      quantizingHandler(fileSaveHandler(outDir), quantize, (r) => {
        report = r;
      }),
    );
    const r = info.report;
    console.log(
      `${entry.name}: loaded ${r.loaded.length} tensors from ${pretrainedLabel(info.set, info.source)}, keys in ${conventionLabel(info.convention)}` +
        (r.ignored.length ? ` (${r.ignored.length} ignored by rule, such as ${r.ignored[0]})` : '') +
        (r.mismatched.length ? `; a new ${model.outputs[0].shape[1]}-class head in place of the checkpoint's` : ''),
    );
    const [, h, w] = model.inputs[0].shape;
    const d = info.dataConfig;
    console.log(
      `wrote ${join(outDir, 'model.json')} (input ${h}x${w}, ${model.outputs[0].shape[1]} outputs) and ${bytes(saved.modelArtifactsInfo.weightDataBytes ?? 0)} of weights; ` +
        `load it with tf.loadLayersModel once ${entry.package} is imported.`,
    );
    if (report) {
      console.log(
        `quantized ${report.quantized.length} kernels to ${report.dtype}: ${bytes(report.bytesBefore)} -> ${bytes(report.bytesAfter)}; ` +
          `${report.kept.length} tensors stay float32 (biases, norms, position tables, kernels under ${MIN_QUANTIZED_VALUES} values)` +
          (report.unrepresentable.length
            ? `, and ${report.unrepresentable.length} kernels ${report.dtype} cannot hold (such as ${report.unrepresentable[0]})`
            : ''),
      );
    }
    console.log(`preprocessing: resize ${d.resizeSize} (${d.interpolation}), crop ${d.cropSize}, mean [${d.mean}], std [${d.std}]`);
    return 0;
  } finally {
    model.dispose();
  }
}

function weightRows(entry: ModelEntry) {
  return entry.weights.map((s) => ({
    name: s.name,
    publisher: s.publisher,
    default: s.isDefault,
    loads: s.unsupported === undefined,
    why: s.unsupported ?? null,
    note: s.note ?? null,
    top1: s.accuracy?.top1 ?? null,
    resolution: s.accuracy?.resolution ?? null,
    input: s.preprocessing.inputSize,
    resize: s.preprocessing.resizeSize,
    interpolation: s.preprocessing.interpolation,
    classes: s.classes.count,
    dataset: s.classes.dataset,
    bytes: s.file.bytes,
    license: s.license,
  }));
}

function weightSets(entry: ModelEntry, format: Format): number {
  const rows = weightRows(entry);
  emit(
    rows,
    [
      { header: 'weights', value: (r) => (r.default ? `${r.name} (default)` : r.name) },
      { header: 'publisher', value: (r) => r.publisher },
      { header: 'loads', value: (r) => (r.loads ? 'yes' : 'not yet') },
      { header: 'top-1', value: (r) => (r.top1 === null ? '-' : `${r.top1.toFixed(2)} @${r.resolution}`), numeric: true },
      { header: 'input', value: (r) => `${r.resize}->${r.input} ${r.interpolation}` },
      { header: 'classes', value: (r) => `${r.classes} ${r.dataset}` },
      { header: 'size', value: (r) => (r.bytes === null ? '?' : bytes(r.bytes)), numeric: true },
      { header: 'license', value: (r) => r.license ?? '-' },
    ],
    format,
    { model: entry.name, weights: entry.weights },
  );
  if (format === 'table') {
    const not = rows.filter((r) => !r.loads);
    if (not.length) console.log(`\nNot loadable yet: ${[...new Set(not.map((r) => r.why))].join(' ')}`);
    const notes = [...new Set(rows.map((r) => r.note).filter((n) => n !== null))];
    if (notes.length) console.log(`\nWhere the zoo's model differs from the publisher's: ${notes.join(' ')}`);
    console.log(
      rows.length
        ? `\nLoad one: \`await ${entry.name}.load({ weights: '${rows.find((r) => r.loads)?.name ?? rows[0].name}' })\`, or \`zoo convert ${entry.name} --weights <set> <dir>\`.`
        : `\n${entry.name} has no published weights; load your own checkpoint with \`${entry.name}.load({ from })\`.`,
    );
  }
  return 0;
}

function weightSummary(families: FamilyPackage[], values: Values, format: Format): number {
  const rows = entriesOf(families, values.family).map((e) => {
    const sets = e.weights;
    const loads = sets.filter((s) => !s.unsupported);
    const by = (p: string) => loads.filter((s) => s.publisher === p).length;
    return {
      model: e.name,
      family: e.family,
      sets: sets.length,
      loads: loads.length,
      torchvision: by('torchvision'),
      timm: by('timm'),
      authors: by('authors'),
      waiting: sets.length - loads.length,
      default: sets.find((s) => s.isDefault)?.name ?? loads[0]?.name ?? null,
      why:
        sets.length === 0
          ? (e.noWeightsReason ?? 'no weights published for this architecture by torchvision, timm or its authors (in their metadata)')
          : loads.length === 0
            ? (sets.find((s) => s.unsupported)?.unsupported ?? null)
            : null,
    };
  });
  emit(
    rows,
    [
      { header: 'model', value: (r) => r.model },
      { header: 'family', value: (r) => r.family },
      { header: 'sets', value: (r) => r.sets, numeric: true },
      { header: 'load', value: (r) => r.loads, numeric: true },
      { header: 'torchvision', value: (r) => r.torchvision, numeric: true },
      { header: 'timm', value: (r) => r.timm, numeric: true },
      { header: 'authors', value: (r) => r.authors, numeric: true },
      { header: 'not yet', value: (r) => r.waiting, numeric: true },
      { header: 'default', value: (r) => r.default ?? '-' },
      { header: 'why none', value: (r) => (r.why === null ? '' : r.why.length > 70 ? `${r.why.slice(0, 69)}…` : r.why) },
    ],
    format,
  );
  if (format === 'table') {
    const none = rows.filter((r) => r.sets === 0).map((r) => r.model);
    console.log(
      `\n${rows.reduce((a, r) => a + r.loads, 0)} of ${rows.reduce((a, r) => a + r.sets, 0)} weight sets load, for ${rows.filter((r) => r.loads).length} of ${rows.length} models.` +
        (none.length ? `\nNo published weights: ${none.join(', ')}.` : ''),
    );
  }
  return 0;
}

async function classifyImages(entry: ModelEntry, images: string[], values: Values, format: Format): Promise<number> {
  const topK = values.top === undefined ? 5 : positiveInt('--top', values.top);
  const pixels = await Promise.all(images.map((path) => readImage(path)));
  if (!(await tf.setBackend('wasm'))) await tf.setBackend('cpu');
  const model = await entry.load(values.weights === undefined ? {} : weightsSource(values.weights));
  try {
    const info = weightsOf(model)!;
    const rows: { image: string; rank: number; label: string; index: number; probability: number }[] = [];
    for (const [i, image] of pixels.entries()) {
      const top = await classify(model, image, { topK });
      for (const [rank, p] of top.entries()) rows.push({ image: images[i], rank: rank + 1, ...p });
    }
    emit(
      rows,
      [
        { header: 'image', value: (r) => r.image },
        { header: '#', value: (r) => r.rank, numeric: true },
        { header: 'class', value: (r) => r.label },
        { header: 'index', value: (r) => r.index, numeric: true },
        { header: 'probability', value: (r) => r.probability.toFixed(4), numeric: true },
      ],
      format,
      { model: entry.name, weights: info.set?.name ?? info.source, predictions: rows },
    );
    if (format === 'table')
      console.log(`\n${entry.name} with ${pretrainedLabel(info.set, info.source)}, preprocessing ${JSON.stringify(info.dataConfig)}`);
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
