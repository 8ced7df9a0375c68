import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readWholeFile } from '../src/index.js';

describe('readWholeFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns every byte, whatever the chunk size', async () => {
    const bytes = randomBytes(1000);
    const path = join(dir, 'a.bin');
    writeFileSync(path, bytes);
    for (const chunk of [1, 7, 999, 1000, 4096]) expect((await readWholeFile(path, chunk)).equals(bytes)).toBe(true);
  });

  it('reads an empty file', async () => {
    const path = join(dir, 'empty.bin');
    writeFileSync(path, new Uint8Array(0));
    expect((await readWholeFile(path)).length).toBe(0);
  });
});
