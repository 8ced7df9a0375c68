/** The names tfjs-backend-wasm gives its builds, shared by `useWasm()` and the Vite plugin. */

/** The backend's three builds: plain, SIMD, and SIMD with threads (needs cross-origin isolation). */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Where the files are served by default, relative to the page's base URL (the Vite plugin's default too). */
export const WASM_FOLDER = 'tfjs-wasm/';

/** The file an environment loads: the threaded SIMD build where threads work, else SIMD, else plain. */
export function wasmFileFor(simd: boolean, threads: boolean): (typeof WASM_FILES)[number] {
  return simd && threads ? WASM_FILES[2] : simd ? WASM_FILES[1] : WASM_FILES[0];
}
