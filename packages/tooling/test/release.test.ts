import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type LocalRegistry, startRegistry } from './registry.js';
import { childEnv, copyWorkspace, publishable, run, type WorkspacePackage } from './workspace.js';

// The release path end to end, with the real tools: changesets versions a copy of the workspace
// and publishes every package to a local verdaccio, then a project outside the workspace
// installs `@zoo/mobile` from it and runs a model in Node. Nothing is published anywhere else:
// the copy's npm configuration points every registry at the local one.

/** The model the consumer runs: MobileNetV3-Small once `@zoo/mobile` has it. */
const MOBILE_MODEL = 'mobilenet_v3_small';
/** Until then, a model of a package that has models. */
const FALLBACK = { pkg: '@zoo/cnn-classic', model: 'resnet18' };

let work: string;
let registry: LocalRegistry | undefined;
let released: WorkspacePackage[];

const repo = () => join(work, 'repo');
const consumer = () => join(work, 'consumer');
const changeset = (args: string[], env: Record<string, string>) =>
  run(process.execPath, [join(repo(), 'node_modules', '@changesets', 'cli', 'bin.js'), ...args], { cwd: repo(), env: childEnv(env) });

/** GET with a retry: the registry may close an idle kept-alive socket as the request goes out. */
async function getJson(url: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(url)).json();
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'zoo-release-'));
  copyWorkspace(repo(), { withBuilds: true });
  // pnpm publish resolves `workspace:` ranges through the installed workspace (from the store).
  run('pnpm', ['install', '--offline', '--frozen-lockfile'], { cwd: repo() });
  registry = await startRegistry(mkdtempSync(join(work, 'registry-')));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 30_000);

describe('a release through a local registry', () => {
  it('versions every package with changesets and writes their changelogs', () => {
    const before = new Map(publishable(repo()).map((p) => [p.name, p.version]));
    const pending = readdirSync(join(repo(), '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pending.length).toBeGreaterThan(0);
    changeset(['version'], {});
    released = publishable(repo());
    for (const p of released) {
      expect({ name: p.name, changed: p.version !== before.get(p.name) }).toEqual({ name: p.name, changed: true });
      const changelog = readFileSync(join(p.dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toMatch(new RegExp(`^# ${p.name}\\n\\n## ${p.version.replaceAll('.', '\\.')}\\n`));
    }
    expect(readdirSync(join(repo(), '.changeset')).filter((f) => pending.includes(f))).toEqual([]);
  });

  it('publishes each package to the local registry, and nowhere else', async () => {
    const r = registry!;
    writeFileSync(join(repo(), '.npmrc'), `registry=${r.url}\n@zoo:registry=${r.url}\n${r.authKey}:_authToken=${r.token}\n`);
    const out = changeset(['publish', '--no-git-tag'], { npm_config_registry: r.url, 'npm_config_@zoo:registry': r.url });
    const log = out.stdout + out.stderr;
    for (const p of released) {
      const doc = (await getJson(`${r.url}${p.name.replace('/', '%2f')}`)) as {
        'dist-tags'?: { latest?: string };
        versions?: Record<string, { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }>;
      };
      expect({ name: p.name, latest: doc['dist-tags']?.latest }).toEqual({ name: p.name, latest: p.version });
      const manifest = doc.versions?.[p.version];
      // pnpm turns `workspace:^` into the range of the version just released.
      for (const [dep, range] of Object.entries(manifest?.dependencies ?? {})) {
        const sibling = released.find((s) => s.name === dep);
        if (sibling) expect({ dep, range }).toEqual({ dep, range: `^${sibling.version}` });
      }
      expect(JSON.stringify(manifest)).not.toMatch(/"(workspace|catalog):/);
    }
    expect(log).toMatch(/packages published successfully/);
    expect(log).not.toMatch(/registry\.npmjs\.org/);
  }, 300_000);

  it('installs @zoo/mobile alone in an empty project outside the workspace and runs a model', () => {
    const r = registry!;
    const dir = consumer();
    run('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'zoo-consumer', private: true, type: 'module' }, null, 2));
    // Only the zoo's scope comes from the local registry; TF.js comes from npm as usual.
    writeFileSync(join(dir, '.npmrc'), `@zoo:registry=${r.url}\n`);
    const npm = (args: string[]) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
    npm([
      'install',
      '@zoo/mobile',
      '@tensorflow/tfjs-core@4.22.0',
      '@tensorflow/tfjs-layers@4.22.0',
      '@tensorflow/tfjs-backend-cpu@4.22.0',
    ]);
    expect(readdirSync(join(dir, 'node_modules', '@zoo')).sort()).toEqual(['core-blocks', 'mobile']);
    const mobile = released.find((p) => p.name === '@zoo/mobile')!;
    expect(JSON.parse(readFileSync(join(dir, 'node_modules/@zoo/mobile/package.json'), 'utf8')).version).toBe(mobile.version);

    writeFileSync(
      join(dir, 'models.mjs'),
      'const { catalog } = await import(process.argv[2]);\nconsole.log(JSON.stringify(catalog.map((e) => e.name)));\n',
    );
    const mobileModels = JSON.parse(run('node', ['models.mjs', '@zoo/mobile'], { cwd: dir }).stdout) as string[];
    let target = { pkg: '@zoo/mobile', model: MOBILE_MODEL };
    if (!mobileModels.includes(MOBILE_MODEL)) {
      // @zoo/mobile has no MobileNetV3 yet: run a model of a package that has one.
      console.log(`@zoo/mobile offers [${mobileModels.join(', ')}]; running ${FALLBACK.model} from ${FALLBACK.pkg} instead.`);
      npm(['install', FALLBACK.pkg]);
      target = FALLBACK;
    }
    expect(existsSync(join(dir, 'node_modules', target.pkg, 'package.json'))).toBe(true);

    writeFileSync(
      join(dir, 'run.mjs'),
      `import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

const [pkg, name] = process.argv.slice(2);
const { catalog } = await import(pkg);
const entry = catalog.find((e) => e.name === name);
await tf.setBackend('cpu');
const model = entry.create({ inputShape: [64, 64, 3], numClasses: 10, classifierActivation: 'softmax' });
const y = model.predict(tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 1));
const p = Array.from(await y.data());
console.log(JSON.stringify({ name: entry.name, package: entry.package, shape: y.shape, sum: p.reduce((a, b) => a + b, 0), finite: p.every(Number.isFinite) }));
`,
    );
    const out = run('node', ['run.mjs', target.pkg, target.model], { cwd: dir }).stdout.trim().split('\n').pop()!;
    const result = JSON.parse(out);
    expect(result).toMatchObject({ name: target.model, package: target.pkg, shape: [2, 10], finite: true });
    expect(result.sum).toBeCloseTo(2, 4);
  }, 300_000);
});
