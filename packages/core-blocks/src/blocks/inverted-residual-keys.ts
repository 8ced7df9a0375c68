import type { KeyRule } from '../keys/convention.js';

/** Where one `invertedResidual` block sits in timm's model and in the zoo's, and what it holds. */
export interface InvertedResidualPlace {
  /** timm's module path (`blocks.2.1`: stage 2, block 1). */
  readonly timm: string;
  /** The zoo's block name (torchvision's: `features.5`, `features.3.1`). */
  readonly zoo: string;
  /** Whether the block has an expanding 1x1 convolution (torchvision leaves it out at expansion 1). */
  readonly expand: boolean;
  readonly se: boolean;
  /** The block's `layout` (see `InvertedResidualArgs`). */
  readonly layout?: 'block' | 'conv';
}

const escapeDots = (s: string) => s.replace(/\./g, '\\.');

/**
 * Key rules from timm's EfficientNet-family blocks (`timm/models/_efficientnet_blocks.py`) to the
 * zoo's `invertedResidual`: timm's depthwise-separable block (no expansion) is `conv_dw`, `bn1`,
 * `se`, `conv_pw`, `bn2`; its inverted residual `conv_pw`, `bn1`, `conv_dw`, `bn2`, `se`,
 * `conv_pwl`, `bn3`; its SE convolutions `conv_reduce`/`conv_expand` are the zoo's `fc1`/`fc2`.
 * Derived per block from a family's own block table, since torchvision numbers the units of a
 * block by which it has, and some families number blocks across stages (MobileNetV2's `features.i`).
 */
export function timmInvertedResidualRules(places: readonly InvertedResidualPlace[]): KeyRule[] {
  const rules: KeyRule[] = [];
  for (const p of places) {
    const layout = p.layout ?? 'block';
    const unit = (i: number) => `${p.zoo}.${layout}.${i}`;
    const order: [string, string][] = [];
    let i = 0;
    if (p.expand) {
      order.push(['conv_pw', `${unit(i)}.0`], ['bn1', `${unit(i)}.1`]);
      i++;
    }
    order.push(['conv_dw', `${unit(i)}.0`], [p.expand ? 'bn2' : 'bn1', `${unit(i)}.1`]);
    i++;
    if (p.se) order.push(['se', unit(i++)]);
    const [project, projectNorm] = p.expand ? ['conv_pwl', 'bn3'] : ['conv_pw', 'bn2'];
    if (layout === 'block') order.push([project, `${unit(i)}.0`], [projectNorm, `${unit(i)}.1`]);
    else order.push([project, unit(i)], [projectNorm, unit(i + 1)]);
    for (const [timmName, zooName] of order) rules.push({ from: new RegExp(`^${escapeDots(p.timm)}\\.${timmName}\\.`), to: `${zooName}.` });
  }
  rules.push({ from: /\.conv_reduce\./, to: '.fc1.' }, { from: /\.conv_expand\./, to: '.fc2.' });
  return rules;
}

/** timm's stage and block index of each block when its stages are runs of equal output width: `blocks.s.j`. */
export function timmStagePaths(outChannels: readonly number[]): string[] {
  const paths: string[] = [];
  let stage = -1;
  let j = 0;
  outChannels.forEach((c, i) => {
    if (i === 0 || c !== outChannels[i - 1]) {
      stage++;
      j = 0;
    }
    paths.push(`blocks.${stage}.${j++}`);
  });
  return paths;
}
