/** Lower-case hex SHA-256 of bytes, with WebCrypto (browsers, and Node's global `crypto`). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('No WebCrypto here (globalThis.crypto.subtle): integrity checks need a secure context or Node >= 20.');
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Whether `actual` (full hex) matches a published hash, whole or as a prefix (torchvision's file names). */
export function hashMatches(actual: string, published: string): boolean {
  return published.length >= 8 && actual.startsWith(published.toLowerCase());
}
