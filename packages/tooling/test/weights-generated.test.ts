import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ensureTimm } from '@zoo/parity';
import { ROOT } from './workspace.js';

// The weight sets are data generated from torchvision's and timm's own metadata: a hand edit, or
// a sources file changed without regenerating, fails here with the files that differ.
describe('generated weight sets', () => {
  it('equal what scripts/generate-weights.mjs writes from torchvision 0.14 and timm 1.0.29', async () => {
    await ensureTimm();
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'generate-weights.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => /stale|differs|error/i.test(l))).toEqual([]);
    expect(r.status).toBe(0);
  }, 600_000);
});
