// What a visitor downloads, compressed as a server sends it (brotli), held by size-limit.
// Measured on the first build (Vite 5.4, TF.js 4.22, brotli): the figure in each comment. Each
// budget leaves about 10 % for growth; a change that needs more should say why in its commit.
export default [
  {
    // The app with the zoo's part: @zoo/mobile's MobileNetV3 spec and builder, core-blocks'
    // layers, preprocessing, classify and ImageNet's 1000 labels, the BatchNorm that trains as
    // PyTorch's and the gradient kernels wasm lacks (registered on import, so fit works on wasm).
    // Measured 26.8 kB. The class names of ImageNet-21k and the other large subsets are chunks of
    // their own (imagenet-*.js, wordnet-lemmas-*.js), never fetched for a 1000-class set.
    name: 'app and zoo (first load)',
    path: 'dist/assets/index-*.js',
    limit: '29.5 kB',
  },
  {
    // Fetched on the first load(): downloading, hashing, caching and reading PyTorch's .pth
    // (fflate's unzip, the restricted unpickler) and safetensors, and a quantized copy's scales.
    // Measured 17.8 kB, then 19.8 kB with quantized copies; the model.json reader and the quantizer
    // are chunks of their own (model-json-source-*.js, quantize-*.js), fetched only when used.
    name: 'weights loader (on load())',
    path: 'dist/assets/load-*.js',
    limit: '21.5 kB',
  },
  {
    // tfjs-core, tfjs-layers and the wasm backend's JavaScript, as far as the app uses them. TF.js
    // is pinned and in maintenance, so this moves only when the app uses more of it. Measured 120.2 kB.
    name: 'TF.js (first load)',
    path: 'dist/assets/tfjs-*.js',
    limit: '132 kB',
  },
  {
    // The SIMD build every current browser loads (the other two are fetched only where SIMD is
    // missing, or with threads). Fixed by the TF.js version: measured 106.5 kB, 3 % of headroom.
    name: 'wasm backend binary (SIMD)',
    path: 'dist/tfjs-wasm/tfjs-backend-wasm-simd.wasm',
    limit: '110 kB',
  },
];
