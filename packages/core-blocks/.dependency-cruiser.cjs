// The import graph of @zoo/core-blocks, checked by `pnpm lint` (dependency-cruiser): one
// direction, from the entry points down to the base. A module may import its own level and the
// levels below it, never a level above.
//   base        errors, option helpers, sha256
//   keys        how a layer's weights map to checkpoint keys (state-dict rules, key conventions)
//   layers      the custom layers and `apply`, `linear`, initialisers, wasm gradients
//   blocks      conv-norm-act, inverted residual, attention, ... built from layers
//   model       the model contract: `defineModel`, `ModelEntry`, data config, weight-set metadata
//   checkpoint  readers and writers of safetensors, .pth, model.json; state-dict loading
//   inference   preprocessing, classify, embed, the record of loaded weights
//   weights     finding, downloading, caching and loading pretrained weights
//   front-door  models by name (`createModel`, `getModel`, `listModels`)
//   docs        innovation pages and their figures, for the docs site only
//   entries     index (users), family (family authors), docs, node, wasm, vite
const LEVELS = [
  ['base', '^src/base/'],
  ['keys', '^src/keys/'],
  ['layers', '^src/layers/'],
  ['blocks', '^src/blocks/'],
  ['model', '^src/model/'],
  ['checkpoint', '^src/checkpoint/'],
  ['inference', '^src/inference/'],
  ['weights', '^src/weights/'],
  ['front-door', '^src/front-door/'],
  ['docs', '^src/docs/'],
  ['entries', '^src/(index|family|docs|node|wasm|vite|wasm-files|image-node)\\.ts$'],
];

const upward = LEVELS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-no-higher-level`,
  comment: `${name} may import only ${LEVELS.slice(0, i + 1)
    .map(([n]) => n)
    .join(', ')}.`,
  severity: 'error',
  from: { path },
  to: {
    path: LEVELS.slice(i + 1)
      .map(([, p]) => `(${p})`)
      .join('|'),
    // The model contract names the options `entry.load()` takes (a type); the loader itself is set by
    // the entry point (`setWeightsLoader`).
    ...(name === 'model' ? { pathNot: '^src/weights/load\\.ts$' } : {}),
  },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'model-names-only-the-load-options',
      comment: 'The model contract reaches weights/load.ts only for the type of its options.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/weights/load\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'No cycle of runtime imports (a type naming its neighbour, e.g. an options type, is no cycle at run time).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'browser-code-imports-no-node-builtins',
      comment: 'Only the node and vite entries (and what only they import) may import node: modules statically.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(node|vite|image-node)\\.ts$' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only', 'type-import'] },
    },
    {
      name: 'browser-entries-reach-no-docs-code',
      comment: 'The user and family-author entries never reach the docs-only figures.',
      severity: 'error',
      from: { path: '^src/(index|family)\\.ts$' },
      to: { path: '^src/docs(/|\\.ts$)', reachable: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      from: { orphan: true, pathNot: ['^src/(index|family|docs|node|wasm|vite)\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'every-module-has-a-level',
      comment: 'A new folder or top-level file is placed in LEVELS above.',
      severity: 'error',
      from: { path: '^src/', pathNot: LEVELS.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // node: builtins stay in the graph (a rule checks them); packages are not followed.
    exclude: { path: 'node_modules' },
  },
};
