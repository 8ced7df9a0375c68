import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyWorkspace, run } from './workspace.js';

// A contributor's path: a clone, `pnpm new-family <name>`, then turbo builds and tests the new
// package at once and the CLI lists its model, with no edit anywhere else.
const NAME = 'demo-nets';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zoo-new-family-'));
  // With the packages' builds: the tooling's checks below pack every package of the copy.
  copyWorkspace(root, { withBuilds: true });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const newFamily = (...args: string[]) => run('node', ['scripts/new-family.mjs', ...args], { cwd: root, check: false });

describe('pnpm new-family', () => {
  it.each([
    ['Demo_Nets', /not a valid family name: use lowercase kebab-case/],
    ['demo--nets', /not a valid family name/],
    ['9nets', /not a valid family name/],
    ['cnn-classic', /packages\/cnn-classic already exists/],
    ['', /Give the family a name/],
  ])('refuses %p with a clear error and writes nothing', (name, message) => {
    const listing = () => [...readdirSync(join(root, 'packages')), ...readdirSync(join(root, '.changeset'))].sort();
    const before = listing();
    const r = newFamily(...(name ? [name] : []), '--no-install');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(listing()).toEqual(before);
  });

  it(
    'creates a family package that builds, passes its tests and is listed by the CLI',
    () => {
      const before = new Set(readdirSync(join(root, 'packages')));
      run('node', ['scripts/new-family.mjs', NAME], { cwd: root });
      expect(readdirSync(join(root, 'packages')).filter((d) => !before.has(d))).toEqual([NAME]);

      const pkg = join(root, 'packages', NAME);
      for (const file of [
        'package.json',
        'README.md',
        'tsconfig.json',
        'tsconfig.build.json',
        'jest.config.js',
        'src/index.ts',
        'src/catalog.ts',
        'src/families.ts',
        'src/models.generated.ts',
        'src/package-name.ts',
        'src/register.ts',
        `src/${NAME}.ts`,
        `test/${NAME}.test.ts`,
        'test/family.test.ts',
      ]) {
        expect(existsSync(join(pkg, file))).toBe(true);
      }
      // Set up as a family package with nothing special is (cnn-classic runs two jest workers, mobile longer timeouts).
      for (const file of ['tsconfig.json', 'tsconfig.build.json', 'jest.config.js']) {
        expect(readFileSync(join(pkg, file), 'utf8')).toBe(readFileSync(join(root, 'packages/transformers', file), 'utf8'));
      }
      const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
      expect(manifest).toMatchObject({
        name: `@zoo/${NAME}`,
        zoo: { catalog: './catalog' },
        sideEffects: ['./dist/index.js', './dist/register.js'],
        dependencies: { '@zoo/core-blocks': 'workspace:^' },
        peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0', '@tensorflow/tfjs-layers': '^4.22.0' },
      });
      expect(Object.keys(manifest.exports)).toEqual(['.', './catalog', './register', './package.json']);
      const source = readFileSync(join(pkg, `src/${NAME}.ts`), 'utf8');
      expect(source).toMatch(/DEMO_NETS_SPECS = \{\n\s+demo_nets_tiny: \{/);
      expect(source).not.toMatch(/__(family|Family|FAMILY|model)__/);
      // The variant's name is written once, in its spec row: its constant and the catalog are generated from it.
      expect(readFileSync(join(pkg, 'src/models.generated.ts'), 'utf8')).toMatch(
        "export const demo_nets_tiny = /* @__PURE__ */ DEMO_NETS.entry('demo_nets_tiny'",
      );
      run('node', ['scripts/generate-models.mjs', '--check'], { cwd: root });
      expect(readFileSync(join(root, '.changeset', `${NAME}-new-family.md`), 'utf8')).toMatch(`'@zoo/${NAME}': minor`);
      // What depends on every family (the docs site, the tooling, ...) depends on the new one: turbo
      // learns the build order from these dependencies.
      for (const consumer of ['package.json', 'apps/docs/package.json', 'packages/tooling/package.json', 'packages/fused/package.json']) {
        const manifest = JSON.parse(readFileSync(join(root, consumer), 'utf8'));
        expect([consumer, manifest.devDependencies[`@zoo/${NAME}`]]).toEqual([consumer, 'workspace:*']);
      }

      // The package builds (with the packages it depends on), lints, type-checks and tests at once.
      const turbo = run('pnpm', ['turbo', 'run', 'build', 'lint', 'typecheck', 'test', `--filter=@zoo/${NAME}`], { cwd: root });
      expect(turbo.stdout).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      // The family's own tests and the suite every family shares (describeFamilyPackage), all passing.
      expect(turbo.stdout).toMatch(`PASS test/${NAME}.test.ts`);
      expect(turbo.stdout).toMatch('PASS test/family.test.ts');
      expect(turbo.stdout).not.toMatch(/Tests:.*failed/);

      // The tooling's own checks of every package see the new one: it is a dev dependency of the
      // tooling (so turbo builds it first), packs with only its modules, types and README, and
      // passes publint and arethetypeswrong.
      const tooling = run(
        process.execPath,
        ['--experimental-vm-modules', '--no-warnings', 'node_modules/jest/bin/jest.js', '--runInBand', '--verbose', 'test/packed.test.ts'],
        { cwd: join(root, 'packages', 'tooling') },
      );
      expect(tooling.stderr).toMatch(`@zoo/${NAME} as published`);
      expect(tooling.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      expect(tooling.stderr).not.toMatch(/Tests:.*failed/);

      // The docs site documents it with no edit: the generator finds the package, profiles its model
      // and writes its card and index row. What a contributor runs first, as the generator asks:
      // the quantization figures of the models the committed file lacks (here the new one only).
      run('node', ['scripts/measure-quantization.mjs', '--resume', '--no-fashion-mnist'], { cwd: join(root, 'apps', 'docs') });
      run('node', ['scripts/generate.mjs'], { cwd: join(root, 'apps', 'docs') });
      const card = readFileSync(join(root, 'apps', 'docs', '.gen', 'models', 'demo_nets_tiny.md'), 'utf8');
      expect(card).toMatch('DemoNets');
      expect(readFileSync(join(root, 'apps', 'docs', '.gen', 'models', 'index.md'), 'utf8')).toMatch('demo_nets_tiny');

      const list = run('node', ['packages/profiler/dist/cli.js', 'list', '--json'], { cwd: root });
      const models = JSON.parse(list.stdout) as { name: string; package: string; family: string }[];
      expect(models).toContainEqual(expect.objectContaining({ name: 'demo_nets_tiny', package: `@zoo/${NAME}`, family: 'DemoNets' }));

      expect(newFamily(NAME, '--no-install')).toMatchObject({ status: 2, stderr: expect.stringMatching(/already exists/) });
    },
    6 * 60_000,
  );
});
