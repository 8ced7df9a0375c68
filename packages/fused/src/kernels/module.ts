/** What every zoo kernel module exports: its memory and where the caller's data may start. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
}

/**
 * A kernel module compiled from its base64 bytes on first use (synchronously: each is a few KB, under
 * what a browser's main thread compiles synchronously), then kept; null where WebAssembly or its
 * SIMD instructions are not available, and the callers use TF.js's kernels instead.
 */
export function lazyKernel<E extends KernelExports>(base64: string, name: string): () => E | null {
  let exports: E | null | undefined;
  return () => {
    if (exports === undefined) {
      try {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
          env: {
            abort: () => {
              throw new Error(`@zoo/fused ${name} kernel: abort`);
            },
          },
        });
        exports = instance.exports as unknown as E;
      } catch {
        exports = null;
      }
    }
    return exports;
  };
}

/** Grows the module's memory to hold `end` bytes; returns a fresh float view of it. */
export function heapFor(k: KernelExports, end: number): Float32Array {
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  return new Float32Array(k.memory.buffer);
}

/** `n` rounded up to a multiple of 64 bytes. */
export const align64 = (n: number) => Math.ceil(n / 64) * 64;
