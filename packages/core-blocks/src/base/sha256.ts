/**
 * The most bytes WebCrypto digests in one call in Node (2³¹ − 1: "data must be less than
 * 2147483648 bits", measured on Node 20). ViT-H/14's float32 weights are 2.5 GB; larger inputs are
 * hashed in pieces by `sha256HexChunked`.
 */
const WEBCRYPTO_MAX_BYTES = 2 ** 31 - 1;
/** The piece `sha256HexChunked` feeds the hash at a time. */
const CHUNK_BYTES = 2 ** 24;

const hex = (digest: Uint8Array) => {
  let out = '';
  for (const b of digest) out += b.toString(16).padStart(2, '0');
  return out;
};

/**
 * Lower-case hex SHA-256 of bytes: with WebCrypto (browsers, and Node's global `crypto`) up to
 * its one-call limit, and above it (ViT-H/14's 2.5 GB of weights) with `sha256HexChunked`.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength > WEBCRYPTO_MAX_BYTES) return sha256HexChunked(bytes);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('No WebCrypto here (globalThis.crypto.subtle): integrity checks need a secure context or Node >= 20.');
  return hex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/**
 * SHA-256 of bytes fed in pieces (16 MiB unless told) to @noble/hashes' incremental hash, for inputs past
 * WebCrypto's one-call limit (WebCrypto has no incremental digest). About 20 times slower than
 * WebCrypto, so only used there; the library is a chunk of its own, fetched on that first use.
 */
export async function sha256HexChunked(bytes: Uint8Array, chunkBytes = CHUNK_BYTES): Promise<string> {
  const { sha256 } = await import('@noble/hashes/sha2.js');
  const hash = sha256.create();
  for (let at = 0; at < bytes.byteLength; at += chunkBytes) hash.update(bytes.subarray(at, at + chunkBytes));
  return hex(hash.digest());
}

/** Whether `actual` (full hex) matches a published hash, whole or as a prefix (torchvision's file names). */
export function hashMatches(actual: string, published: string): boolean {
  return published.length >= 8 && actual.startsWith(published.toLowerCase());
}
