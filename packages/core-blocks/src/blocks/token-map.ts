import * as tfl from '@tensorflow/tfjs-layers';
import { apply } from '../layers/apply.js';

/**
 * A transformer's tokens `[B, prefix + rows * cols, D]` as a feature map `[B, rows, cols, D]`, the
 * prefix tokens (class token) dropped: timm's `forward_intermediates` maps, channels last. Built
 * from TF.js's own layers (a crop and a reshape), so it runs and serialises everywhere.
 */
export function tokenMap(
  tokens: tfl.SymbolicTensor,
  grid: readonly [number, number],
  prefixTokens: number,
  name: string,
): tfl.SymbolicTensor {
  const dim = tokens.shape[2];
  if (dim == null) throw new Error(`tokenMap \`${name}\`: the tokens' width is unknown ([${tokens.shape}]).`);
  const n = tokens.shape[1];
  if (n != null && n !== prefixTokens + grid[0] * grid[1]) {
    throw new Error(`tokenMap \`${name}\`: ${n} tokens are not ${prefixTokens} + ${grid[0]}x${grid[1]}.`);
  }
  // TF.js has no 1-D crop: the tokens become a one-column image, cropped at the top.
  let x = tokens;
  if (prefixTokens > 0) {
    x = apply(tfl.layers.reshape({ targetShape: [-1, 1, dim], name: `${name}.column` }), x);
    x = apply(
      tfl.layers.cropping2D({
        cropping: [
          [prefixTokens, 0],
          [0, 0],
        ],
        name: `${name}.crop`,
      }),
      x,
    );
  }
  return apply(tfl.layers.reshape({ targetShape: [grid[0], grid[1], dim], name: `${name}.reshape` }), x);
}
