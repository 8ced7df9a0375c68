// AssemblyScript, compiled by `node scripts/build-kernels.mjs` into src/kernels/attention-wasm.generated.ts.
//
// Multi-head scaled dot-product attention with SIMD, over the windows of a packed map: for every
// window and head, S = (q * scale) k^T + bias, P = softmax(S) row by row, O = P v. The windows are
// read and written in place, so the map is never partitioned, rolled, split into heads or merged
// by a kernel of its own:
//
//   x    [batch, height, width, 3 * dim]   packed [q | k | v], heads major inside each
//   out  [batch, height, width, dim]
//
// A window is `wh` x `ww` tokens; the map is read rolled by (-sh, -sw) (a shifted window of Swin)
// and written back where it was read, which is the roll back. ViT's attention over a sequence is
// one window of 1 x tokens. `bias` is 0 or `[biasWindows, heads, T, T]` (T = wh * ww), added to
// the scores: window w uses block `w % biasWindows` (one block: the same bias everywhere; one per
// window of an image: Swin's relative-position bias plus its shifted-window mask).
//
// The caller lays out memory from `heapBase()` up and grows it; `scratch` needs
// `scratchBytes(T, headDim)` bytes. The head dimension must be a multiple of 4.

const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;

export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}

function up(n: i32, m: i32): i32 {
  return ((n + m - 1) / m) * m;
}

/** Bytes of scratch for t tokens per window and a head dimension hd. */
export function scratchBytes(t: i32, hd: i32): i32 {
  const tr = up(t, 4);
  const tp = up(t, 8);
  // q (tr x hd), k^T (hd x tp), scores (tr x tp), the map rows of the window's tokens, alignment.
  return (tr * hd + hd * tp + tr * tp + tr) * 4 + 64;
}

