import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { readSafetensorsFile } from '@zoo/core-blocks/node';
import { ensureTorch, type Fixtures, fixturesPassed, fixturesRoot, referenceFixtures } from '../src/index.js';

describe('reference fixtures', () => {
  it('live in the ignored .fixtures folder at the workspace root', () => {
    expect(fixturesRoot()).toMatch(/[/\\]\.fixtures[/\\]parity$/);
  });

  it('finds PyTorch, or says how to install it', async () => {
    await expect(ensureTorch()).resolves.toBeUndefined();
  }, 300_000); // `import torch` alone takes tens of seconds on a cold, busy 2-core machine

  it('hold a state dict with randomised BatchNorm statistics, an NCHW input and the output', async () => {
    const f = await referenceFixtures({ reference: 'resnet18', seed: 0, batch: 2, sizes: [64], kwargs: {}, calibSize: 224 });
    const ckpt = await readSafetensorsFile(f.checkpoint);
    expect(ckpt.info('conv1.weight')?.shape).toEqual([64, 3, 7, 7]);
    expect(ckpt.info('bn1.num_batches_tracked')?.dtype).toBe('I64');
    const mean = ckpt.float32('layer1.0.bn1.running_mean');
    const variance = ckpt.float32('layer1.0.bn1.running_var');
    const gamma = ckpt.float32('layer1.0.bn1.weight');
    expect(mean.some((v) => v !== 0)).toBe(true);
    expect(variance.some((v) => v !== 1)).toBe(true);
    expect(gamma.some((v) => v !== 1)).toBe(true);
    const io = await readSafetensorsFile(f.io.get(64)!);
    expect(io.info('input')?.shape).toEqual([2, 3, 64, 64]);
    expect(io.info('output')?.shape).toEqual([2, 1000]);
  }, 120_000);
});

describe('transient fixtures (ZOO_FIXTURES_TRANSIENT=1, as CI runs)', () => {
  const saved = process.env.ZOO_FIXTURES_TRANSIENT;
  afterEach(() => {
    if (saved === undefined) delete process.env.ZOO_FIXTURES_TRANSIENT;
    else process.env.ZOO_FIXTURES_TRANSIENT = saved;
  });

  /** A fixtures folder as `referenceFixtures` lays it out, made for `sizes`. */
  function fakeFixtures(sizes: number[]): Fixtures {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-fixtures-'));
    const f: Fixtures = { dir, checkpoint: join(dir, 'checkpoint.safetensors'), io: new Map() };
    writeFileSync(f.checkpoint, 'weights');
    for (const s of sizes) {
      f.io.set(s, join(dir, `io-${s}x${s}-batch2.safetensors`));
      writeFileSync(f.io.get(s)!, 'io');
    }
    return f;
  }

  it('are deleted once every size they were made for has passed, not before', () => {
    process.env.ZOO_FIXTURES_TRANSIENT = '1';
    const f = fakeFixtures([224, 199]);
    expect(fixturesPassed(f, 224)).toBe(false);
    expect(existsSync(f.checkpoint)).toBe(true);
    expect(fixturesPassed(f, 199)).toBe(true);
    expect(existsSync(f.dir)).toBe(false);
  });

  it('stay, to be reused, when the variable is not set', () => {
    delete process.env.ZOO_FIXTURES_TRANSIENT;
    const f = fakeFixtures([64]);
    expect(fixturesPassed(f, 64)).toBe(false);
    expect(existsSync(f.checkpoint)).toBe(true);
    rmSync(f.dir, { recursive: true });
  });
});
