import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureTimm, PYTHON, pythonEnv } from './python.js';

const run = promisify(execFile);

export const FEATURE_INFO_SCRIPT = fileURLToPath(new URL('../scripts/feature_info.py', import.meta.url));

/** One stage of timm's `feature_info`, as timm writes it. */
export interface TimmStage {
  module: string;
  num_chs: number;
  reduction: number;
}

export interface TimmFeatureInfo {
  /** Every stage timm lists, shallowest first. */
  stages: TimmStage[];
  /** The stages `features_only=True` returns by default. */
  out_indices: number[];
}

/**
 * timm's `feature_info` for each named timm model (`resnet50`, `vit_base_patch16_224`), read from
 * timm 1.0.29 itself with one Python run: the reference for the zoo's `featureInfo`.
 */
export async function timmFeatureInfo(models: readonly string[]): Promise<Record<string, TimmFeatureInfo>> {
  await ensureTimm();
  try {
    const { stdout } = await run(PYTHON, [FEATURE_INFO_SCRIPT, ...models], { maxBuffer: 16 * 1024 * 1024, env: pythonEnv(true) });
    return JSON.parse(stdout) as Record<string, TimmFeatureInfo>;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${PYTHON} ${FEATURE_INFO_SCRIPT} ${models.join(' ')} failed:\n${e.stderr || e.message}`);
  }
}
