// Timing shared by the bench's Node scripts and its browser page (page/main.js): plain JS, no
// Node module, so Vite bundles it too.
import { quantile } from '@zoo/profiler';

/**
 * Runs each pass `warmup + runs` times, interleaved (pass 0, pass 1, ..., then again), so that a
 * change in the machine's load hits every path alike; returns each pass's timed runs in ms.
 */
export async function timeEach(passes, runs, warmup) {
  const times = passes.map(() => []);
  for (let i = 0; i < warmup + runs; i++) {
    for (let p = 0; p < passes.length; p++) {
      const t0 = performance.now();
      await passes[p]();
      if (i >= warmup) times[p].push(performance.now() - t0);
    }
  }
  return times;
}

/** The middle value (the mean of the two middle values for an even count). */
export const median = (xs) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
