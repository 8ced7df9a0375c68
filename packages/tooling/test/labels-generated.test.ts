import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { classLabels, LABELLED_DATASETS } from '@zoo/core-blocks/family';
import { ensureTimm, PYTHON, pythonEnv } from '@zoo/parity';
import { discoverFamilies } from '@zoo/profiler/node';
import { ROOT, workspacePackages } from './workspace.js';

// The class names of the larger ImageNet subsets are data generated from timm's own lists: they
// must be what the script writes, decode to exactly timm's `label_descriptions()`, and cover the
// data set of every weight set with classes beyond ImageNet-1k's.
describe('generated class names', () => {
  const dir = join(ROOT, 'packages', 'core-blocks');
  const script = join(dir, 'scripts', 'timm-labels.py');

  it("equal timm 1.0.29's ImageNetInfo lists, subset by subset", async () => {
    await ensureTimm();
    const env = pythonEnv(true);
    const check = spawnSync(PYTHON, [script, '--check'], { cwd: dir, encoding: 'utf8', env });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const tmp = mkdtempSync(join(tmpdir(), 'zoo-labels-'));
    try {
      const dump = spawnSync(PYTHON, [script, '--dump', join(tmp, 'labels.json')], { cwd: dir, encoding: 'utf8', env });
      expect(dump.status).toBe(0);
      const timm = JSON.parse(readFileSync(join(tmp, 'labels.json'), 'utf8')) as Record<string, string[]>;
      expect(Object.keys(timm).sort()).toEqual(LABELLED_DATASETS.filter((d) => d !== 'imagenet-1k').sort());
      for (const [subset, names] of Object.entries(timm))
        expect([subset, [...((await classLabels(subset)) ?? [])]]).toEqual([subset, names]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 300_000);

  it("name the classes of every weight set that predicts an ImageNet subset's", async () => {
    const families = await discoverFamilies(ROOT);
    // Every family package of the workspace is found (a family declares `zoo.catalog` in its manifest).
    expect(families.map((f) => f.name)).toEqual(
      workspacePackages()
        .filter((p) => p.manifest.zoo)
        .map((p) => p.name)
        .sort(),
    );
    const sets = families.flatMap((f) => f.catalog).flatMap((e) => e.weights);
    const unnamed = [];
    for (const s of sets) {
      if (s.classes.count === 0 || !s.classes.dataset.startsWith('imagenet')) continue;
      const names = await classLabels(s.classes.dataset);
      if (names?.length !== s.classes.count) unnamed.push(`${s.name}: ${s.classes.dataset} (${s.classes.count})`);
    }
    expect(unnamed).toEqual([]);
  });
});
