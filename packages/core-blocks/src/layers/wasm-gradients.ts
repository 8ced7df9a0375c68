import {
  backend_util,
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  type KernelFunc,
  type NamedAttrMap,
  registerKernel,
  type TensorInfo,
  UnsortedSegmentSum,
} from '@tensorflow/tfjs-core';
import { ZooError } from '../base/errors.js';

/**
 * The gradient kernels tfjs-backend-wasm lacks (4.22, its last release): without them `fit`
 * through a trainable convolution on wasm fails with "Kernel 'Conv2DBackpropFilter' not
 * registered for backend 'wasm'". The zoo registers them for wasm, built from kernels wasm has:
 *
 * - `Conv2DBackpropFilter`: for each tap (i, j) of the filter, the strided slice of the padded
 *   input that the tap saw, as an [N*outH*outW, inC] matrix, times dy as [N*outH*outW, outC]
 *   (XNNPACK's transposed matMul): dW[i, j] = slice^T dy.
 * - `DepthwiseConv2dNativeBackpropFilter`: per tap, the same slice times dy channel by channel,
 *   summed over batch and positions: dW[i, j, c, m] = sum slice[..., c] * dy[..., c * mult + m].
 * - `DepthwiseConv2dNativeBackpropInput`: per tap, dy times the tap's weights (summed over the
 *   multiplier), spread back to the input positions the tap read (zeros inserted between rows and
 *   columns for a stride, then shifted by the tap's offset) and summed over taps.
 * - `UnsortedSegmentSum` (the gradient of `gather`: Swin's relative position bias): the one-hot
 *   matrix of the segment ids, transposed, times the data as [ids, rest].
 *
 * Checked against tfjs-backend-cpu's kernels on the same inputs (test/wasm-gradients.test.ts).
 * Registered when `@zoo/core-blocks` is imported; does nothing to a backend that has them.
 */
export const WASM_GRADIENT_KERNELS = [
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  UnsortedSegmentSum,
] as const;

/** A convolution the wasm gradient kernels do not cover (NCHW, dilation, a rounding mode). */
export class ZooGradientError extends ZooError {
  override name = 'ZooGradientError';
}

interface WasmLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

type Pads = [[number, number], [number, number], [number, number], [number, number]];

/** Runs wasm kernels on `backend`, keeping every intermediate for one dispose at the end. */
class Kernels {
  private readonly made: TensorInfo[] = [];
  constructor(private readonly backend: WasmLike) {}

  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(name, 'wasm');
    if (!kernel) throw new ZooGradientError(`The zoo's wasm gradients need the wasm kernel ${name}, which this tfjs-backend-wasm lacks.`);
    const out = (kernel.kernelFunc as KernelFunc)({
      inputs: inputs as unknown as Record<string, TensorInfo>,
      attrs,
      backend: this.backend as never,
    }) as TensorInfo;
    this.made.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  pad(x: TensorInfo, paddings: Pads): TensorInfo {
    return paddings.every(([a, b]) => a === 0 && b === 0) ? x : this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** What the tap at (i, j) read: x[:, i :: sh, j :: sw, :] for outH x outW positions. */
  tap(x: TensorInfo, i: number, j: number, outH: number, outW: number, sh: number, sw: number): TensorInfo {
    const [n, h, w, c] = x.shape;
    if (i === 0 && j === 0 && sh === 1 && sw === 1 && outH === h && outW === w) return x;
    // Slice where there is no stride: wasm's StridedSlice is slower.
    if (sh === 1 && sw === 1) return this.run('Slice', { x }, { begin: [0, i, j, 0], size: [n, outH, outW, c] });
    return this.run(
      'StridedSlice',
      { x },
      {
        begin: [0, i, j, 0],
        end: [n, i + (outH - 1) * sh + 1, j + (outW - 1) * sw + 1, c],
        strides: [1, sh, sw, 1],
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      },
    );
  }

  /** Disposes every intermediate but `keep`. */
  finish(keep: TensorInfo): TensorInfo {
    for (const t of this.made) if (t !== keep) this.backend.disposeData(t.dataId);
    return keep;
  }
}

function convInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  attrs: NamedAttrMap,
  depthwise: boolean,
): backend_util.Conv2DInfo {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
  if (dataFormat !== 'NHWC')
    throw new ZooGradientError(`${kernel} on wasm (the zoo's): only NHWC is supported, got ${dataFormat}; train on cpu, webgl or webgpu.`);
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as 'same' | 'valid' | number | backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new ZooGradientError(
      `${kernel} on wasm (the zoo's): dilation ${info.dilationHeight}x${info.dilationWidth} is not supported; train on cpu, webgl or webgpu.`,
    );
  }
  const { top, bottom, left, right } = info.padInfo;
  const fits =
    (info.outHeight - 1) * info.strideHeight + info.filterHeight <= info.inHeight + top + bottom &&
    (info.outWidth - 1) * info.strideWidth + info.filterWidth <= info.inWidth + left + right;
  if (!fits)
    throw new ZooGradientError(
      `${kernel} on wasm (the zoo's): this padding and rounding mode is not supported; train on cpu, webgl or webgpu.`,
    );
  return info;
}

