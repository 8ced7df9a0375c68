import * as tfl from '@tensorflow/tfjs-layers';
import { ZooOptionError } from '../base/errors.js';
import { activation } from '../layers/activation.js';
import { apply } from '../layers/apply.js';
import { torchBatchNorm } from '../layers/batch-norm.js';
import { ChannelPool } from '../layers/channel-pool.js';
import { Conv2d } from '../layers/conv2d.js';
import { initializer } from '../layers/init.js';
import { linear } from '../layers/linear.js';

export interface CbamArgs {
  /** Module path of the CBAM module (`layer1.0.cbam`); its parts are named under it. */
  name: string;
  /** Hidden width of the shared MLP is channels / reductionRatio (rounded down), default 16. */
  reductionRatio?: number;
  /** Kernel of the spatial gate's convolution, default 7 (padding keeps the size). */
  spatialKernelSize?: number;
  /** Channel gate only (the authors' `no_spatial`), default false. */
  noSpatial?: boolean;
  /**
   * Start the spatial gate's BatchNorm scale at zero, as the authors' ResNet initialises it
   * (every gate then starts at sigmoid(0) = 0.5). Default false: PyTorch's default, one.
   */
  zeroInitSpatialGate?: boolean;
}

/**
 * CBAM (Woo et al., 2018), as the authors write it (`MODELS/cbam.py`): a channel gate, then a
 * spatial gate, each multiplying its input by a sigmoid.
 *
 * - `ChannelGate`: global average and global max pooling, each through the same MLP
 *   (`mlp.1` Linear C -> C/r with bias, ReLU, `mlp.3` Linear C/r -> C with bias), summed.
 *   The MLP layers are applied twice, so their MACs count twice, as the reference counts them.
 * - `SpatialGate`: `compress` (max and mean over channels), `spatial.conv` (k x k, 2 -> 1, no
 *   bias), `spatial.bn` (BatchNorm with PyTorch momentum 0.01, the authors' `BasicConv`).
 *
 * Works on any NHWC feature map, so it can be put into any network.
 */
export function cbam(x: tfl.SymbolicTensor, args: CbamArgs): tfl.SymbolicTensor {
  const { name, reductionRatio = 16, spatialKernelSize = 7, noSpatial = false, zeroInitSpatialGate = false } = args;
  const channels = x.shape[x.shape.length - 1];
  if (x.shape.length !== 4 || channels == null) {
    throw new ZooOptionError(`cbam \`${name}\`: input`, x.shape, 'an NHWC feature map with a known channel count');
  }
  const hidden = Math.floor(channels / reductionRatio);
  if (!Number.isInteger(reductionRatio) || reductionRatio < 1 || hidden < 1) {
    throw new ZooOptionError(
      `cbam \`${name}\`: reductionRatio`,
      reductionRatio,
      `a positive integer at most the channel count (${channels})`,
    );
  }
  if (!Number.isInteger(spatialKernelSize) || spatialKernelSize < 1 || spatialKernelSize % 2 === 0) {
    throw new ZooOptionError(`cbam \`${name}\`: spatialKernelSize`, spatialKernelSize, 'an odd positive integer');
  }

  const gate = `${name}.ChannelGate`;
  const fc1 = linear(hidden, `${gate}.mlp.1`, { init: 'torchDefault' });
  const relu = activation('relu', `${gate}.mlp.2`);
  const fc2 = linear(channels, `${gate}.mlp.3`, { init: 'torchDefault' });
  const mlp = (pooled: tfl.SymbolicTensor) => apply(fc2, apply(relu, apply(fc1, pooled)));
  const avg = mlp(apply(tfl.layers.globalAveragePooling2d({ name: `${gate}.avg_pool` }), x));
  const max = mlp(apply(tfl.layers.globalMaxPooling2d({ name: `${gate}.max_pool` }), x));
  let scale = apply(activation('sigmoid', `${gate}.sigmoid`), apply(tfl.layers.add({ name: `${gate}.sum` }), [avg, max]));
  scale = apply(tfl.layers.reshape({ targetShape: [1, 1, channels], name: `${gate}.expand` }), scale);
  let y = apply(tfl.layers.multiply({ name: `${gate}.scale` }), [x, scale]);
  if (noSpatial) return y;

  const spatial = `${name}.SpatialGate`;
  let s = apply(new ChannelPool({ name: `${spatial}.compress` }), y);
  s = apply(
    new Conv2d({
      name: `${spatial}.spatial.conv`,
      filters: 1,
      kernelSize: spatialKernelSize,
      padding: (spatialKernelSize - 1) / 2,
      useBias: false,
      kernelInit: 'kaimingNormalFanOut',
    }),
    s,
  );
  s = apply(
    torchBatchNorm({
      name: `${spatial}.spatial.bn`,
      axis: -1,
      epsilon: 1e-5,
      momentum: 1 - 0.01,
      gammaInitializer: initializer(zeroInitSpatialGate ? 'zeros' : 'ones'),
    }),
    s,
  );
  s = apply(activation('sigmoid', `${spatial}.sigmoid`), s);
  y = apply(tfl.layers.multiply({ name: `${spatial}.scale` }), [y, s]);
  return y;
}
