import { expect } from '@jest/globals';
import fc from 'fast-check';
import { ZooError } from '../../src/family.js';

/** What a run of a reader over many inputs measured. */
export interface FuzzStats {
  runs: number;
  parsed: number;
  refused: number;
  slowestMs: number;
  /** Time spent in the reader, over the run. */
  totalMs: number;
  /** Growth of `process.memoryUsage().arrayBuffers` over the run, at its highest, in bytes. */
  arrayBufferGrowth: number;
  /** Growth of the resident set over the run, at its highest, in bytes. */
  rssGrowth: number;
}

export interface FuzzBounds {
  /** A call slower than this is a hang (inputs are at most a few hundred kilobytes; a loaded CI machine slows the slowest, a 20,000-deep JSON value, to a few hundred ms). */
  maxCallMs: number;
  maxArrayBufferGrowth: number;
  maxRssGrowth: number;
}

export const BOUNDS: FuzzBounds = { maxCallMs: 2000, maxArrayBufferGrowth: 64 * 2 ** 20, maxRssGrowth: 256 * 2 ** 20 };

/**
 * Runs `read` over `numRuns` inputs of `arb` with a fixed seed: each call must return or throw a
 * `ZooError`, finish within the bound, and the process must not grow past the memory bounds.
 * fast-check's report (seed, path and the shrunk input) is rethrown with the seed in front, so
 * `fc.assert(..., { seed, path })` replays a failure.
 */
export function fuzz<T>(
  label: string,
  arb: fc.Arbitrary<T>,
  read: (input: T) => unknown,
  options: { seed: number; numRuns: number; bounds?: FuzzBounds },
): FuzzStats {
  const bounds = options.bounds ?? BOUNDS;
  const start = process.memoryUsage();
  const stats: FuzzStats = { runs: 0, parsed: 0, refused: 0, slowestMs: 0, totalMs: 0, arrayBufferGrowth: 0, rssGrowth: 0 };
  const property = fc.property(arb, (input) => {
    stats.runs++;
    const t0 = performance.now();
    let thrown: unknown;
    try {
      read(input);
    } catch (err) {
      thrown = err;
    }
    const ms = performance.now() - t0;
    stats.slowestMs = Math.max(stats.slowestMs, ms);
    stats.totalMs += ms;
    if (thrown !== undefined && !(thrown instanceof ZooError)) {
      throw new Error(
        `${label}: threw ${(thrown as Error)?.name ?? typeof thrown}, not a ZooError: ${(thrown as Error)?.message ?? String(thrown)}`,
      );
    }
    if (thrown === undefined) stats.parsed++;
    else stats.refused++;
    if (ms > bounds.maxCallMs) throw new Error(`${label}: one call took ${ms.toFixed(0)} ms (bound ${bounds.maxCallMs} ms).`);
    if (stats.runs % 50 === 0) {
      const now = process.memoryUsage();
      stats.arrayBufferGrowth = Math.max(stats.arrayBufferGrowth, now.arrayBuffers - start.arrayBuffers);
      stats.rssGrowth = Math.max(stats.rssGrowth, now.rss - start.rss);
      if (stats.arrayBufferGrowth > bounds.maxArrayBufferGrowth || stats.rssGrowth > bounds.maxRssGrowth) {
        throw new Error(`${label}: memory grew by ${stats.arrayBufferGrowth} bytes of ArrayBuffers, ${stats.rssGrowth} bytes resident.`);
      }
    }
  });
  try {
    fc.assert(property, { seed: options.seed, numRuns: options.numRuns, endOnFailure: false });
  } catch (err) {
    // A shrunk input can still be megabytes of text: the seed and path replay it, the end says why.
    const cause = (err as Error).cause as Error | undefined;
    const report = `${cause ? `${cause.message}\n` : ''}${(err as Error).message}`;
    throw new Error(
      `${label}: fuzzing failed with seed ${options.seed}.\n${report.length > 4000 ? `${report.slice(0, 1500)}\n...\n${report.slice(-2500)}` : report}`,
    );
  }
  expect(stats.runs).toBeGreaterThanOrEqual(options.numRuns);
  return stats;
}

/** Byte-level mutations of a valid file: flips, truncation, splices, appended bytes. */
export function byteMutations(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = (n: number) => n % (base.length + 1);
  return fc.oneof(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const out = base.slice();
      for (const [i, x] of flips) out[i % out.length] ^= x;
      return out;
    }),
    fc.nat().map((n) => base.slice(0, at(n))),
    fc.tuple(fc.nat(), fc.nat({ max: 64 }), fc.uint8Array({ maxLength: 64 })).map(([i, cut, bytes]) => {
      const a = at(i);
      const out = new Uint8Array(base.length - Math.min(cut, base.length - a) + bytes.length);
      out.set(base.subarray(0, a));
      out.set(bytes, a);
      out.set(base.subarray(Math.min(base.length, a + cut)), a + bytes.length);
      return out;
    }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => {
      const out = new Uint8Array(base.length + tail.length);
      out.set(base);
      out.set(tail, base.length);
      return out;
    }),
  );
}

/** Numbers a hostile file puts where a size belongs. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e308, -0, 0.5, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.nat({ max: 4096 }),
  fc.double(),
  fc.constantFrom('8', null, true, [], {}),
);

/** JSON values nested deeper than any real file, to reach stack-bound code. */
export const deepValue: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(2_000, 20_000), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