function padsOf(info: backend_util.Conv2DInfo): Pads {
  const { top, bottom, left, right } = info.padInfo;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

function filterGradient(args: { inputs: unknown; backend: unknown; attrs?: NamedAttrMap }, depthwise: boolean): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs ?? {};
  const filterShape = attrs.filterShape as [number, number, number, number];
  const name = depthwise ? DepthwiseConv2dNativeBackpropFilter : Conv2DBackpropFilter;
  const info = convInfo(name, x.shape, filterShape, attrs, depthwise);
  const k = new Kernels(args.backend as WasmLike);
  const [kh, kw, inC, last] = filterShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const m = x.shape[0] * oh * ow;
  const xp = k.pad(x, padsOf(info));
  // Dense: dy as [M, outC]; depthwise: [M, inC, multiplier] (output channel c * mult + k).
  const dyM = k.reshape(dy, depthwise ? [m, inC, last] : [m, last]);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const s = k.tap(xp, i, j, oh, ow, sh, sw);
      if (depthwise) {
        const prod = k.run('Multiply', { a: k.reshape(s, [m, inC, 1]), b: dyM });
        taps.push(k.run('Sum', { x: prod }, { axis: [0], keepDims: false }));
      } else {
        taps.push(k.run('BatchMatMul', { a: k.reshape(s, [m, inC]), b: dyM }, { transposeA: true, transposeB: false }));
      }
    }
  }
  const all = taps.length === 1 ? taps[0] : k.run('Concat', taps, { axis: 0 });
  return k.finish(k.reshape(all, filterShape));
}

function depthwiseInputGradient(args: { inputs: unknown; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs ?? {};
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = convInfo(DepthwiseConv2dNativeBackpropInput, inputShape, filter.shape, attrs, true);
  const k = new Kernels(args.backend as WasmLike);
  const [kh, kw, inC, mult] = filter.shape;
  const [n, h, w] = inputShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, bottom, left, right } = info.padInfo;
  // The padded input plus one stride of slack, so that every tap's spread fits without a crop.
  const hp = h + top + bottom + sh;
  const wp = w + left + right + sw;
  const dyC = mult === 1 ? dy : k.reshape(dy, [n, oh, ow, inC, mult]);
  let acc: TensorInfo | null = null;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const wTap = k.run('Slice', { x: filter }, { begin: [i, j, 0, 0], size: [1, 1, inC, mult] });
      let t =
        mult === 1
          ? k.run('Multiply', { a: dyC, b: k.reshape(wTap, [inC]) })
          : k.run('Sum', { x: k.run('Multiply', { a: dyC, b: k.reshape(wTap, [inC, mult]) }) }, { axis: [4], keepDims: false });
      // Zeros between rows and columns for a stride: row y of dy lands on row y * sh.
      if (sh > 1) {
        t = k.pad(k.reshape(t, [n, oh, 1, ow * inC]), [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
        ]);
        t = k.reshape(t, [n, oh * sh, ow, inC]);
      }
      if (sw > 1) {
        t = k.pad(k.reshape(t, [n * oh * sh, ow, 1, inC]), [
          [0, 0],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ]);
        t = k.reshape(t, [n, oh * sh, ow * sw, inC]);
      }
      const placed = k.pad(t, [
        [0, 0],
        [i, hp - i - oh * sh],
        [j, wp - j - ow * sw],
        [0, 0],
      ]);
      acc = acc ? k.run('Add', { a: acc, b: placed }) : placed;
    }
  }
  return k.finish(k.run('Slice', { x: acc as TensorInfo }, { begin: [0, top, left, 0], size: [n, h, w, inC] }));
}

function unsortedSegmentSum(args: { inputs: unknown; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = args.attrs?.numSegments as number;
  if (x.dtype !== 'float32') {
    throw new ZooGradientError(
      `UnsortedSegmentSum on wasm (the zoo's): only float32 data is supported, got ${x.dtype}; train on cpu, webgl or webgpu.`,
    );
  }
  const k = new Kernels(args.backend as WasmLike);
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const width = rest.reduce((a, b) => a * b, 1);
  // One row per id, a one in its segment's column (none for a negative id, which tf drops too).
  const ids = k.reshape(segmentIds, [n]);
  // wasm's OneHot writes int32 whatever the dtype asked: ask for int32, then cast.
  const hotInt = k.run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' });
  const hot = k.run('Cast', { x: hotInt }, { dtype: 'float32' });
  const sums = k.run('BatchMatMul', { a: hot, b: k.reshape(x, [n, width]) }, { transposeA: true, transposeB: false });
  return k.finish(k.reshape(sums, [numSegments, ...rest]));
}

let registered = false;

/**
 * Registers `WASM_GRADIENT_KERNELS` for the wasm backend where it has none of its own.
 * Idempotent; `@zoo/core-blocks` calls it at import time (a used call, which bundlers keep).
 */
export function registerWasmGradients(): void {
  if (registered) return;
  registered = true;
  const impl: Record<(typeof WASM_GRADIENT_KERNELS)[number], KernelFunc> = {
    [Conv2DBackpropFilter]: ((a) => filterGradient(a, false)) as KernelFunc,
    [DepthwiseConv2dNativeBackpropFilter]: ((a) => filterGradient(a, true)) as KernelFunc,
    [DepthwiseConv2dNativeBackpropInput]: depthwiseInputGradient as KernelFunc,
    [UnsortedSegmentSum]: unsortedSegmentSum as KernelFunc,
  };
  for (const kernelName of WASM_GRADIENT_KERNELS) {
    if (getKernel(kernelName, 'wasm')) continue;
    registerKernel({ kernelName, backendName: 'wasm', kernelFunc: impl[kernelName] });
  }
}