/** e^x for x <= 0 in four lanes: Cody-Waite reduction by ln 2 and a degree-7 Taylor polynomial. */
function exp4(x0: v128): v128 {
  const x = f32x4.max(x0, f32x4.splat(<f32>-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(Mathf.LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(<f32>(1.0 / 5040.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 720.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 120.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 24.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.0));
  // 2^n from its exponent bits (n is in [-126, 0]); 0 below -87, where e^x is under 2^-126.
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.and(f32x4.mul(p, e), f32x4.ge(x0, f32x4.splat(<f32>-87.0)));
}

export function attention(
  x: usize,
  out: usize,
  bias: usize,
  biasWindows: i32,
  batch: i32,
  height: i32,
  width: i32,
  dim: i32,
  heads: i32,
  wh: i32,
  ww: i32,
  sh: i32,
  sw: i32,
  scale: f32,
  scratch: usize,
): void {
  const t = wh * ww;
  const hd = dim / heads;
  const tr = up(t, 4);
  const tp = up(t, 8);
  const q = (scratch + 63) & ~63;
  const kt = q + <usize>(tr * hd) * 4;
  const s = kt + <usize>(hd * tp) * 4;
  const rows = s + <usize>(tr * tp) * 4;
  // Rows of q past t (up to tr) stay zero, and so do the columns of k^T past t (up to tp).
  memory.fill(q, 0, <usize>(tr * hd) * 4);
  memory.fill(kt, 0, <usize>(hd * tp) * 4);
  const nh = height / wh;
  const nw = width / ww;
  let window = 0;
  for (let b = 0; b < batch; b++) {
    for (let wi = 0; wi < nh; wi++) {
      for (let wj = 0; wj < nw; wj++) {
        // The map row of each token of the window, read rolled by (-sh, -sw).
        for (let a = 0; a < wh; a++) {
          const i = (wi * wh + a + sh) % height;
          for (let c = 0; c < ww; c++) {
            const j = (wj * ww + c + sw) % width;
            store<i32>(rows + <usize>(a * ww + c) * 4, (b * height + i) * width + j);
          }
        }
        const block: usize = bias === 0 ? 0 : bias + <usize>((window % biasWindows) * heads) * <usize>(t * t) * 4;
        for (let h = 0; h < heads; h++) {
          head(x, out, block === 0 ? 0 : block + <usize>(h * t * t) * 4, t, hd, 3 * dim, dim, h * hd, scale, q, kt, s, rows);
        }
        window++;
      }
    }
  }
}

function head(
  x: usize,
  out: usize,
  bias: usize,
  t: i32,
  hd: i32,
  c3: i32,
  dim: i32,
  col: i32,
  scale: f32,
  q: usize,
  kt: usize,
  s: usize,
  rows: usize,
): void {
  const tr = up(t, 4);
  const tp = up(t, 8);
  // Pack q * scale (t x hd) and k^T (hd x tp).
  const sv = f32x4.splat(scale);
  for (let i = 0; i < t; i++) {
    const src = x + (<usize>load<i32>(rows + <usize>i * 4) * <usize>c3 + <usize>col) * 4;
    const dq = q + <usize>(i * hd) * 4;
    for (let d = 0; d < hd; d += 4) v128.store(dq + <usize>d * 4, f32x4.mul(v128.load(src + <usize>d * 4), sv));
    const srck = src + <usize>dim * 4;
    for (let d = 0; d < hd; d++) store<f32>(kt + <usize>(d * tp + i) * 4, load<f32>(srck + <usize>d * 4));
  }
  // S = q k^T, four rows by eight columns at a time.
  const row = <usize>tp * 4;
  for (let i0 = 0; i0 < tr; i0 += 4) {
    const q0 = q + <usize>(i0 * hd) * 4;
    const q1 = q0 + <usize>hd * 4;
    const q2 = q1 + <usize>hd * 4;
    const q3 = q2 + <usize>hd * 4;
    for (let j0 = 0; j0 < tp; j0 += 8) {
      let a00 = f32x4.splat(<f32>0);
      let a01 = a00;
      let a10 = a00;
      let a11 = a00;
      let a20 = a00;
      let a21 = a00;
      let a30 = a00;
      let a31 = a00;
      let kp = kt + <usize>j0 * 4;
      for (let d = 0; d < hd; d++) {
        const k0 = v128.load(kp);
        const k1 = v128.load(kp, 16);
        const o = <usize>d * 4;
        const x0 = v128.load32_splat(q0 + o);
        const x1 = v128.load32_splat(q1 + o);
        const x2 = v128.load32_splat(q2 + o);
        const x3 = v128.load32_splat(q3 + o);
        a00 = f32x4.add(a00, f32x4.mul(x0, k0));
        a01 = f32x4.add(a01, f32x4.mul(x0, k1));
        a10 = f32x4.add(a10, f32x4.mul(x1, k0));
        a11 = f32x4.add(a11, f32x4.mul(x1, k1));
        a20 = f32x4.add(a20, f32x4.mul(x2, k0));
        a21 = f32x4.add(a21, f32x4.mul(x2, k1));
        a30 = f32x4.add(a30, f32x4.mul(x3, k0));
        a31 = f32x4.add(a31, f32x4.mul(x3, k1));
        kp += row;
      }
      const sp = s + <usize>(i0 * tp + j0) * 4;
      v128.store(sp, a00);
      v128.store(sp, a01, 16);
      v128.store(sp + row, a10);
      v128.store(sp + row, a11, 16);
      v128.store(sp + 2 * row, a20);
      v128.store(sp + 2 * row, a21, 16);
      v128.store(sp + 3 * row, a30);
      v128.store(sp + 3 * row, a31, 16);
    }
  }
  // P = softmax(S + bias) over the t columns of each row.
  const tb = t & ~3;
  for (let i = 0; i < t; i++) {
    const sp = s + <usize>(i * tp) * 4;
    if (bias !== 0) {
      const bp = bias + <usize>(i * t) * 4;
      for (let j = 0; j < tb; j += 4) v128.store(sp + <usize>j * 4, f32x4.add(v128.load(sp + <usize>j * 4), v128.load(bp + <usize>j * 4)));
      for (let j = tb; j < t; j++) store<f32>(sp + <usize>j * 4, load<f32>(sp + <usize>j * 4) + load<f32>(bp + <usize>j * 4));
    }
    // Columns past t up to the next multiple of four take -inf, so that they come out 0.
    const t4 = up(t, 4);
    for (let j = t; j < t4; j++) store<f32>(sp + <usize>j * 4, <f32>-Infinity);
    let mv = f32x4.splat(<f32>-Infinity);
    for (let j = 0; j < t4; j += 4) mv = f32x4.max(mv, v128.load(sp + <usize>j * 4));
    const m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    const mm = f32x4.splat(m);
    let sumv = f32x4.splat(<f32>0);
    for (let j = 0; j < t4; j += 4) {
      const e = exp4(f32x4.sub(v128.load(sp + <usize>j * 4), mm));
      v128.store(sp + <usize>j * 4, e);
      sumv = f32x4.add(sumv, e);
    }
    const sum = f32x4.extract_lane(sumv, 0) + f32x4.extract_lane(sumv, 1) + (f32x4.extract_lane(sumv, 2) + f32x4.extract_lane(sumv, 3));
    const inv = f32x4.splat(<f32>1.0 / sum);
    for (let j = 0; j < t4; j += 4) v128.store(sp + <usize>j * 4, f32x4.mul(v128.load(sp + <usize>j * 4), inv));
  }
  // O = P v, four rows by eight head channels at a time (four at the end of a head dim of 4k+4).
  const vcol = <usize>(2 * dim + col) * 4;
  for (let i0 = 0; i0 < tr; i0 += 4) {
    const p0 = s + <usize>(i0 * tp) * 4;
    const p1 = p0 + row;
    const p2 = p1 + row;
    const p3 = p2 + row;
    for (let c0 = 0; c0 < hd; c0 += 8) {
      const two = c0 + 8 <= hd;
      let a00 = f32x4.splat(<f32>0);
      let a01 = a00;
      let a10 = a00;
      let a11 = a00;
      let a20 = a00;
      let a21 = a00;
      let a30 = a00;
      let a31 = a00;
      for (let j = 0; j < t; j++) {
        const vp = x + <usize>load<i32>(rows + <usize>j * 4) * <usize>c3 * 4 + vcol + <usize>c0 * 4;
        const v0 = v128.load(vp);
        const v1 = two ? v128.load(vp, 16) : a00;
        const o = <usize>j * 4;
        const y0 = v128.load32_splat(p0 + o);
        const y1 = v128.load32_splat(p1 + o);
        const y2 = v128.load32_splat(p2 + o);
        const y3 = v128.load32_splat(p3 + o);
        a00 = f32x4.add(a00, f32x4.mul(y0, v0));
        a01 = f32x4.add(a01, f32x4.mul(y0, v1));
        a10 = f32x4.add(a10, f32x4.mul(y1, v0));
        a11 = f32x4.add(a11, f32x4.mul(y1, v1));
        a20 = f32x4.add(a20, f32x4.mul(y2, v0));
        a21 = f32x4.add(a21, f32x4.mul(y2, v1));
        a30 = f32x4.add(a30, f32x4.mul(y3, v0));
        a31 = f32x4.add(a31, f32x4.mul(y3, v1));
      }
      let dst = out + (<usize>load<i32>(rows + <usize>i0 * 4) * <usize>dim + <usize>(col + c0)) * 4;
      v128.store(dst, a00);
      if (two) v128.store(dst, a01, 16);
      if (i0 + 1 < t) {
        dst = out + (<usize>load<i32>(rows + <usize>(i0 + 1) * 4) * <usize>dim + <usize>(col + c0)) * 4;
        v128.store(dst, a10);
        if (two) v128.store(dst, a11, 16);
      }
      if (i0 + 2 < t) {
        dst = out + (<usize>load<i32>(rows + <usize>(i0 + 2) * 4) * <usize>dim + <usize>(col + c0)) * 4;
        v128.store(dst, a20);
        if (two) v128.store(dst, a21, 16);
      }
      if (i0 + 3 < t) {
        dst = out + (<usize>load<i32>(rows + <usize>(i0 + 3) * 4) * <usize>dim + <usize>(col + c0)) * 4;
        v128.store(dst, a30);
        if (two) v128.store(dst, a31, 16);
      }
    }
  }
}
