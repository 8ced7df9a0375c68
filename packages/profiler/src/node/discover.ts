import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Innovation } from '@zoo/core-blocks/docs';
import { type ModelEntry, registerFamily } from '@zoo/core-blocks/family';

/** A package that declares a zoo catalog in its package.json (`"zoo": { "catalog": "./catalog" }`). */
export interface FamilyPackage {
  name: string;
  version: string;
  dir: string;
  catalog: readonly ModelEntry[];
  /** The ideas the family documents (the `innovations` export of its `zoo.innovations` subpath, if it declares one). */
  innovations: readonly Innovation[];
}

interface PackageJson {
  name?: string;
  version?: string;
  zoo?: { catalog?: string; innovations?: string };
  exports?: Record<string, unknown>;
}

/**
 * Finds every installed family package: those in `node_modules` folders from `from` up to the
 * file-system root, and, inside a pnpm workspace, the workspace's own packages. A family is
 * found by its package.json alone, so a new family needs no change anywhere else. Each one found
 * is registered with the front door, so `getModel` and `createModel` reach its models by name.
 */
export async function discoverFamilies(
  from = process.cwd(),
  onSkip: (pkg: string, reason: string) => void = () => {},
): Promise<FamilyPackage[]> {
  const dirs = new Map<string, PackageJson>();
  const consider = (dir: string) => {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) return;
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.zoo?.catalog && pkg.name) dirs.set(realpathSync(dir), pkg);
    } catch {
      // An unreadable package.json is not a zoo family.
    }
  };
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const pkgDir of packagesIn(join(dir, 'node_modules'))) consider(pkgDir);
    for (const pkgDir of workspacePackages(dir)) consider(pkgDir);
    if (dirname(dir) === dir) break;
  }
  const byName = new Map<string, FamilyPackage>();
  for (const [dir, pkg] of dirs) {
    if (byName.has(pkg.name!)) continue;
    const target = exportTarget(pkg, pkg.zoo!.catalog!);
    if (!existsSync(join(dir, target))) {
      onSkip(pkg.name!, `its catalog ${target} is missing (not built yet? run \`pnpm build\`)`);
      continue;
    }
    const mod = (await import(pathToFileURL(join(dir, target)).href)) as { catalog?: readonly ModelEntry[] };
    if (!Array.isArray(mod.catalog)) throw new Error(`${pkg.name} declares a zoo catalog at ${target} but exports no \`catalog\` array.`);
    // The innovation pages are a subpath of their own (`zoo.innovations`), apart from the catalog
    // an app's front door loads: their figures are docs-only code.
    let innovations: readonly Innovation[] = [];
    if (pkg.zoo!.innovations) {
      const file = join(dir, exportTarget(pkg, pkg.zoo!.innovations));
      const docs = (await import(pathToFileURL(file).href)) as { innovations?: readonly Innovation[] };
      if (!Array.isArray(docs.innovations))
        throw new Error(`${pkg.name} declares zoo innovations at ${file} but exports no \`innovations\` array.`);
      innovations = docs.innovations;
    }
    byName.set(pkg.name!, { name: pkg.name!, version: pkg.version ?? '0.0.0', dir, catalog: mod.catalog, innovations });
    // The front door (getModel, createModel, listModels) then reaches it by name.
    const catalog = mod.catalog;
    registerFamily(pkg.name!, () => catalog);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function packagesIn(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules).flatMap((name) => {
    if (name.startsWith('.')) return [];
    const p = join(nodeModules, name);
    return name.startsWith('@') ? readdirSync(p).map((sub) => join(p, sub)) : [p];
  });
}

/** Packages of a pnpm workspace rooted at `dir` (simple `folder/*` globs, as this repo uses). */
function workspacePackages(dir: string): string[] {
  const file = join(dir, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return [];
  const globs = [...readFileSync(file, 'utf8').matchAll(/^\s*-\s*['"]?([^'"\s#]+)\/\*['"]?\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((g) => {
    const parent = join(dir, g);
    return existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name)) : [];
  });
}

/** Resolves a subpath (`./catalog`) through the package's `exports` map to a file. */
function exportTarget(pkg: PackageJson, subpath: string): string {
  let target: unknown = pkg.exports?.[subpath] ?? subpath;
  while (target && typeof target === 'object') {
    const t = target as Record<string, unknown>;
    target = t.import ?? t.default ?? t.node;
  }
  if (typeof target !== 'string') throw new Error(`${pkg.name}: cannot resolve its zoo catalog ${subpath}.`);
  return target;
}
