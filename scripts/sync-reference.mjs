#!/usr/bin/env node
// Copies the shared reference data (../shared/reference beside the repository) into
// packages/reference/data, and the survey notes (../shared/seed/*.txt) into
// packages/reference/data/seed, recording where they came from and the SHA-256 of every file.
//   node scripts/sync-reference.mjs          copy and record provenance
//   node scripts/sync-reference.mjs --check  fail if the copy differs from the shared files
// ZOO_SHARED_REFERENCE and ZOO_SHARED_SEED point elsewhere.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.env.ZOO_SHARED_REFERENCE ?? join(root, '..', 'shared', 'reference'));
const seedSource = resolve(process.env.ZOO_SHARED_SEED ?? join(root, '..', 'shared', 'seed'));
const target = join(root, 'packages', 'reference', 'data');
// The survey notes: their tables are what the docs' notes page checks against the reference.
const SEED = 'seed';
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
/** The notes' text files, keyed as they lie in the copy (seed/<name>). */
const seedFiles = () =>
  existsSync(seedSource)
    ? readdirSync(seedSource)
        .filter((n) => n.endsWith('.txt') && statSync(join(seedSource, n)).isFile())
        .sort()
    : [];

if (!existsSync(source)) {
  console.log(`No shared reference at ${source}: nothing to compare; the repository's copy stands.`);
  process.exit(0);
}
const reference = digest(source);
if (Object.keys(reference).some((n) => n === SEED || n.startsWith(`${SEED}/`))) {
  throw new Error(`${source} has its own ${SEED}/, which the copy of the survey notes would overwrite.`);
}
const seed = Object.fromEntries(seedFiles().map((n) => [`${SEED}/${n}`, sha256(join(seedSource, n))]));
const haveSeedSource = existsSync(seedSource);
if (!haveSeedSource) console.log(`No survey notes at ${seedSource}: the repository's copy of ${SEED}/ stands.`);
const want = { ...reference, ...seed };

if (check) {
  const have = existsSync(target) ? digest(target) : {};
  const names = new Set([...Object.keys(want), ...Object.keys(have)]);
  // Without the shared notes there is nothing to compare the repository's copy of them with.
  const compared = [...names].filter((n) => haveSeedSource || !n.startsWith(`${SEED}/`));
  const stale = compared.filter((n) => want[n] !== have[n]);
  if (stale.length) {
    console.error(
      `packages/reference/data is stale against ${source} and ${seedSource}: ${stale.join(', ')}. Run \`pnpm reference:sync\`.`,
    );
    process.exit(1);
  }
  console.log(`packages/reference/data matches ${source} and ${seedSource} (${compared.length} files).`);
  process.exit(0);
}

// Without the shared notes, the repository's copy of them survives the refresh of the rest.
let kept = null;
if (!haveSeedSource && existsSync(join(target, SEED))) {
  kept = mkdtempSync(join(tmpdir(), 'zoo-seed-'));
  cpSync(join(target, SEED), kept, { recursive: true });
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
mkdirSync(join(target, SEED), { recursive: true });
if (kept) {
  cpSync(kept, join(target, SEED), { recursive: true });
  rmSync(kept, { recursive: true, force: true });
}
for (const n of seedFiles()) cpSync(join(seedSource, n), join(target, SEED, n));
const provenance = {
  source: "shared/reference (the project's reference data, measured with Debian python3-torch 1.13.1 and python3-torchvision 0.14.1)",
  seed: `shared/${SEED} (the user's survey notes, copied as they are: their tables are checked on the docs' notes page)`,
  copiedAt: new Date().toISOString(),
  sha256: kept ? { ...want, ...digestUnder(join(target, SEED), SEED) } : want,
};
writeFileSync(join(target, 'PROVENANCE.json'), `${JSON.stringify(provenance, null, 2)}\n`);
console.log(
  `Copied ${Object.keys(reference).length} files from ${source} and ${Object.keys(seed).length} from ${seedSource} into ${relative(root, target)}.`,
);

function digestUnder(dir, prefix) {
  return Object.fromEntries(Object.entries(digest(dir)).map(([n, h]) => [`${prefix}/${n}`, h]));
}
