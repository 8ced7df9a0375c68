import { zooWasm } from '@zoo/core-blocks/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  // Served from any folder: the built page and its assets are found relative to index.html.
  base: './',
  // The wasm backend's three .wasm files, served in dev and written to dist/tfjs-wasm/; the dev and
  // preview servers send the cross-origin isolation headers, so the threaded build runs (a host
  // must send them too: see README).
  plugins: [zooWasm({ crossOriginIsolation: true })],
  build: {
    target: 'es2022',
    reportCompressedSize: false,
    // TF.js is most of the bytes and changes less often than the app: its own chunk, cached apart.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      output: { manualChunks: (id) => (id.includes('/node_modules/@tensorflow/') ? 'tfjs' : undefined) },
    },
  },
});
