// AssemblyScript, compiled by `node scripts/build-kernels.mjs` into src/kernels/depthwise-wasm.generated.ts.
//
// A depthwise convolution with a large square kernel (ConvNeXt's 7x7), stride 1, dilation 1, one
// filter per channel, with SIMD over four channels: XNNPACK (under tfjs-backend-wasm) has fast
// depthwise kernels for 3x3 and 5x5 only, and runs any other size on a generic path several
// times slower.
//
//   xp   [height + k - 1, width + k - 1, channels]  the input, zero-padded by the caller
//   w    [k, k, channels]
//   bias [channels] (or 0)
//   out  [height, width, channels]
//
// Four output columns at a time: each input vector loaded for a kernel row serves up to four
// outputs. Channels must be a multiple of 4.

export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}

export function depthwise(xp: usize, w: usize, bias: usize, out: usize, height: i32, width: i32, channels: i32, k: i32): void {
  const pw = width + k - 1;
  const rowBytes = <usize>(pw * channels) * 4;
  const px = <usize>channels * 4;
  const w4 = width & ~3;
  for (let oh = 0; oh < height; oh++) {
    for (let c = 0; c < channels; c += 4) {
      const b = bias === 0 ? f32x4.splat(<f32>0) : v128.load(bias + <usize>c * 4);
      const cb = <usize>c * 4;
      let ow = 0;
      for (; ow < w4; ow += 4) {
        let a0 = b;
        let a1 = b;
        let a2 = b;
        let a3 = b;
        for (let kh = 0; kh < k; kh++) {
          const row = xp + <usize>(oh + kh) * rowBytes + <usize>ow * px + cb;
          const wr = w + <usize>(kh * k) * px + cb;
          // Inputs ow + kw .. ow + kw + 3 for tap kw: slide a window of four vectors along the row.
          let x0 = v128.load(row);
          let x1 = v128.load(row + px);
          let x2 = v128.load(row + 2 * px);
          let x3 = v128.load(row + 3 * px);
          for (let kw = 0; kw < k; kw++) {
            const wv = v128.load(wr + <usize>kw * px);
            a0 = f32x4.add(a0, f32x4.mul(x0, wv));
            a1 = f32x4.add(a1, f32x4.mul(x1, wv));
            a2 = f32x4.add(a2, f32x4.mul(x2, wv));
            a3 = f32x4.add(a3, f32x4.mul(x3, wv));
            x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = v128.load(row + <usize>(kw + 4) * px);
          }
        }
        const o = out + (<usize>(oh * width + ow) * <usize>channels + <usize>c) * 4;
        v128.store(o, a0);
        v128.store(o + px, a1);
        v128.store(o + 2 * px, a2);
        v128.store(o + 3 * px, a3);
      }
      for (; ow < width; ow++) {
        let a = b;
        for (let kh = 0; kh < k; kh++) {
          const row = xp + <usize>(oh + kh) * rowBytes + <usize>ow * px + cb;
          const wr = w + <usize>(kh * k) * px + cb;
          for (let kw = 0; kw < k; kw++) a = f32x4.add(a, f32x4.mul(v128.load(row + <usize>kw * px), v128.load(wr + <usize>kw * px)));
        }
        v128.store(out + (<usize>(oh * width + ow) * <usize>channels + <usize>c) * 4, a);
      }
    }
  }
}
