import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, jest } from '@jest/globals';

const run = promisify(execFile);
// Each test starts a Node process that loads TF.js: seconds on a busy 2-core machine.
jest.setTimeout(60_000);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// A project that installed a third-party family package (test/fixtures/node_modules/@example).
const project = fileURLToPath(new URL('./fixtures', import.meta.url));

async function zoo(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: project });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('zoo CLI', () => {
  it('lists the models of installed family packages as JSON', async () => {
    const { code, stdout } = await zoo('list', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { name: string; family: string; package: string }[];
    expect(rows).toContainEqual(expect.objectContaining({ name: 'tinynet', family: 'TinyNet', package: '@example/tiny-family' }));
  });

  it('profiles one model as JSON with the documented fields', async () => {
    const { code, stdout } = await zoo('profile', 'tinynet', '--json');
    expect(code).toBe(0);
    const p = JSON.parse(stdout);
    expect(p).toMatchObject({ name: 'tinynet', family: 'TinyNet', outputShape: [1, 1000] });
    // conv: 8x8 outputs x 4 filters x 3 inputs x 9; fc: 4 -> 1000.
    expect(p.macs).toEqual({ convLinear: 8 * 8 * 4 * 3 * 9 + 4 * 1000, total: 8 * 8 * 4 * 3 * 9 + 4 * 1000 });
    expect(p.params.trainable).toBe(4 * 3 * 9 + 4 + 4 * 1000 + 1000);
    expect(p.params.total).toBe(p.params.trainable);
  });

  it('prints a readable per-layer table', async () => {
    const { code, stdout } = await zoo('profile', 'tinynet');
    expect(code).toBe(0);
    expect(stdout).toMatch(/conv\s+Conv2d\s+\[null,8,8,4\]\s+112\s+6,912/);
  });

  it('suggests close names for an unknown model and fails', async () => {
    const { code, stderr } = await zoo('profile', 'tinynte');
    expect(code).toBe(1);
    expect(stderr).toMatch(/Unknown model `tinynte`. Did you mean `tinynet`\?/);
  });

  it('compares models without reference figures and says so', async () => {
    const { code, stdout } = await zoo('compare', '--family', 'TinyNet', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ name: 'tinynet', reference: null, matches: null })]);
  });

  it('rejects unknown commands and families with usage errors', async () => {
    expect((await zoo('frobnicate')).code).toBe(2);
    const fam = await zoo('compare', '--family', 'Nope');
    expect(fam.code).toBe(2);
    expect(fam.stderr).toMatch(/No family `Nope`. Installed families: .*TinyNet/);
  });
});
