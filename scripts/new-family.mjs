#!/usr/bin/env node
// `pnpm new-family <name>`: creates packages/<name>, a family package with one example model,
// from templates/family, and a changeset announcing it. See docs/contributing.md.
// Markdown templates end in `.tmpl` so that no formatter reads their placeholders as emphasis.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEMPLATE = join(ROOT, 'templates', 'family');
const USAGE = 'Usage: pnpm new-family <name> [--no-install]   (name in lowercase kebab-case, e.g. `efficient-nets`)';

class UsageError extends Error {}

/** The spellings of the family name that the template's placeholders stand for. */
export function spellings(name) {
  const words = name.split('-');
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return {
    __family__: name,
    __Family__: pascal,
    __FAMILY__: words.join('_').toUpperCase(),
    __model__: `${words.join('_')}_tiny`,
  };
}

export function checkName(name, root = ROOT) {
  if (!name || name.startsWith('-')) throw new UsageError(`Give the family a name.\n${USAGE}`);
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new UsageError(
      `\`${name}\` is not a valid family name: use lowercase kebab-case (letters, digits and single hyphens, starting with a letter), e.g. \`efficient-nets\`.`,
    );
  }
  if (existsSync(join(root, 'packages', name))) throw new UsageError(`packages/${name} already exists: choose another name.`);
  for (const dir of ['packages', 'apps']) {
    if (!existsSync(join(root, dir))) continue;
    for (const sub of readdirSync(join(root, dir))) {
      const file = join(root, dir, sub, 'package.json');
      if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === `@zoo/${name}`) {
        throw new UsageError(`@zoo/${name} already exists (${dir}/${sub}): choose another name.`);
      }
    }
  }
}

/** The manifests of the workspace (the root's first), as paths relative to `root`. */
function manifests(root) {
  const out = ['package.json'];
  for (const dir of ['packages', 'apps']) {
    if (!existsSync(join(root, dir))) continue;
    for (const sub of readdirSync(join(root, dir)).sort()) {
      if (existsSync(join(root, dir, sub, 'package.json'))) out.push(join(dir, sub, 'package.json'));
    }
  }
  return out;
}

/**
 * The workspace manifests that depend on every family package (a package whose manifest declares
 * `"zoo": { "catalog": ... }`), other than the families themselves.
 */
export function familyConsumers(root = ROOT) {
  const read = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
  const all = manifests(root).map((file) => [file, read(file)]);
  const families = all.filter(([, pkg]) => pkg.zoo?.catalog).map(([, pkg]) => pkg.name);
  if (families.length === 0) return [];
  return all
    .filter(([, pkg]) => !pkg.zoo?.catalog)
    .filter(([, pkg]) => families.every((f) => pkg.devDependencies?.[f] || pkg.dependencies?.[f]))
    .map(([file]) => file);
}

function render(text, names) {
  return text.replace(/__(family|Family|FAMILY|model)__/g, (token) => names[token]);
}

function* templateFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* templateFiles(path);
    else yield path;
  }
}

export function newFamily(name, { root = ROOT, install = true } = {}) {
  checkName(name, root);
  const names = spellings(name);
  // Read before the new package exists: what depends on every family so far.
  const consumers = familyConsumers(root);
  const target = join(root, 'packages', name);
  const created = [];
  for (const file of templateFiles(TEMPLATE)) {
    const out = join(target, render(relative(TEMPLATE, file), names).replace(/\.tmpl$/, ''));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, render(readFileSync(file, 'utf8'), names));
    created.push(relative(root, out));
  }
  // Whatever depends on every family today (the root, the docs site, the tooling, fused and bench
  // tests) depends on the new one too: turbo orders builds by dependencies only, and those
  // packages find the families at run time (`discoverFamilies`), so the new package must be built
  // before them. The rule is read from the manifests, not a list kept here.
  for (const consumer of consumers) {
    const file = join(root, consumer);
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    pkg.devDependencies = Object.fromEntries(
      Object.entries({ ...pkg.devDependencies, [`@zoo/${name}`]: 'workspace:*' }).sort(([a], [b]) => a.localeCompare(b)),
    );
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    created.push(`${consumer} (devDependency @zoo/${name})`);
  }
  const changeset = join(root, '.changeset', `${name}-new-family.md`);
  writeFileSync(changeset, render(readFileSync(join(ROOT, 'templates', 'changeset.md.tmpl'), 'utf8'), names));
  created.push(relative(root, changeset));
  if (install) {
    // Links the new package into the workspace; CI's default of a frozen lockfile would refuse it.
    const r = spawnSync('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0)
      throw new Error(`pnpm install failed (exit ${r.status}); the files are in place: fix the cause and run \`pnpm install\`.`);
  }
  // The variant constants and the catalog follow from the family's spec rows: generated, not
  // templated. The generator parses TypeScript, so it runs once the workspace is installed.
  const models = spawnSync(process.execPath, [join(ROOT, 'scripts', 'generate-models.mjs'), '--package', target], {
    cwd: root,
    encoding: 'utf8',
  });
  if (models.status !== 0) {
    throw new Error(
      `scripts/generate-models.mjs failed on packages/${name}: ${models.stderr.trim()}\n` +
        'The files are in place: once `pnpm install` has run, `pnpm models:generate` writes src/models.generated.ts.',
    );
  }
  created.push(relative(root, join(target, 'src', 'models.generated.ts')));
  if (install) {
    // Names of other lengths than the placeholders' wrap lines differently: format and sort imports as the linter wants.
    const f = spawnSync('pnpm', ['exec', 'biome', 'check', '--write', join('packages', name)], { cwd: root, stdio: 'ignore' });
    if (f.status !== 0) throw new Error(`biome could not format packages/${name} (exit ${f.status}).`);
  }
  return { names, created };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const install = !args.includes('--no-install');
  const [name, ...rest] = args.filter((a) => a !== '--no-install');
  try {
    if (rest.length > 0) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}.\n${USAGE}`);
    const { names, created } = newFamily(name, { install });
    console.log(`Created @zoo/${name} with the example model \`${names.__model__}\`:\n${created.map((f) => `  ${f}`).join('\n')}`);
    console.log(`\nNext: pnpm turbo run build test --filter=@zoo/${name}, then replace the example (docs/contributing.md).`);
  } catch (err) {
    console.error(`new-family: ${err.message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}
