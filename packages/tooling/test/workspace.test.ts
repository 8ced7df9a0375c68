import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { cloneFiles, ROOT } from './workspace.js';

// The workspace copies of the generator and release tests take what a clone has. A concurrent
// parity run writes gigabytes of fixtures into the ignored `.fixtures/`; copying them once filled
// CI's /tmp and failed every test that copies the workspace.
describe('cloneFiles', () => {
  const planted = join(ROOT, '.fixtures', 'zoo-tooling-probe', 'checkpoint.safetensors');
  afterAll(() => rmSync(join(ROOT, '.fixtures', 'zoo-tooling-probe'), { recursive: true, force: true }));

  it('lists the tracked sources and leaves out ignored files, modules and build outputs', () => {
    mkdirSync(join(ROOT, '.fixtures', 'zoo-tooling-probe'), { recursive: true });
    writeFileSync(planted, 'not a real checkpoint');
    const files = cloneFiles();
    expect(files).toEqual(expect.arrayContaining(['package.json', 'pnpm-lock.yaml', 'packages/tooling/test/workspace.ts']));
    const leaked = files.filter((f) => /(^|\/)(\.fixtures|node_modules|dist|\.turbo|coverage|test-artifacts)\//.test(f));
    // The profiler's fixture package is a tracked `node_modules` on purpose (a fake install).
    expect(leaked.filter((f) => !f.startsWith('packages/profiler/test/fixtures/node_modules/'))).toEqual([]);
    expect(files).not.toContain('.fixtures/zoo-tooling-probe/checkpoint.safetensors');
  });
});
