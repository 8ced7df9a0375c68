import type { FeatureStage } from '@zoo/core-blocks/family';

/** One output of a trunk in forward order: the zoo layer, the reference's module path, channels, stride. */
export type TrunkOutput = readonly [layer: string, module: string, channels: number, stride: number];

/**
 * The last output at each reduction, before the next downsampling: the rule timm's
 * `feature_info` follows, applied here to the reference's own modules.
 */
export function lastAtEachReduction(outputs: readonly TrunkOutput[]): FeatureStage[] {
  const stages: FeatureStage[] = [];
  let reduction = 1;
  for (const [layer, module, channels, stride] of outputs) {
    reduction *= stride;
    if (stages.at(-1)?.reduction === reduction) stages.pop();
    stages.push({ layer, module, channels, reduction });
  }
  return stages;
}

/**
 * The layer `invertedResidual` of core-blocks ends a block with: the shortcut's `add` where it
 * has one, else the projection's BatchNorm (`conv.<k+1>` in the `'conv'` layout, `block.<k>.1`
 * in `'block'`), `k` counting the expansion, the depthwise conv and squeeze-excite before it.
 */
export function invertedResidualOutput(
  name: string,
  layout: 'conv' | 'block',
  inChannels: number,
  expanded: number,
  out: number,
  stride: number,
  se = false,
): string {
  if (stride === 1 && inChannels === out) return `${name}.add`;
  const k = Number(expanded !== inChannels) + 1 + Number(se);
  return layout === 'conv' ? `${name}.conv.${k + 1}` : `${name}.block.${k}.1`;
}
