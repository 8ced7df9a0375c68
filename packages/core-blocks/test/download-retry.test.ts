import { describe, expect, it } from '@jest/globals';
import { download } from '../src/weights/download.js';
import { ZooWeightsFetchError } from '../src/weights/errors.js';

/** A fetch whose first `failures` calls fail as undici fails a reset connection, then answers with `body`. */
function flaky(failures: number, body = new Uint8Array([1, 2, 3, 4])) {
  let calls = 0;
  const f = (async () => {
    calls++;
    if (calls <= failures) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    return new Response(body, { headers: { 'content-length': String(body.length) } });
  }) as unknown as typeof globalThis.fetch;
  return { f, calls: () => calls };
}

describe('download, when the connection fails before an answer', () => {
  it('tries again, twice, and returns the whole file', async () => {
    const { f, calls } = flaky(2);
    expect(Array.from(await download('http://127.0.0.1:9/w.pth', { fetch: f, timeoutMs: 10_000 }))).toEqual([1, 2, 3, 4]);
    expect(calls()).toBe(3);
  });

  it('gives up after the third attempt with the reason undici gives', async () => {
    const { f, calls } = flaky(5);
    const err = await download('http://127.0.0.1:9/w.pth', { fetch: f, timeoutMs: 10_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ZooWeightsFetchError);
    expect(err.message).toBe('Could not fetch http://127.0.0.1:9/w.pth: fetch failed (ECONNRESET)');
    expect(calls()).toBe(3);
  });

  it('does not retry an HTTP error or an abort', async () => {
    let calls = 0;
    const notFound = (async () => {
      calls++;
      return new Response('no', { status: 404 });
    }) as unknown as typeof globalThis.fetch;
    await expect(download('http://127.0.0.1:9/w.pth', { fetch: notFound, timeoutMs: 10_000 })).rejects.toThrow(/HTTP 404/);
    expect(calls).toBe(1);
    const controller = new AbortController();
    controller.abort();
    const { f, calls: aborted } = flaky(1);
    await expect(download('http://127.0.0.1:9/w.pth', { fetch: f, timeoutMs: 10_000, signal: controller.signal })).rejects.toThrow();
    expect(aborted()).toBe(0);
  });
});
