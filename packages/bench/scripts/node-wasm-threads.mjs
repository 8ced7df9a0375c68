// An experiment, not a supported configuration: what it takes to run @tensorflow/tfjs-backend-wasm
// 4.22's multithreaded build under Node. Import this module before the backend. Four internals
// are patched, which is why the zoo does not ship it (see packages/fused/README.md, Threads):
//  1. WASM_HAS_MULTITHREAD_SUPPORT is hard-coded false under Node: the caller sets it to true.
//  2. The backend starts its pthread workers from blob: URLs, which Node's worker_threads cannot
//     load: Blob and URL.createObjectURL are replaced so that an object URL is a file.
//  3. The threaded factory is shipped to the workers as its source text, which refers to the
//     Node bundle's module variables (require$$0 for fs, ..., commonjsGlobal): a prelude
//     defines them in the worker's file.
//  4. XNNPACK's thread pool is capped at half the logical cores (one on a 2-core machine):
//     os.cpus() is made to report twice the threads asked for.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export function enableWasmThreads(threads) {
  const dir = mkdtempSync(join(os.tmpdir(), 'zoo-wasm-threads-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const NativeBlob = globalThis.Blob;
  class TextBlob extends NativeBlob {
    constructor(parts, options) {
      super(parts, options);
      this.source = parts.map(String).join('');
    }
  }
  globalThis.Blob = TextBlob;
  const PRELUDE =
    "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\n";
  let count = 0;
  const toFile = (blob) => {
    const file = join(dir, `script${count++}.cjs`);
    const factory = blob.source.startsWith('var WasmBackendModuleThreadedSimd');
    writeFileSync(file, (factory ? PRELUDE : '') + blob.source);
    return file;
  };
  URL.createObjectURL = (blob) => toFile(blob);
  URL.revokeObjectURL = () => {};
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, transfer) {
    const m = message?.urlOrBlob instanceof TextBlob ? { ...message, urlOrBlob: toFile(message.urlOrBlob) } : message;
    return post.call(this, m, transfer);
  };
  const cpus = os.cpus();
  os.cpus = () => Array.from({ length: Math.max(cpus.length, 2 * threads) }, () => cpus[0]);
}
