#!/usr/bin/env node
// Copies the shared reference data (../shared/reference beside the repository) into
// packages/reference/data, recording where it came from and the SHA-256 of every file.
//   node scripts/sync-reference.mjs          copy and record provenance
//   node scripts/sync-reference.mjs --check  fail if the copy differs from the shared file
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.env.ZOO_SHARED_REFERENCE ?? join(root, '..', 'shared', 'reference'));
const target = join(root, 'packages', 'reference', 'data');
const check = process.argv.includes('--check');

function files(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    })
    .sort();
}
const sha256 = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
const digest = (dir) =>
  Object.fromEntries(
    files(dir)
      .filter((p) => !p.endsWith('PROVENANCE.json'))
      .map((p) => [relative(dir, p), sha256(p)]),
  );

if (!existsSync(source)) {
  console.log(`No shared reference at ${source}: nothing to compare; the repository's copy stands.`);
  process.exit(0);
}
const want = digest(source);
if (check) {
  const have = existsSync(target) ? digest(target) : {};
  const names = new Set([...Object.keys(want), ...Object.keys(have)]);
  const stale = [...names].filter((n) => want[n] !== have[n]);
  if (stale.length) {
    console.error(`packages/reference/data is stale against ${source}: ${stale.join(', ')}. Run \`pnpm reference:sync\`.`);
    process.exit(1);
  }
  console.log(`packages/reference/data matches ${source} (${names.size} files).`);
  process.exit(0);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
const provenance = {
  source: "shared/reference (the project's reference data, measured with Debian python3-torch 1.13.1 and python3-torchvision 0.14.1)",
  copiedAt: new Date().toISOString(),
  sha256: want,
};
writeFileSync(join(target, 'PROVENANCE.json'), `${JSON.stringify(provenance, null, 2)}\n`);
console.log(`Copied ${Object.keys(want).length} files from ${source} into ${relative(root, target)}.`);
