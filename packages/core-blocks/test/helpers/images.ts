/** Deterministic test images: smooth shading, stripes and noise, so that resampling errors show. */

/** mulberry32: a small seeded generator, so the images are the same on every run and in Python. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGB image, HWC, values 0-255 as integers. */
export function makeImage(seed: number, height: number, width: number): Uint8Array {
  const rnd = random(seed);
  const out = new Uint8Array(height * width * 3);
  const f = [1 + rnd() * 3, 1 + rnd() * 3, 1 + rnd() * 3];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const smooth = 128 + 90 * Math.sin((f[c] * x) / width + (2 * y) / height + c) * Math.cos((f[c] * y) / 7);
        const stripe = (x + 2 * y + c) % 5 === 0 ? 40 : 0;
        out[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(smooth + stripe + (rnd() - 0.5) * 60)));
      }
    }
  }
  return out;
}

/** The same image with an alpha channel, as `ImageData` holds it. */
export function withAlpha(rgb: Uint8Array): Uint8ClampedArray {
  const n = rgb.length / 3;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    out.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    out[i * 4 + 3] = (i * 37) % 256;
  }
  return out;
}
