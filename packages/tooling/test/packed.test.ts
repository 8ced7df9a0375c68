import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publishable, run, type WorkspacePackage } from './workspace.js';

// What a user downloads: each package packed as `pnpm publish` packs it, checked for its file
// list, then by publint and by arethetypeswrong for ESM consumers and bundlers.
const packages = publishable();
const packed = new Map<string, { tarball: string; files: string[] }>();
let dest: string;

beforeAll(() => {
  dest = mkdtempSync(join(tmpdir(), 'zoo-packed-'));
  for (const p of packages) {
    const out = JSON.parse(run('pnpm', ['pack', '--json', '--pack-destination', dest], { cwd: p.dir }).stdout);
    packed.set(p.name, { tarball: out.filename, files: out.files.map((f: { path: string }) => f.path).sort() });
  }
}, 120_000);

afterAll(() => {
  if (dest) rmSync(dest, { recursive: true, force: true });
});

it('every published package is a dev dependency of this one, so turbo builds it before these tests pack it', () => {
  const own = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
  expect(packages.map((p) => p.name).filter((n) => own.devDependencies?.[n] !== 'workspace:*')).toEqual([]);
});

const bin = (name: string) => join(import.meta.dirname, '..', 'node_modules', '.bin', name);

/** Files a package may ship: built modules and their types, its README and changelog, and data it declares. */
function allowed(p: WorkspacePackage, file: string): boolean {
  if (['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(file)) return true;
  if (/^dist\/.+\.(js|d\.ts)$/.test(file)) return true;
  const extra = (p.manifest.files as string[]).filter((f) => !f.startsWith('!') && f !== 'dist' && f !== 'README.md');
  return extra.some((dir) => file.startsWith(`${dir}/`));
}

describe.each(packages.map((p) => [p.name, p] as const))('%s as published', (name, p) => {
  it('contains only what it needs: modules, types, README; no tests, fixtures, sources or source maps', () => {
    const { files } = packed.get(name)!;
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((f) => !allowed(p, f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|tests|__tests__|fixtures|src)\/|\.map$|\.tsbuildinfo$|\.test\./.test(f))).toEqual([]);
    // Every module comes with its types.
    const js = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('declares no workspace or catalog protocol in its packed manifest', () => {
    const manifest = run('tar', ['-xzOf', packed.get(name)!.tarball, 'package/package.json']).stdout;
    expect(manifest).not.toMatch(/"(workspace|catalog):/);
    expect(JSON.parse(manifest).version).toBe(p.version);
  });

  it('passes publint (strict)', () => {
    const r = run(bin('publint'), ['run', '--strict', packed.get(name)!.tarball], { check: false });
    expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: expect.stringContaining('All good!') });
  });

  it('has types that resolve for ESM consumers and bundlers (arethetypeswrong, esm-only profile)', () => {
    const r = run(bin('attw'), [packed.get(name)!.tarball, '--profile', 'esm-only', '--format', 'ascii'], { check: false });
    expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: expect.stringContaining('node16 (from ESM)') });
  });
});
