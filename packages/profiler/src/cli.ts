#!/usr/bin/env node
import './node/quiet.js';
import '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelEntry, withZeroInit, ZooUnknownModelError } from '@zoo/core-blocks';
import { loadCheckpointFile } from '@zoo/core-blocks/node';
import { referenceAbout } from '@zoo/reference';
import { closest, distance } from 'fastest-levenshtein';
import { type CompareRow, compareEntry } from './compare.js';
import { discoverFamilies, type FamilyPackage, modelIndex } from './node/discover.js';
import { int, si, signed, table } from './node/format.js';
import { fileSaveHandler } from './node/io.js';
import { profileModel } from './profile.js';

const USAGE = `Usage: zoo <command> [options]

Commands:
  list [--json]                        models of every installed zoo family package
  profile <model> [--json]             per-layer parameters and MACs of one model
  compare [--family F] [--json]        every model against its reference figures
  convert <model> <checkpoint.safetensors> <out-dir>
                                       a PyTorch state dict (safetensors) into the TF.js
                                       layers format (model.json + weight shards)

MACs are multiply-accumulates for one 224x224 image (the model's default input):
  convLinear  convolutions and fully-connected layers (thop; the survey notes' figures)
  total       convLinear plus the matrix products inside attention (fvcore; torchvision's GFLOPS)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, family: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  await tf.setBackend('cpu');
  const families = await discoverFamilies(process.cwd(), (pkg, why) => console.error(`zoo: skipping ${pkg}: ${why}`));
  const models = modelIndex(families);
  switch (command) {
    case 'list':
      return list(families, values.json ?? false);
    case 'profile': {
      if (rest.length !== 1) throw new UsageError('zoo profile takes one model name, for example `zoo profile resnet50`.');
      return profile(find(models, rest[0]), values.json ?? false);
    }
    case 'compare':
      return compare(families, values.family, values.json ?? false);
    case 'convert': {
      if (rest.length !== 3) {
        throw new UsageError(
          'zoo convert takes a model, a checkpoint and an output folder, for example `zoo convert resnet50 resnet50.safetensors out/resnet50`.',
        );
      }
      return convert(find(models, rest[0]), rest[1], rest[2]);
    }
    default:
      throw new UsageError(`Unknown command \`${command}\`.\n\n${USAGE}`);
  }
}

class UsageError extends Error {}

