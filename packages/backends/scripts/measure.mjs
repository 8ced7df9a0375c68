// Runs the cross-backend check on every case and writes what it measured to
// apps/docs/measured/backends.json, which the model cards and the benchmark page show.
// `ZOO_BACKEND_CASES=resnet18,vit_b_32` and `ZOO_BACKENDS=webgl` run only those (and write nothing);
// `ZOO_BACKEND_CASES=... node scripts/measure.mjs --update` replaces those cases in the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { launchChromium } from '@zoo/test-support/browser';
import { BACKEND_CASES, CHECKED_BACKENDS, TOLERANCES } from '../dist/cases.js';
import { runBackendChecks } from '../dist/harness.js';

const only = process.env.ZOO_BACKEND_CASES?.split(',');
const backends = process.env.ZOO_BACKENDS ? process.env.ZOO_BACKENDS.split(',') : CHECKED_BACKENDS;
const cases = only ? BACKEND_CASES.filter((c) => only.includes(c.model)) : BACKEND_CASES;
const fmt = (v) => (Number.isFinite(v) ? v.toExponential(1) : String(v));
const t0 = Date.now();
const run = await runBackendChecks({
  cases,
  backendsOf: () => backends,
  launch: (args) => launchChromium(args),
  onCase: (r) => {
    const parts = r.results.map((b) => {
      const worstLayer = Math.max(0, ...b.layers.map((l) => l.relative));
      return `${b.backend} model ${fmt(b.model)} fused ${fmt(b.fused)} layers ${fmt(worstLayer)} top1 ${b.top1Agrees ? 'same' : 'DIFFERS'} ${(b.ms / 1000).toFixed(1)} s${b.errors.length ? ` ERRORS ${b.errors.join('; ')}` : ''}`;
    });
    console.log(`${r.model.padEnd(22)} cpu ${(r.cpuMs / 1000).toFixed(1)} s | ${parts.join(' | ')}`);
  },
});
console.log(`pages: ${JSON.stringify(run.pages)}; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
if (run.errors.length) console.log(`page errors: ${run.errors.join('\n')}`);
const update = process.argv.includes('--update');
if ((!only || update) && !process.env.ZOO_BACKENDS) {
  const file = new URL('../../../apps/docs/measured/backends.json', import.meta.url);
  const out = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, chromium: 'headless, SwiftShader (software WebGL 2 and WebGPU)' },
    pages: run.pages,
    tolerances: TOLERANCES,
    cases: run.results.map((r) => ({
      family: r.family,
      model: r.model,
      size: cases.find((c) => c.model === r.model).size,
      customLayers: r.classes,
      backends: Object.fromEntries(
        r.results.map((b) => [
          b.backend,
          {
            finite: Number.isFinite(b.model),
            // JSON has no infinity: a non-finite output is `finite: false`, with the layer where it began.
            model: Number.isFinite(b.model) ? b.model : null,
            fused: Number.isFinite(b.fused) ? b.fused : null,
            layer: Math.max(0, ...b.layers.map((l) => l.relative)),
            top1Agrees: b.top1Agrees,
            errors: b.errors,
            ...(b.firstNonFinite ? { firstNonFinite: b.firstNonFinite, refused: b.refused } : {}),
          },
        ]),
      ),
    })),
  };
  if (update) {
    // The other cases as they were measured; this run's in their places, in the cases' order.
    const before = JSON.parse(readFileSync(file, 'utf8'));
    const fresh = new Map(out.cases.map((c) => [c.model, c]));
    const kept = new Map(before.cases.map((c) => [c.model, c]));
    out.cases = BACKEND_CASES.map((c) => fresh.get(c.model) ?? kept.get(c.model)).filter(Boolean);
  }
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
