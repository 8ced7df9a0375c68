// `pnpm --filter @zoo/bench run profile <model> [runs]` (with `run`: pnpm has a `profile` command
// of its own): where the fused path spends its time on wasm, for one zoo model at batch 1,
// 224x224 (random weights). Prints the plan's statistics, the time of its steps grouped by layer
// name with block numbers folded (`features.#.block.#`), and the time of each TF.js kernel
// (tf.profile). Not part of `pnpm bench`; a tool for working on
// @zoo/fused.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { compile } from '@zoo/fused';
import { zooEntry } from './zoo.mjs';

const [name, runsArg = '5'] = process.argv.slice(2);
const runs = Number(runsArg);
const entry = await zooEntry(name).catch((err) => {
  console.error(`${err.message}\nusage: profile <model> [runs]`);
  process.exit(2);
});
await tf.setBackend('wasm');
const model = entry.create({ inputShape: [224, 224, 3] });
const fused = compile(model);
console.log(JSON.stringify(fused.stats));
const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 1);

// The wasm backend runs each kernel when it is called, so a step's wall time is its cost.
const perGroup = new Map();
for (const step of fused.steps) {
  const run = step.run;
  const group = step.label.replace(/[._]?\d+/g, '#');
  step.run = (ins) => {
    const t0 = performance.now();
    const out = run(ins);
    perGroup.set(group, (perGroup.get(group) ?? 0) + performance.now() - t0);
    return out;
  };
}
const once = () => {
  const y = fused.predict(x);
  y.dataSync();
  y.dispose();
};
for (let i = 0; i < 3; i++) once();
perGroup.clear();
const t0 = performance.now();
for (let i = 0; i < runs; i++) once();
console.log(`fused predict: ${((performance.now() - t0) / runs).toFixed(1)} ms (mean of ${runs})`);
for (const [group, ms] of [...perGroup].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${(ms / runs).toFixed(1).padStart(9)} ms  ${group}`);
}
const profile = await tf.profile(() => fused.predict(x));
const perKernel = new Map();
for (const k of profile.kernels) perKernel.set(k.name, (perKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs ?? 0));
console.log('kernels (one run):');
for (const [kernel, ms] of [...perKernel].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${ms.toFixed(1).padStart(9)} ms  ${kernel}`);
}
process.exit(0);
