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
  Transpose,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

// Kernels of tfjs-backend-cpu that dominate a `fit` step, replaced for the tests by ones that
// compute exactly the same values faster.
//
// tfjs-backend-cpu computes the filter gradients of conv2d and depthwiseConv2d one weight at a
// time, reading every element through `TensorBuffer.get(...indices)`: on a 2-core machine that
// is more than 80 % of a ResNet-18 `fit` step at 16x16 (63 s of 73 s, measured). These kernels
// compute the same sums over flat typed arrays instead. For each weight they add the same
// products in the same order (batch, output row, output column) into a float64 accumulator, as
// the originals do, so the gradients are bit-identical (test/fast-cpu-gradients.test.ts).

type Values = Float32Array | Int32Array | Uint8Array;

interface CpuBackendLike {
  data: { get(id: unknown): { values: Values } };
  makeTensorInfo(shape: number[], dtype: TensorInfo['dtype'], values: Values): TensorInfo;
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

/**
 * Transpose: tfjs's cpu kernel allocates two index arrays per element (a ConvNeXt-T step at 32x32
 * spends a third of its time there, transposing the pointwise layers' kernels). This one walks
 * the output in order like an odometer, moving the input offset by the permuted strides.
 */
function transpose(args: { inputs: { x: TensorInfo }; backend: CpuBackendLike; attrs: { perm: number[] } }): TensorInfo {
  const { x } = args.inputs;
  const { perm } = args.attrs;
  const xv = args.backend.data.get(x.dataId).values;
  const rank = x.shape.length;
  const shape = perm.map((p) => x.shape[p]);
  const xStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    xStrides[i] = s;
    s *= x.shape[i];
  }
  const step = perm.map((p) => xStrides[p]);
  const out = new (xv.constructor as new (n: number) => Values)(xv.length);
  const at = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = xv[src];
    // Advance the output position by one, carrying into the outer dimensions.
    for (let d = rank - 1; d >= 0; d--) {
      src += step[d];
      if (++at[d] < shape[d]) break;
      src -= step[d] * shape[d];
      at[d] = 0;
    }
  }
  return args.backend.makeTensorInfo(shape, x.dtype, out);
}

let installed = false;

/**
 * Replaces tfjs-backend-cpu's Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter and
 * Transpose kernels with ones that give the same values much faster (NCHW filter gradients and
 * string or complex transposes still go to the original kernels). Idempotent; affects the cpu
 * backend of this process.
 */
export function installFastCpuKernels(): void {
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
  const original = getKernel(Transpose, 'cpu');
  if (!original) throw new Error('tfjs-backend-cpu has no Transpose kernel to replace');
  const kernelFunc = ((args: Parameters<typeof transpose>[0]) =>
    ['float32', 'int32', 'bool'].includes(args.inputs.x.dtype)
      ? transpose(args)
      : (original.kernelFunc as unknown as (a: typeof args) => TensorInfo)(args)) as unknown as KernelFunc;
  unregisterKernel(Transpose, 'cpu');
  registerKernel({ ...original, kernelFunc } as KernelConfig);
}
