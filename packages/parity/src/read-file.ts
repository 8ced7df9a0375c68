import { open } from 'node:fs/promises';

/**
 * A whole file in one buffer, read in chunks. `fs.readFile` refuses files over 2 GiB
 * (ERR_FS_FILE_TOO_LARGE), and vit_h_14's checkpoint holds 2.5 GB; a Node buffer may hold 4 GiB.
 */
export async function readWholeFile(path: string, chunkBytes = 2 ** 30): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await file.read(bytes, at, Math.min(chunkBytes, size - at), at);
      if (bytesRead === 0) throw new Error(`${path} ended at byte ${at} of the ${size} it held when opened.`);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await file.close();
  }
}
