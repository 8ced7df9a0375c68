import { describe, expect, it } from '@jest/globals';
import { readSafetensorsFile } from '@zoo/core-blocks/node';
import { ensureTorch, fixturesRoot, referenceFixtures } from '../src/index.js';

describe('reference fixtures', () => {
  it('live in the ignored .fixtures folder at the workspace root', () => {
    expect(fixturesRoot()).toMatch(/[/\\]\.fixtures[/\\]parity$/);
  });

  it('finds PyTorch, or says how to install it', async () => {
    await expect(ensureTorch()).resolves.toBeUndefined();
  }, 60_000);

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
