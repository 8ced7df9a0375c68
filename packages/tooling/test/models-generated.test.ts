import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ROOT } from './workspace.js';

const SCRIPT = join(ROOT, 'scripts', 'generate-models.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

// Each family package's variant constants and catalog are generated from its families' spec rows:
// a hand edit, or a spec row added without regenerating, fails here with the files that differ.
describe('generated models', () => {
  it('equal what scripts/generate-models.mjs writes from the spec rows', () => {
    const r = run('--check');
    expect(r.stderr.split('\n').filter((l) => /stale|missing|error/i.test(l))).toEqual([]);
    expect(r.stdout).toMatch(/packages\/cnn-classic\/src\/models\.generated\.ts is up to date \(53 variants of 10 families\)/);
    expect(r.stdout).toMatch(/packages\/mobile\/src\/models\.generated\.ts is up to date \(23 variants of 7 families\)/);
    expect(r.stdout).toMatch(/packages\/transformers\/src\/models\.generated\.ts is up to date \(8 variants of 2 families\)/);
    expect(r.status).toBe(0);
  }, 120_000);

  describe('in a package of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-models-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (family: string) => {
      mkdirSync(join(dir, 'src'), { recursive: true });
      writeFileSync(join(dir, 'src', 'families.ts'), "export { TINY } from './tiny.js';\n");
      writeFileSync(join(dir, 'src', 'tiny.ts'), family);
    };

    it('writes a constant per spec row, in order, and the catalog', () => {
      write(
        [
          "import { defineFamily } from '@zoo/core-blocks/family';",
          'export const TINY_SPECS = {',
          '  /** The small one. */',
          '  tiny_s: { width: 8 },',
          "  'tiny_m': { width: 16 },",
          '} as const satisfies Record<string, { width: number }>;',
          "export const TINY = /* @__PURE__ */ defineFamily(TINY_SPECS, (name) => ({ name, family: 'Tiny' }) as never);",
          '',
        ].join('\n'),
      );
      const r = run('--package', dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const check = run('--check', '--package', dir);
      expect(check.status).toBe(0);
      const text = readFileSync(join(dir, 'src', 'models.generated.ts'), 'utf8');
      expect(text).toContain("import { TINY } from './families.js';");
      expect(text).toContain("/** The small one. */\nexport const tiny_s = /* @__PURE__ */ TINY.entry('tiny_s');");
      expect(text).toContain(
        "/** Tiny `tiny_m`: its spec row in `TINY_SPECS` (tiny.ts), built by `TINY`. */\nexport const tiny_m = /* @__PURE__ */ TINY.entry('tiny_m');",
      );
      expect(text).toContain('export const catalog: readonly ModelEntry[] = [tiny_s, tiny_m];');
      writeFileSync(join(dir, 'src', 'models.generated.ts'), `${text}// edited\n`);
      const stale = run('--check', '--package', dir);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toMatch(/models\.generated\.ts is stale\. Run `pnpm models:generate`\./);
    });

    it('refuses specs it cannot read without running the code, saying what shape it expects', () => {
      write(
        [
          "import { defineFamily } from '@zoo/core-blocks/family';",
          "const TINY_SPECS = Object.fromEntries(['tiny_s', 'tiny_m'].map((n) => [n, { width: 8 }]));",
          'export const TINY = /* @__PURE__ */ defineFamily(TINY_SPECS, (name) => ({ name }) as never);',
          '',
        ].join('\n'),
      );
      const r = run('--package', dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^models: error: .*src\/tiny\.ts: TINY: its specs are `Object\.fromEntries\(.*`, not an object literal \(CallExpression\)\. Expected `export const FAMILY = \/\* @__PURE__ \*\/ defineFamily\(FAMILY_SPECS, build\)` where FAMILY_SPECS is an object literal in the same module/,
      );

      write(
        [
          "import { defineFamily } from '@zoo/core-blocks/family';",
          "import { BASE } from './base.js';",
          'export const TINY = /* @__PURE__ */ defineFamily({ ...BASE, tiny_m: { width: 16 } }, (name) => ({ name }) as never);',
          '',
        ].join('\n'),
      );
      const spread = run('--package', dir);
      expect(spread.status).toBe(1);
      expect(spread.stderr).toMatch(
        /TINY: the spec row `\.\.\.BASE` has no static name \(a spread, a computed key or a method\)\. Expected/,
      );

      write(
        [
          "import { defineFamily } from '@zoo/core-blocks/family';",
          "import { TINY_SPECS } from './specs.js';",
          'export const TINY = /* @__PURE__ */ defineFamily(TINY_SPECS, (name) => ({ name }) as never);',
          '',
        ].join('\n'),
      );
      const imported = run('--package', dir);
      expect(imported.status).toBe(1);
      expect(imported.stderr).toMatch(
        /TINY: its specs `TINY_SPECS` are not a top-level const of the module \(an import or a computed value cannot be read without running it\)\. Expected/,
      );
    });
  });
});
