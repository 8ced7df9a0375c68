import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { hashMatches, sha256Hex, sha256HexChunked } from '../src/base/sha256.js';

// Node's own incremental SHA-256 (OpenSSL) is the reference for both paths.
const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Bytes that differ at every offset (a linear congruential stream), so a dropped or repeated piece changes the hash. */
function bytesOf(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('sha256', () => {
  // The chunked path (past WebCrypto's 2 GiB) feeds the hash in pieces: sizes around a piece's
  // edge and over several, with 4 KiB pieces; and one input in its default 16 MiB pieces.
  it.each([0, 1, 64, 4095, 4096, 4097, 3 * 4096 + 12345])(
    'the hash fed in 4 KiB pieces equals node:crypto’s for %i bytes, as WebCrypto’s does',
    async (n) => {
      const bytes = bytesOf(n);
      const want = reference(bytes);
      expect(await sha256HexChunked(bytes, 4096)).toBe(want);
      expect(await sha256Hex(bytes)).toBe(want);
    },
  );

  it('the hash fed in its default pieces equals node:crypto’s', async () => {
    const bytes = bytesOf(2 ** 20 + 3);
    expect(await sha256HexChunked(bytes)).toBe(reference(bytes));
  });

  it('a view into a larger buffer hashes only its own bytes', async () => {
    const all = bytesOf(3 * 2 ** 16);
    const view = all.subarray(1000, 1000 + 2 ** 17);
    expect(await sha256HexChunked(view, 4096)).toBe(reference(view));
    expect(await sha256Hex(view)).toBe(reference(view));
  });

  it('a published hash matches whole or by a prefix of 8 digits or more, in either case', () => {
    const h = reference(bytesOf(10));
    expect(hashMatches(h, h)).toBe(true);
    expect(hashMatches(h, h.slice(0, 8).toUpperCase())).toBe(true);
    expect(hashMatches(h, h.slice(0, 7))).toBe(false);
    expect(hashMatches(h, `${h.slice(0, 7)}${h[7] === '0' ? '1' : '0'}`)).toBe(false);
  });
});
