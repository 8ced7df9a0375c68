import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { installedProject, zoo as zooIn } from './installed-project.js';

jest.setTimeout(60_000);

const project = installedProject();
afterAll(() => project.remove());
const zoo = (...args: string[]) => zooIn(project.dir, ...args);

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
    expect(stdout).toMatch(/conv\s+Conv2d\s+\[null,8,8,4\]\s+112\s+6,912\s+1\.0 KiB/);
    expect(stdout).toMatch(/weights\s+20\.0 KiB as float32, 10\.0 KiB as float16/);
  });

  it('writes CSV and Markdown for scripts and docs', async () => {
    const csv = await zoo('profile', 'tinynet', '--csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('layer,class,output shape,params,MACs,activations');
    expect(csv.stdout).toContain('conv,Conv2d,"[null,8,8,4]",112,6912,1.0 KiB');
    const md = await zoo('list', '--markdown');
    expect(md.stdout).toMatch(/^\| model \| family \| package \| paper \|\n\| --- \| --- \| --- \| --- \|/);
    expect(md.stdout).toContain('| tinynet | TinyNet | @example/tiny-family | A tiny network (2026) |');
    expect((await zoo('list', '--csv', '--json')).code).toBe(2);
  });

  it('collapses layers into blocks with --depth', async () => {
    const { stdout } = await zoo('profile', 'tinynet', '--depth', '1', '--json');
    expect(JSON.parse(stdout).layers.map((l: { name: string }) => l.name)).toEqual(['input', 'conv', 'avgpool', 'fc']);
    expect((await zoo('profile', 'tinynet', '--depth', '0')).stderr).toMatch(/--depth takes a positive integer/);
  });

  it('benchmarks on the backend asked for and reports leaks', async () => {
    const { code, stdout } = await zoo('bench', 'tinynet', '--backend', 'cpu', '--runs', '3', '--warmup', '1', '--json');
    expect(code).toBe(0);
    const [r] = JSON.parse(stdout);
    expect(r).toMatchObject({ name: 'tinynet', backend: 'cpu', runs: 3, inputShape: [1, 16, 16, 3], leakedTensors: 0 });
    expect(r.timesMs).toHaveLength(3);
    expect((await zoo('bench', 'tinynet', '--backend', 'gpu')).stderr).toMatch(/^zoo: --backend takes cpu or wasm in Node, got `gpu`\.\n$/);
  });

  it('suggests close names for an unknown model and fails', async () => {
    const { code, stderr } = await zoo('profile', 'tinynte');
    expect(code).toBe(1);
    // One line, no stack trace.
    expect(stderr).toMatch(/^zoo: Unknown model `tinynte`. Did you mean `tinynet`\?.*\n$/);
  });

  it('compares models without reference figures and says so', async () => {
    const { code, stdout, stderr } = await zoo('compare', '--family', 'TinyNet', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ name: 'tinynet', reference: null, matches: null })]);
    expect(stderr).toMatch(/1 models in [\d.]+ s wall time, peak RSS [\d.]+ MiB/);
  });

  it('rejects unknown commands and families with usage errors', async () => {
    expect((await zoo('frobnicate')).code).toBe(2);
    const fam = await zoo('compare', '--family', 'Nope');
    expect(fam.code).toBe(2);
    expect(fam.stderr).toMatch(/No family `Nope`. Installed families: .*TinyNet/);
  });
});