function find(models: Map<string, ModelEntry>, name: string): ModelEntry {
  const entry = models.get(name);
  if (entry) return entry;
  const names = [...models.keys()];
  const near = names
    .map((n) => ({ n, d: distance(n.toLowerCase(), name.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.startsWith(name.toLowerCase()))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
  throw new ZooUnknownModelError(name, near.length ? near : names.length ? [closest(name, names)] : []);
}

function list(families: FamilyPackage[], json: boolean): number {
  const rows = families.flatMap((f) =>
    f.catalog.map((e) => ({ name: e.name, family: e.family, package: e.package, paper: e.paper, defaultInputSize: e.defaultInputSize })),
  );
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    console.log(
      table(
        ['model', 'family', 'package', 'paper'],
        rows.map((r) => [r.name, r.family, r.package, `${r.paper.title} (${r.paper.year})`]),
      ),
    );
    console.log(
      `\n${rows.length} models from ${families.map((f) => `${f.name}@${f.version}`).join(', ') || 'no installed family package'}.`,
    );
  }
  return 0;
}

function profile(entry: ModelEntry, json: boolean): number {
  const model = entry.create();
  try {
    const p = profileModel(model);
    if (json) {
      console.log(JSON.stringify({ ...p, name: entry.name, family: entry.family, package: entry.package }, null, 2));
      return 0;
    }
    console.log(
      table(
        ['layer', 'class', 'output shape', 'params', 'MACs'],
        p.layers.map((l) => [
          l.name,
          l.className,
          JSON.stringify(l.outputShape),
          int(l.trainableParams + l.nonTrainableParams),
          l.counted ? int(l.macs.total) : '?',
        ]),
        [false, false, false, true, true],
      ),
    );
    console.log(`\n${entry.name} (${entry.family}, ${entry.package}), input ${JSON.stringify([1, ...model.inputs[0].shape.slice(1)])}`);
    console.log(`  params      ${int(p.params.trainable)} trainable, ${int(p.params.total)} in all (BatchNorm statistics included)`);
    console.log(`  MACs        ${si(p.macs.convLinear)} convLinear, ${si(p.macs.total)} total`);
    console.log(`  output      ${JSON.stringify(p.outputShape)}`);
    if (p.uncounted.length) console.log(`  uncounted   ${p.uncounted.map((u) => `${u.name} (${u.className})`).join(', ')}`);
    return 0;
  } finally {
    model.dispose();
  }
}

function compare(families: FamilyPackage[], family: string | undefined, json: boolean): number {
  let entries = families.flatMap((f) => f.catalog);
  if (family !== undefined) {
    const known = [...new Set(entries.map((e) => e.family))];
    entries = entries.filter((e) => e.family.toLowerCase() === family.toLowerCase());
    if (!entries.length) throw new UsageError(`No family \`${family}\`. Installed families: ${known.join(', ')}.`);
  }
  const rows: CompareRow[] = [];
  const progress = !json && process.stderr.isTTY;
  for (const e of entries) {
    const row = compareEntry(e);
    rows.push(row);
    if (progress) process.stderr.write(`\rprofiled ${rows.length}/${entries.length} ${e.name.padEnd(24)}`);
  }
  if (progress) process.stderr.write(`\r${' '.repeat(48)}\r`);
  const mismatches = rows.filter((r) => r.matches === false);
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    const ref = (r: CompareRow, f: (x: NonNullable<CompareRow['reference']>) => number) => (r.reference ? int(f(r.reference)) : '-');
    console.log(
      table(
        ['model', 'family', 'params', 'MACs convLinear', 'MACs total', 'ref params', 'ref convLinear', 'ref total', 'diff', 'match'],
        rows.map((r) => [
          r.name,
          r.family,
          int(r.params.trainable),
          int(r.macs.convLinear),
          int(r.macs.total),
          ref(r, (x) => x.params),
          ref(r, (x) => x.macs.convLinear),
          ref(r, (x) => x.macs.total),
          r.diff ? [r.diff.params, r.diff.convLinear, r.diff.total].map(signed).join(' / ') : '-',
          r.matches === null ? 'no reference' : r.matches ? 'yes' : 'NO',
        ]),
        [false, false, true, true, true, true, true, true, true, false],
      ),
    );
    console.log(
      `\n${rows.length} models; ${rows.filter((r) => r.matches).length} equal their reference exactly, ${mismatches.length} differ.`,
    );
    console.log(`params = trainable parameters; MACs for one image at the default input (224x224).`);
    console.log(`Reference: ${referenceAbout.split('. ')[0]}.`);
  }
  return mismatches.length ? 1 : 0;
}

async function convert(entry: ModelEntry, checkpoint: string, outDir: string): Promise<number> {
  if (!existsSync(checkpoint)) throw new UsageError(`No checkpoint file ${checkpoint}.`);
  // The strict load sets every weight, so drawing random ones first would be wasted time.
  const model = withZeroInit(() => entry.create());
  try {
    const report = await loadCheckpointFile(model, checkpoint);
    const saved = await model.save(fileSaveHandler(outDir));
    const bytes = saved.modelArtifactsInfo.weightDataBytes ?? 0;
    console.log(
      `${entry.name}: loaded ${report.loaded.length} tensors from ${checkpoint}` +
        (report.ignored.length ? ` (${report.ignored.length} ignored by rule, such as ${report.ignored[0]})` : ''),
    );
    console.log(
      `wrote ${join(outDir, 'model.json')} and ${si(bytes)}B of weights; load it with tf.loadLayersModel once ${entry.package} is imported.`,
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
    const e = err as Error;
    console.error(`zoo: ${e instanceof UsageError || e.name.startsWith('Zoo') ? e.message : (e.stack ?? e.message)}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
