/**
 * Node's file system, reached without an import: `process.getBuiltinModule` (Node >= 20.16) is a
 * call bundlers leave alone, so the browser build carries no `node:` import and no stub. Undefined
 * in a browser, or on a Node too old to have it.
 */
type Fs = typeof import('node:fs');
type Path = typeof import('node:path');
type Os = typeof import('node:os');

interface NodeModules {
  fs: Fs;
  path: Path;
  os: Os;
}

export function nodeModules(): NodeModules | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } }).process;
  if (!p?.versions?.node || typeof p.getBuiltinModule !== 'function') return undefined;
  return {
    fs: p.getBuiltinModule('node:fs') as Fs,
    path: p.getBuiltinModule('node:path') as Path,
    os: p.getBuiltinModule('node:os') as Os,
  };
}

/**
 * Reads a whole file into one buffer, in chunks: `fs.readFile` refuses files over 2 GiB, and
 * ViT-H/14's checkpoint is 2.5 GB.
 */
export async function readWhole(fs: Fs, path: string): Promise<Uint8Array> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const out = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(out, at, Math.min(1 << 28, size - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? out : out.subarray(0, at);
  } finally {
    await handle.close();
  }
}
