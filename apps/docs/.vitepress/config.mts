import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

// The headers of content/public/_headers (cross-origin isolation, for the threaded wasm build of
// the live benchmark), sent by the dev and preview servers too.
const isolation = {
  name: 'zoo-cross-origin-isolation',
  configureServer(server: {
    middlewares: { use(fn: (req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => void): void };
  }) {
    server.middlewares.use((_req, res, next) => {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      next();
    });
  },
};

// Written by scripts/generate.mjs from the discovered family packages.
const sidebar = JSON.parse(readFileSync(fileURLToPath(new URL('../.gen/data/sidebar.json', import.meta.url)), 'utf8'));

export default defineConfig({
  title: 'zoo',
  description: 'Image-classification backbones for TensorFlow.js, the same functions as their PyTorch references',
  srcDir: '.gen',
  outDir: 'dist',
  cleanUrls: false,
  lastUpdated: false,
  // Everything is served from the site: no web fonts, no CDN, no analytics.
  head: [
    ['meta', { name: 'color-scheme', content: 'light dark' }],
    ['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
  ],
  themeConfig: {
    nav: [
      { text: 'Comparison', link: '/comparison' },
      { text: 'Models', link: '/models/' },
      { text: 'Innovations', link: '/innovations/' },
      { text: 'Results', link: '/results' },
      { text: 'Survey notes', link: '/notes' },
      { text: 'Live benchmark', link: '/benchmark' },
      { text: 'Guides', link: '/guides/install-mobile' },
    ],
    sidebar: {
      '/models/': [{ text: 'Models', link: '/models/', items: sidebar.models }],
      '/innovations/': [{ text: 'Innovations', link: '/innovations/', items: sidebar.innovations }],
      '/guides/': [
        {
          text: 'Guides',
          items: [
            { text: 'Install only @zoo/mobile', link: '/guides/install-mobile' },
            { text: 'Import weights', link: '/guides/import-weights' },
            { text: 'Smaller weight files', link: '/guides/quantization' },
            { text: 'Fine-tune a backbone', link: '/guides/fine-tuning' },
            { text: 'Contribute a family', link: '/guides/contribute-a-family' },
          ],
        },
      ],
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
  vite: {
    plugins: [{ ...isolation, configurePreviewServer: isolation.configureServer }],
    // One TensorFlow.js for the site and every family package it imports.
    resolve: { dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@zoo/core-blocks'] },
    build: { chunkSizeWarningLimit: 4000 },
    server: { fs: { allow: ['../..'] } },
  },
});
