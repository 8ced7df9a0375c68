import '@tensorflow/tfjs-backend-cpu';
import {
  backend_util,
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

// tfjs-backend-cpu computes the filter gradients of conv2d and depthwiseConv2d one weight at a
// time, reading every element through `TensorBuffer.get(...indices)`: on a 2-core machine that
// is more than 80 % of a ResNet-18 `fit` step at 16x16 (63 s of 73 s, measured). These kernels
// compute the same sums over flat typed arrays instead. For each weight they add the same
// products in the same order (batch, output row, output column) into a float64 accumulator, as
// the originals do, so the gradients are bit-identical (test/fast-cpu-gradients.test.ts).

interface CpuBackendLike {
  data: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface FilterGradArgs {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: CpuBackendLike;
  attrs: {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dilations?: number | [number, number];
    filterShape: [number, number, number, number];
  };
}

/**
 * dW[wR, wC, d1, k] = sum over (b, yR, yC) of x[b, xR, xC, d1] * dy[b, yR, yC, out(d1, k)], with
 * xR = yR * strideH + wR - top (likewise for columns); `out` is d1 * outC + k's column for a
 * full convolution and the depthwise output channel otherwise. Dilation is ignored, as the
 * originals ignore it (tfjs refuses dilated convolution gradients before reaching them).
 */
function filterGradient(args: FilterGradArgs, depthwise: boolean): TensorInfo {
  const { x, dy } = args.inputs;
  const { strides, pad, dimRoundingMode, filterShape } = args.attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    depthwise ? (args.attrs.dilations ?? 1) : 1,
    pad,
    dimRoundingMode,
    depthwise,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xv = args.backend.data.get(x.dataId).values;
  const dyv = args.backend.data.get(dy.dataId).values;
  // Per filter position, the weights it touches: inC x outC (full) or outC (depthwise).
  const perTap = depthwise ? outChannels : inChannels * outChannels;
  const chMul = outChannels / inChannels;
  const acc = new Float64Array(filterHeight * filterWidth * perTap);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let wR = 0; wR < filterHeight; wR++) {
        const xR = yR * strideHeight + wR - top;
        if (xR < 0 || xR >= inHeight) continue;
        for (let yC = 0; yC < outWidth; yC++) {
          const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const tap = (wR * filterWidth + wC) * perTap;
            if (depthwise) {
              // Output channel d2 reads input channel trunc(d2 / chMul); its weight sits at [d1, d2 % chMul],
              // which in the flat [fh, fw, inC, chMul] layout is simply d2.
              for (let d2 = 0; d2 < outChannels; d2++) {
                acc[tap + d2] += xv[xOff + Math.trunc(d2 / chMul)] * dyv[dyOff + d2];
              }
            } else {
              for (let d1 = 0; d1 < inChannels; d1++) {
                const xs = xv[xOff + d1];
                const row = tap + d1 * outChannels;
                for (let d2 = 0; d2 < outChannels; d2++) acc[row + d2] += xs * dyv[dyOff + d2];
              }
            }
          }
        }
      }
    }
  }
  return args.backend.makeTensorInfo(info.filterShape, 'float32', Float32Array.from(acc));
}

let installed = false;

/**
 * Replaces tfjs-backend-cpu's Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter
 * kernels with ones that give the same values much faster (NHWC only: NCHW still goes to the
 * original kernel). Idempotent; affects the cpu backend of this process.
 */
export function installFastCpuGradients(): void {
  if (installed) return;
  installed = true;
  const replace = (kernelName: string, depthwise: boolean) => {
    const original = getKernel(kernelName, 'cpu');
    if (!original) throw new Error(`tfjs-backend-cpu has no ${kernelName} kernel to replace`);
    const kernelFunc = ((args: FilterGradArgs) =>
      !depthwise && args.attrs.dataFormat === 'NCHW'
        ? (original.kernelFunc as unknown as (a: FilterGradArgs) => TensorInfo)(args)
        : filterGradient(args, depthwise)) as unknown as KernelFunc;
    unregisterKernel(kernelName, 'cpu');
    registerKernel({ ...original, kernelFunc } as KernelConfig);
  };
  replace(Conv2DBackpropFilter, false);
  replace(DepthwiseConv2dNativeBackpropFilter, true);
}
