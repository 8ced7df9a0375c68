// What importing a built package does to the process: network calls, new globals, TF.js
// registrations, open handles. Prints one JSON object; tests of each package assert on it.
//
// Usage: node import-purity.mjs <path of the package directory> [entry ...]
//   entries are the package's export subpaths to import (default "."); run in a fresh process.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, ...entries] = process.argv.slice(2);
const calls = [];

// Record, and refuse, every way Node opens a connection or resolves a name.
const record =
  (what) =>
  (...args) => {
    calls.push({ what, target: String(args[0]?.href ?? args[0]?.host ?? args[0]?.hostname ?? args[0]).slice(0, 200) });
    throw new Error(`import-purity: ${what} is not allowed while importing`);
  };
const patch = async (mod, names) => {
  const m = await import(mod);
  for (const name of names) if (typeof m.default[name] === 'function') m.default[name] = record(`${mod}.${name}`);
};
await patch('node:http', ['request', 'get']);
await patch('node:https', ['request', 'get']);
await patch('node:http2', ['connect']);
await patch('node:net', ['connect', 'createConnection']);
await patch('node:tls', ['connect']);
await patch('node:dgram', ['createSocket']);
await patch('node:dns', ['lookup', 'resolve', 'resolve4', 'resolve6']);
globalThis.fetch = record('fetch');
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = record('WebSocket');

// The user's own TF.js, which the package takes as peer dependencies: its globals are not the package's.
const require = createRequire(join(dir, 'package.json'));
const tf = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href);
await import(pathToFileURL(require.resolve('@tensorflow/tfjs-layers')).href);

const snapshot = () => ({
  globals: new Set(Reflect.ownKeys(globalThis).map(String)),
  classes: new Set(Object.keys(tf.serialization.SerializationMap.getMap().classNameMap)),
  classMap: { ...tf.serialization.SerializationMap.getMap().classNameMap },
  backends: Object.keys(tf.engine().registryFactory).sort(),
  backend: tf.engine().backendName ?? null,
  kernels: new Set(['cpu', 'wasm', 'webgl'].flatMap((b) => tf.getKernelsForBackend(b).map((k) => `${b}/${k.kernelName}`))),
  flags: JSON.stringify(tf.env().flags),
  resources: process.getActiveResourcesInfo(),
  listeners: process
    .eventNames()
    .map((e) => `${String(e)}:${process.listenerCount(e)}`)
    .sort(),
});

const before = snapshot();
let error = null;
for (const entry of entries.length ? entries : ['.']) {
  const manifest = require(join(dir, 'package.json'));
  const target = manifest.exports?.[entry]?.default ?? (entry === '.' ? manifest.main : null);
  if (!target) throw new Error(`${manifest.name} has no export ${entry}`);
  try {
    await import(pathToFileURL(join(dir, target)).href);
  } catch (err) {
    error = String(err?.stack ?? err);
  }
}
// Let anything the import scheduled run before looking.
await new Promise((resolve) => setTimeout(resolve, 50));
const after = snapshot();

const FRONT_DOOR = new Set(['Symbol(@zoo/core-blocks/registry)', 'Symbol(@zoo/core-blocks/compiler)']);
const added = (a, b) => [...b].filter((k) => !a.has(k));
const report = {
  error,
  network: calls,
  newGlobals: added(before.globals, after.globals),
  newClasses: added(before.classes, after.classes),
  // A class registered under a name TF.js already uses replaces TF.js's own layer.
  replacedClasses: [...before.classes].filter((k) => before.classMap[k][0] !== after.classMap[k][0]),
  backends: { before: before.backends, after: after.backends },
  backend: { before: before.backend, after: after.backend },
  // Kernels a backend lacked, filled in (the zoo's wasm gradients): additive, like layer classes.
  newKernels: added(before.kernels, after.kernels),
  flagsChanged: before.flags !== after.flags,
  // Timers, sockets, workers the import left running (a timer would also keep a CLI alive).
  newResources: after.resources.filter(
    (r, i, all) => all.slice(0, i + 1).filter((x) => x === r).length > before.resources.filter((x) => x === r).length,
  ),
  listenersChanged: JSON.stringify(before.listeners) !== JSON.stringify(after.listeners),
};
// Everything but registering new layer classes and the wasm backend's missing kernels, in words a test failure can show.
report.problems = [
  error && `import failed: ${error}`,
  ...calls.map((c) => `network: ${c.what} ${c.target}`),
  // The front door's registries (a family registering its catalog, @zoo/fused its compiler) are
  // additive, like layer classes: one symbol each, shared by every copy of core-blocks.
  ...report.newGlobals.filter((g) => !FRONT_DOOR.has(g)).map((g) => `new global: ${g}`),
  ...report.replacedClasses.map((c) => `replaces TF.js's registered class ${c}`),
  JSON.stringify(before.backends) !== JSON.stringify(after.backends) && `registers backends: ${after.backends}`,
  before.backend !== after.backend && `sets the backend: ${after.backend}`,
  ...report.newKernels.filter((k) => !k.startsWith('wasm/')).map((k) => `registers the kernel ${k}`),
  report.flagsChanged && 'changes tf.env() flags',
  ...report.newResources.map((r) => `leaves a ${r} running`),
  report.listenersChanged && 'adds process listeners',
].filter(Boolean);
process.stdout.write(JSON.stringify(report), () => process.exit(0));
