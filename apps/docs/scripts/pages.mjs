// Markdown for the generated pages. Figures are formatted here; the exact integers stay in the
// data (site.json) and in the tables' data attributes, where the end-to-end test reads them.

export const int = (n) => n.toLocaleString('en-US');
export const mega = (n) => `${(n / 1e6).toFixed(3)} M`;
export const giga = (n) => `${(n / 1e9).toFixed(3)} G`;
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/{/g, '&#123;');
const code = (s) => `<code>${esc(s)}</code>`;
const check = (a, b) => (a === b ? '<span class="zoo-ok">✓ equal</span>' : `<span class="zoo-bad">differs by ${int(a - b)}</span>`);
const shape = (s) => `${s.join('×')}`;

const COMMON_OPTIONS = [
  ['numClasses', '1000', 'Classes of the classifier.'],
  ['includeTop', 'true', 'Keep the classifier; without it the model returns features.'],
  ['inputShape', null, 'NHWC input shape without the batch axis.'],
  ['pooling', 'null', "Global pooling of the features when `includeTop` is false: `'avg'`, `'max'` or `null` (the feature map)."],
  ['classifierActivation', 'null', "`null` returns logits, `'softmax'` probabilities."],
  ['dropRate', null, "Dropout before the classifier, active in training only (default: the reference's)."],
];

const entryExpr = (m, importName) => importName ?? `catalog.find((e) => e.name === '${m.name}')!`;
const loadLine = (m, importName, options) => `const model = await ${entryExpr(m, importName)}.load(${options});`;

/** The weight set a card's snippets load: the default one where it loads, else the first that does; null if none does. */
const defaultLoadableSet = (m) => {
  const loads = m.weights.filter((s) => !s.unsupported);
  return loads.find((s) => s.isDefault) ?? loads[0] ?? null;
};

/** A weight set's published top-1 with the resolution it was measured at and the model's MACs there. */
function setAccuracy(m, s) {
  const a = s.accuracy;
  if (a?.top1 == null) return '—';
  const e = m.evaluations.find((v) => v.top1 === a.top1 && v.resolution === a.resolution);
  if (!e) throw new Error(`docs: ${m.name}'s weight set ${s.name} has an accuracy (${a.top1} at ${a.resolution}) with no evaluation`);
  return `${a.top1} at ${a.resolution} px: ${giga(e.macs.convLinear)}`;
}

/** The model card's weight sets: each with its accuracy at its resolution, preprocessing, size and license, and the one-line load. */
function weightsSection(m, importName) {
  const sets = m.weights;
  const loads = sets.filter((s) => !s.unsupported);
  const size = (b) => (b === null ? '?' : mb(b));
  const lines = sets.length
    ? [
        `${sets.length} released weight set${sets.length === 1 ? '' : 's'} (${loads.length} load today), read straight from the publisher's own files:`,
        "torchvision's `.pth` and the hub's `model.safetensors`, no Python needed. Each is fetched, checked against the hash its",
        'publisher gives where it gives one (torchvision does), cached, and loaded with its own preprocessing, which `classify`,',
        '`embed` and `preprocess` then use.',
        '',
        '| weights | publisher | top-1, at resolution: MACs there | input | resize, interpolation | classes | size | license | loads |',
        '| --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |',
        ...sets.map(
          (s) =>
            `| ${code(s.name)}${s.isDefault ? ' (default)' : ''} | ${esc(s.publisher)} | ${setAccuracy(m, s)} | ${s.preprocessing.inputSize} | ${s.preprocessing.resizeSize}, ${s.preprocessing.interpolation} | ${int(s.classes.count)} ${esc(s.classes.dataset)} | ${size(s.file.bytes)} | ${esc(s.license ?? '—')} | ${s.unsupported ? `not yet: ${esc(s.unsupported)}` : 'yes'} |`,
        ),
        '',
      ]
    : [`No weights are published for ${code(m.name)} by torchvision, timm or its authors; load your own checkpoint with \`from\`.`, ''];
  const first = defaultLoadableSet(m);
  return [
    ...lines,
    '```ts',
    "import '@tensorflow/tfjs-backend-wasm';",
    "import * as tf from '@tensorflow/tfjs-core';",
    "import { classify } from '@zoo/core-blocks';",
    "import { readImage } from '@zoo/core-blocks/node'; // in a browser, pass an <img> or a canvas",
    importName ? `import { ${importName} } from '${m.package}';` : `import { catalog } from '${m.package}';`,
    '',
    "await tf.setBackend('wasm');",
    first
      ? loadLine(m, importName, `{ weights: '${first.name}' }`)
      : `${loadLine(m, importName, `{ from: '/weights/${m.name}.pth' }`)} // your .pth or .safetensors file`,
    "console.log(await classify(model, await readImage('cat.jpg'))); // the weights' own preprocessing",
    '```',
    '',
    'Or convert once to the TF.js layers format (`model.json` and weight shards) and serve that:',
    '',
    '```sh',
    first
      ? `npx -p @zoo/profiler zoo convert ${m.name} --weights ${first.name} out/${m.name}`
      : `npx -p @zoo/profiler zoo convert ${m.name} ${m.name}.pth out/${m.name}`,
    '```',
    '',
    'More in [Import weights](/guides/import-weights).',
    '',
  ];
}

export function cardPage(m, innovations, backends = null, quantization = null, latency = null) {
  const used = innovations.filter((i) => i.families.includes(m.family));
  const ref = m.reference;
  const importName = m.namedExport ? m.name : null;
  const lines = [
    '---',
    `title: ${JSON.stringify(m.name)}`,
    `description: ${JSON.stringify(`${m.name}, a ${m.family} model of ${m.package}, with its parameters, MACs and usage.`)}`,
    'aside: false',
    'pageClass: zoo-wide',
    '---',
    `# ${m.name}`,
    '',
    `<p class="zoo-lede"><strong>${esc(m.family)}</strong> from <code>${esc(m.package)}</code>: ${mega(m.params)} trainable parameters, ` +
      `${giga(m.macs.convLinear)} MACs at ${m.inputSize}×${m.inputSize}, the same function as ${ref ? esc(ref.implementation) : 'its reference'}.</p>`,
    '',
    `**Paper:** [${esc(m.paper.title)}](${m.paper.url}), ${esc(m.paper.authors)}, ${m.paper.year}.`,
    '',
    '## Figures',
    '',
    'Measured by `@zoo/profiler` on this model at build time, one 224×224 image unless stated, beside the reference figures',
    'measured on the PyTorch implementation ([MACs conventions](/comparison#macs-not-flops)).',
    '',
    '| | this zoo | reference | |',
    '| --- | ---: | ---: | --- |',
    `| trainable parameters | ${int(m.params)} | ${ref ? int(ref.params) : '—'} | ${ref ? check(m.params, ref.params) : ''} |`,
    `| MACs, convolutions + linear | ${int(m.macs.convLinear)} | ${ref ? int(ref.macs.convLinear) : '—'} | ${ref ? check(m.macs.convLinear, ref.macs.convLinear) : ''} |`,
    `| MACs, total (with attention products) | ${int(m.macs.total)} | ${ref ? int(ref.macs.total) : '—'} | ${ref ? check(m.macs.total, ref.macs.total) : ''} |`,
    `| all weights incl. BatchNorm statistics | ${int(m.paramsAll)} | | |`,
    `| weights file (float32) | ${mb(m.weightBytes)} | | |`,
    `| output shape | ${shape(m.outputShape)} | | |`,
    '',
    ref
      ? `Reference: ${code(ref.implementation)}${ref.commit ? ` at commit ${code(ref.commit)}` : ''}.`
      : 'The reference data does not cover this model.',
    '',
    '## Published ImageNet-1k accuracy',
    '',
    ...publishedSection(m),
    '',
    '## Usage',
    '',
    '```ts',
    "import '@tensorflow/tfjs-backend-wasm'; // or any backend",
    "import * as tf from '@tensorflow/tfjs-core';",
    importName ? `import { ${importName} } from '${m.package}';` : `import { catalog } from '${m.package}';`,
    ...(importName ? [] : [`const entry = catalog.find((e) => e.name === '${m.name}')!;`]),
    '',
    "await tf.setBackend('wasm');",
    `const model = ${importName ?? 'entry'}.create({ numClasses: 1000 });`,
    `const logits = model.predict(tf.zeros([1, ${m.inputSize}, ${m.inputSize}, 3])) as tf.Tensor; // ${shape(m.outputShape)}`,
    '',
    '// A backbone: pooled features instead of logits.',
    `const backbone = ${importName ?? 'entry'}.create({ includeTop: false, pooling: 'avg' });`,
    '```',
    '',
    '## Creation options',
    '',
    '| option | default | meaning |',
    '| --- | --- | --- |',
    ...COMMON_OPTIONS.map(
      ([name, def, doc]) =>
        `| ${code(name)} | ${code(def ?? (name === 'inputShape' ? `[${m.inputSize}, ${m.inputSize}, 3]` : 'reference'))} | ${doc.replace(/`([^`]+)`/g, (_, c) => code(c))} |`,
    ),
    ...m.extraOptions.map((o) => `| ${code(o.name)} | ${code(JSON.stringify(o.default))} | ${esc(o.doc)} (specific to ${esc(m.family)}) |`),
    '',
    'A wrong value throws a `ZooOptionError` naming the option, the value and what is allowed.',
    '',
    '## Stages',
    '',
    `The feature maps \`createModel(${JSON.stringify(m.name)}, { featuresOnly: true })\` returns, one per stage, for a detection or segmentation head: ` +
      `the reference's stage boundaries (timm's \`feature_info\` where timm has the architecture). ` +
      `By default it returns stages ${m.defaultOutIndices.join(', ')}; \`outIndices\` picks others (negative counts from the end).`,
    '',
    '```ts',
    `const m = await createModel(${JSON.stringify(m.name)}, { featuresOnly: true });`,
    'const maps = m.features(image); // NHWC tensors, shallowest first',
    '```',
    '',
    '| index | module | channels | stride | map at the default input |',
    '| ---: | --- | ---: | ---: | --- |',
    ...m.featureInfo.map(
      (f) => `| ${f.index} | ${code(f.module)} | ${int(f.channels)} | ${f.reduction} | ${f.side}×${f.side}×${f.channels} |`,
    ),
    '',
    '## Cost by block',
    '',
    'Top-level blocks (the profiler grouped at depth 1), their output shapes for one image, feature strides and costs.',
    '',
    `<StageChart model="${m.name}" />`,
    '',
    '| block | output shape | stride | parameters | MACs conv+linear | MACs total |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...m.stages.map(
      (s) =>
        `| ${code(s.name)} | ${shape(s.outputShape)} | ${s.stride ?? ''} | ${int(s.params)} | ${int(s.macs.convLinear)} | ${int(s.macs.total)} |`,
    ),
    '',
    '## Ideas it uses',
    '',
    used.length
      ? used.map((i) => `- [${i.title}](/innovations/${i.id}): ${i.summary}`).join('\n')
      : `No innovation page names ${esc(m.family)} yet.`,
    '',
    '## Weights',
    '',
    ...weightsSection(m, importName),
    '',
    '## Download size',
    '',
    ...downloadSection(m, quantization),
    '',
    '## Speed',
    '',
    ...speedSection(m, latency),
    '',
    '## Backends',
    '',
    ...backendsSection(m, backends),
  ];
  return lines.join('\n');
}

/**
 * The card's published accuracies, each beside what the model costs at the resolution it was
 * measured at (`m.evaluations`: the generator profiled the model at each crop size), so that no
 * accuracy is read against the 224 px cost of a model evaluated at 384 or 600.
 */
function publishedSection(m) {
  if (!m.published.length) return ['No published accuracy in the reference data.'];
  const evaluationOf = (p) => m.evaluations.find((e) => e.set === (p.tag ?? null) && e.top1 === p.top1) ?? null;
  return [
    '<div class="zoo-table-scroll"><table class="zoo-fit" data-test="published">',
    '<thead><tr><th>weights</th><th class="num">top-1</th><th class="num">top-5</th><th class="num">evaluated at</th><th class="num">parameters<br>there</th><th class="num">MACs there<br>(conv+linear)</th><th>resize, interpolation</th></tr></thead>',
    '<tbody>',
    ...m.published.map((p) => {
      const e = p.top1 == null ? null : evaluationOf(p);
      if (p.top1 != null && !e) throw new Error(`docs: ${m.name} has no evaluation for its published accuracy ${p.tag ?? ''} ${p.top1}`);
      const at = e ? resolutionText(e) : p.cropSize ? `${p.cropSize} px` : '—';
      const attrs = e
        ? ` data-top1="${e.top1}" data-resolution="${e.resolution}" data-eval-params="${e.params}" data-eval-macs="${e.macs.convLinear}"`
        : '';
      return (
        `<tr${attrs}><td class="zoo-id">${esc(p.tag ?? '—')}</td><td class="num">${p.top1 ?? '—'}</td><td class="num">${p.top5 ?? '—'}</td><td class="num">${at}</td>` +
        `<td class="num">${e ? mega(e.params) : '—'}</td><td class="num">${e ? giga(e.macs.convLinear) : '—'}</td>` +
        `<td class="zoo-id">${p.resizeSize ?? '—'}, ${esc(p.interpolation ?? '—')}</td></tr>`
      );
    }),
    '</tbody></table></div>',
    '',
    'These are the accuracies of the released PyTorch weights, as their publishers measured them, each at its own',
    `resolution, beside this model's parameters and MACs at that resolution (profiled at build time; at ${m.inputSize} px it costs`,
    `${giga(m.macs.convLinear)}). The weight sets below load them by name.`,
    '',
    `<p class="zoo-source">Source: ${[...new Set(m.published.map((p) => p.source))].map(esc).join('; ')}.</p>`,
  ];
}

/** The card's measured latency (measured/latency.json), and where to measure it in your own browser. */
function speedSection(m, latency) {
  const live = 'Measure it in your own browser, on every backend: [live benchmark](/benchmark).';
  if (!latency || m.latencyMs == null) return ['No latency has been measured for this model yet.', '', live];
  const machine = latency.machine;
  return [
    `<table class="zoo-fit" data-test="speed" data-latency-ms="${m.latencyMs}"${m.fusedLatencyMs != null ? ` data-fused-latency-ms="${m.fusedLatencyMs}"` : ''}>`,
    '<thead><tr><th>one image, batch 1</th><th class="num">median latency</th></tr></thead>',
    '<tbody>',
    `<tr><td><code>model.predict</code> (TF.js wasm)</td><td class="num">${m.latencyMs.toFixed(1)} ms</td></tr>`,
    ...(m.fusedLatencyMs != null
      ? [
          `<tr><td>the fused plan (<code>compile()</code>, <code>@zoo/fused</code>)</td><td class="num">${m.fusedLatencyMs.toFixed(1)} ms</td></tr>`,
        ]
      : []),
    '</tbody></table>',
    '',
    `At ${m.inputSize}×${m.inputSize}, median of ${m.latencyRuns ?? '?'} runs, measured ${esc(new Date(latency.measuredAt).toISOString().slice(0, 10))} on ${esc(machine.cpuModel)}`,
    `(${machine.cpus} CPUs), Node ${esc(machine.node)}, TensorFlow.js ${esc(latency.tfjs)} wasm with ${latency.threads} thread. How it was measured: [comparison](/comparison).`,
    '',
    live,
  ];
}

/** A table cell with a figure in K/M/G, the exact integer in its title. */
const compactCell = (n) => `<td class="num" title="${int(n)}">${compact(n)}</td>`;
export const compact = (n) =>
  Math.abs(n) >= 1e9
    ? `${(n / 1e9).toFixed(3)} G`
    : Math.abs(n) >= 1e6
      ? `${(n / 1e6).toFixed(3)} M`
      : Math.abs(n) >= 1e4
        ? `${(n / 1e3).toFixed(1)} K`
        : int(n);

export function innovationPage(inv, models) {
  const byFamily = new Map(inv.families.map((f) => [f, models.filter((m) => m.family === f)]));
  const lines = [
    '---',
    `title: ${JSON.stringify(inv.title)}`,
    `description: ${JSON.stringify(inv.summary)}`,
    'aside: false',
    'pageClass: zoo-wide',
    '---',
    `# ${inv.title}`,
    '',
    `<p class="zoo-lede">${esc(inv.summary)}</p>`,
    '',
    inv.figure ? `<figure class="zoo-figure-wrap">${inv.figure}</figure>` : '',
    '',
    inv.body,
    '',
  ];
  if (inv.comparisons.length) {
    lines.push(
      '## What it costs, measured',
      '',
      "Each row is a small model built from the zoo's own layers (`@zoo/core-blocks` and the family's blocks) and",
      'profiled at build time by `@zoo/profiler`, exactly as the models in the zoo are. MACs are for one image;',
      '*memory access* counts the elements every layer reads (inputs and weights) and writes (outputs), the measure',
      'ShuffleNetV2 argues for; *layers* counts the layers of the variant.',
      '',
    );
    for (const c of inv.comparisons) {
      const base = c.rows[0];
      const ownInputs = c.rows.some((r) => shape(r.input) !== shape(c.input));
      const ratio = (a, b) => (b ? `${(a / b).toFixed(3)}×` : '—');
      // Both MAC conventions only where they differ (attention's matrix products).
      const attention = c.rows.some((r) => r.macs.total !== r.macs.convLinear);
      lines.push(
        `### ${c.title}`,
        '',
        ownInputs ? 'Each variant has its own input (H×W×C).' : `Input ${shape(c.input)} (H×W×C).`,
        '',
        `<div class="zoo-table-scroll"><table class="zoo-innovation" data-test="innovation-table" data-innovation="${inv.id}">`,
        `<thead><tr><th>variant</th>${ownInputs ? '<th>input</th>' : ''}<th>output</th><th class="num">parameters</th>${
          attention ? '<th class="num">MACs conv+linear</th><th class="num">MACs total</th>' : '<th class="num">MACs</th>'
        }<th class="num">MACs vs first</th><th class="num" title="elements read and written by every layer, weights included (ShuffleNetV2's memory access cost)">memory access</th><th class="num">layers</th></tr></thead>`,
        '<tbody>',
        ...c.rows.map(
          (r) =>
            `<tr data-label="${esc(r.label)}" data-params="${r.params}" data-macs-conv-linear="${r.macs.convLinear}" data-macs-total="${r.macs.total}" data-memory-access="${r.memoryAccess}">` +
            `<td>${esc(r.label)}</td>${ownInputs ? `<td>${shape(r.input)}</td>` : ''}<td>${shape(r.outputShape.slice(1))}</td>` +
            `${compactCell(r.params)}${attention ? compactCell(r.macs.convLinear) : ''}${compactCell(r.macs.total)}` +
            `<td class="num">${ratio(r.macs.total, base.macs.total)}</td>${compactCell(r.memoryAccess)}<td class="num">${r.layers}</td></tr>`,
        ),
        '</tbody></table></div>',
        '',
        c.note ?? '',
        '',
      );
    }
  }
  lines.push('## Models that use it', '');
  for (const [family, ms] of byFamily) {
    lines.push(
      ms.length
        ? `- **${esc(family)}**: ${ms.map((m) => `[${m.name}](/models/${m.name})`).join(', ')}`
        : `- **${esc(family)}**: not in the zoo yet`,
    );
  }
  lines.push(
    '',
    `<p class="zoo-source">This page's prose comes from <code>${esc(inv.package)}</code>; its numbers from the profiler.</p>`,
    '',
  );
  return lines.join('\n');
}

export function innovationIndexPage(innovations) {
  return [
    '---',
    'title: Innovations',
    '---',
    '# Innovations',
    '',
    'The ideas behind the families of the zoo. Each page states the idea in plain words, shows it in a figure and',
    'measures it: the same layers the models use, profiled at build time.',
    '',
    ...innovations.map((i) => `- [${i.title}](/innovations/${i.id}): ${i.summary}`),
    '',
  ].join('\n');
}

export function modelIndexPage(models, families) {
  return [
    '---',
    'title: Models',
    'pageClass: zoo-wide',
    '---',
    '# Models',
    '',
    `${models.length} models from ${families.filter((f) => f.catalog.length).length} packages. Each card gives the figures, usage, options and stages.`,
    '',
    '| model | family | package | parameters | MACs conv+linear |',
    '| --- | --- | --- | ---: | ---: |',
    ...models.map(
      (m) => `| [${m.name}](/models/${m.name}) | ${esc(m.family)} | ${code(m.package)} | ${mega(m.params)} | ${giga(m.macs.convLinear)} |`,
    ),
    '',
  ].join('\n');
}

/**
 * Every published accuracy of the zoo (results page), each beside the model's parameters and MACs
 * at the resolution it was measured at (`m.evaluations`).
 */
export function publishedTable(models) {
  const rows = models.flatMap((m) =>
    m.evaluations.map((e) => {
      const p = m.published.find((q) => (q.tag ?? null) === e.set && q.top1 === e.top1);
      return (
        `<tr data-model="${m.name}" data-top1="${e.top1}" data-resolution="${e.resolution}" data-eval-params="${e.params}" data-eval-macs="${e.macs.convLinear}">` +
        `<td class="zoo-id"><a href="/models/${m.name}">${m.name}</a><br><small>${esc(m.family)}</small></td>` +
        `<td class="zoo-id">${esc(e.set ?? '—')}<br><small>${esc(p?.source ?? e.source)}</small></td>` +
        `<td class="num">${e.top1}</td><td class="num">${e.top5 ?? '—'}</td><td class="num">${resolutionText(e)}</td>` +
        `<td class="num" title="${int(e.params)}">${mega(e.params)}</td><td class="num" title="${int(e.macs.convLinear)}">${giga(e.macs.convLinear)}</td></tr>`
      );
    }),
  );
  return [
    '<div class="zoo-table-scroll"><table class="zoo-fit" data-test="published-all">',
    '<thead><tr><th>model, family</th><th>weights, source</th><th class="num">top-1</th><th class="num">top-5</th><th class="num">evaluated at</th><th class="num">parameters<br>there</th><th class="num">MACs there<br>(conv+linear)</th></tr></thead>',
    '<tbody>',
    ...rows,
    '</tbody></table></div>',
  ].join('\n');
}

/** "384 px", with where the resolution comes from when the publisher did not state it. */
const resolutionText = (e) =>
  `${e.resolution} px${e.resolutionSource === 'published' ? '' : `<br><small>${e.resolutionSource === 'weight set' ? "the weights' input size" : 'the default input, assumed'}</small>`}`;

/** Where and how the comparison's wasm latency column was measured (measured/latency.json). */
export function latencyNote(latency, models) {
  if (!latency)
    return 'No latency has been measured yet: run `pnpm --filter @zoo/docs measure:latency` and commit `measured/latency.json`.';
  const m = latency.machine;
  const measured = models.filter((x) => x.latencyMs != null).length;
  const fewer = models.filter((x) => x.latencyRuns != null && x.latencyRuns < 15).length;
  const fused = models.filter((x) => x.fusedLatencyMs != null).length;
  return [
    `**wasm latency** was measured on ${esc(new Date(latency.measuredAt).toISOString().slice(0, 10))} on ${esc(m.cpuModel)} (${m.cpus} CPUs, ${esc(m.platform)}), Node ${esc(m.node)},`,
    `TensorFlow.js ${esc(latency.tfjs)} wasm backend with ${latency.threads} thread: ${esc(latency.description)}`,
    `${measured} of ${models.length} models measured${latency.complete ? '' : ' (the run was interrupted: the others have no figure)'}.`,
    fewer ? `${fewer} slow models were timed with fewer runs; hover a cell for its run count, and see the file's notes.` : '',
    fused
      ? `**wasm fused** is the same model run through [\`@zoo/fused\`](/benchmark), which folds BatchNorm into the convolutions and fuses bias and activation into the kernels (same outputs within 1e-4): what a page can get from the same weights. ${fused} of ${models.length} models measured.`
      : '',
    latency.loadAverage
      ? latency.loadAverage.atStart[0] > m.cpus
        ? `The machine was shared while it ran (load average ${latency.loadAverage.atStart.join(', ')} at the start): read the figures as relative, not absolute.`
        : `Load average ${latency.loadAverage.atStart.join(', ')} at the start and ${latency.loadAverage.now.join(', ')} at the end, on ${m.cpus} CPUs (the run itself keeps one busy).`
      : '',
    latency.notes?.length
      ? `\n<details><summary>Notes from the run</summary>\n\n${latency.notes.map((n) => `- ${esc(n)}`).join('\n')}\n\n</details>`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '—');
/** a / b as a factor, or — where either was not measured. */
const times = (a, b) => (typeof a === 'number' && typeof b === 'number' && a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

/**
 * The same run against the wasm ceiling and in memory: the time each model's multiply-accumulates
 * take at the kernels' rate the run measured, the fused plan's ratio to it and to ONNX Runtime
 * Web, the model's weights and the plan's wasm heap (the process's peak, with predict's, is in
 * the file and the fused README, not here: the table must fit the column at 1280 px).
 */
function ceilingTable(bench, link) {
  const k = bench.kernels;
  const rate = k ? `: ${k.matMulGmacPerS} GMAC/s on a large product, ${k.convGmacPerS} on a 3x3 convolution, the faster taken` : '';
  return [
    `Against the wasm ceiling: the time the model's multiply-accumulates take at the rate the same run measured for TF.js's own kernels (XNNPACK, one thread${rate}). The plan heap is the wasm memory after the compiled plan alone had run (before \`predict\` ever ran): the model's weights, the plan's folded copies, XNNPACK's packed copies and one call's activations.`,
    '',
    '<div class="zoo-table-scroll"><table data-test="inference-ceiling">',
    '<thead><tr><th>model</th><th class="num">GMAC</th><th class="num">ceiling (ms)</th><th class="num">fused / ceiling</th><th class="num">ONNX Runtime Web / fused</th><th class="num">weights (MB)</th><th class="num">plan heap (MB)</th></tr></thead>',
    '<tbody>',
    ...bench.models.map(
      (r) =>
        `<tr data-model="${esc(r.model)}"><td>${link(r.model)}</td><td class="num">${typeof r.gmacs === 'number' ? r.gmacs.toFixed(2) : '—'}</td>` +
        `<td class="num">${ms(r.ceilingMs)}</td><td class="num">${times(r.fusedMs, r.ceilingMs)}</td><td class="num">${times(r.ortWebMs, r.fusedMs)}</td>` +
        `<td class="num">${ms(r.weightsMB)}</td><td class="num">${ms(r.planHeapMB)}</td></tr>`,
    ),
    '</tbody></table></div>',
    '',
  ];
}

/**
 * The fused-inference benchmark (`pnpm bench` writes measured/inference-bench.json): its latest run
 * as a table, or a sentence saying it has not been run. The shape is checked, not trusted.
 */
export function inferenceBenchBlock(bench, models = []) {
  if (!bench) {
    return 'The fused-inference benchmark has not been run for this build: `pnpm bench` writes `apps/docs/measured/inference-bench.json`, and the next build shows it here.';
  }
  const problems = [];
  if (typeof bench.generatedAt !== 'string') problems.push('generatedAt is not a string');
  if (!bench.machine || typeof bench.machine.cpus !== 'number') problems.push('machine.cpus is missing');
  if (!Array.isArray(bench.models)) problems.push('models is not an array');
  if (problems.length) throw new Error(`docs: measured/inference-bench.json is malformed: ${problems.join('; ')}`);
  const known = new Set(models.map((m) => m.name));
  const link = (name) => (known.has(name) ? `<a href="/models/${esc(name)}.html">${esc(name)}</a>` : esc(name));
  const m = bench.machine;
  return [
    `Latest run: ${esc(bench.generatedAt)}, on ${esc(m.cpuModel ?? 'an unnamed CPU')} (${m.cpus} CPUs), Node ${esc(m.node ?? '?')}, ${m.threads ?? '?'} thread(s).`,
    'Median milliseconds for one image; — where a runtime was not measured.',
    '',
    '<div class="zoo-table-scroll"><table data-test="inference-bench">',
    '<thead><tr><th>model</th><th class="num">predict (ms)</th><th class="num">fused (ms)</th><th class="num">ONNX Runtime Web (ms)</th><th class="num">ONNX Runtime Node (ms)</th><th class="num">fused speed-up</th></tr></thead>',
    '<tbody>',
    ...bench.models.map(
      (r) =>
        `<tr data-model="${esc(r.model)}"><td>${link(r.model)}</td><td class="num">${ms(r.predictMs)}</td><td class="num">${ms(r.fusedMs)}</td>` +
        `<td class="num">${ms(r.ortWebMs)}</td><td class="num">${ms(r.ortNodeMs)}</td>` +
        `<td class="num">${times(r.predictMs, r.fusedMs)}</td></tr>`,
    ),
    '</tbody></table></div>',
    '',
    ...(bench.models.some((r) => typeof r.ceilingMs === 'number') ? ceilingTable(bench, link) : []),
    ...(Array.isArray(bench.notes) && bench.notes.length ? ['Notes from the run:', '', ...bench.notes.map((n) => `- ${esc(n)}`), ''] : []),
  ].join('\n');
}

const BACKEND_LABELS = { webgl: 'webgl (float32)', 'webgl-f16': 'webgl (16-bit textures)', webgpu: 'webgpu' };
const rel = (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toExponential(1) : '—');

/** Checks the shape of measured/backends.json (written by `pnpm --filter @zoo/backends measure`). */
function checkBackends(backends) {
  const problems = [];
  if (typeof backends.generatedAt !== 'string') problems.push('generatedAt is not a string');
  if (!backends.tolerances || typeof backends.tolerances !== 'object') problems.push('tolerances is missing');
  if (!Array.isArray(backends.cases)) problems.push('cases is not an array');
  if (problems.length) throw new Error(`docs: measured/backends.json is malformed: ${problems.join('; ')}`);
}

/** The rows of one family's representative: backend, errors against cpu, tolerance. */
function backendRows(c, tolerances) {
  return Object.entries(c.backends).map(([b, r]) => {
    const tol = tolerances[b];
    const ok = !r.errors.length && r.finite && Math.max(r.model, r.fused) <= tol.model && r.layer <= tol.layer;
    const verdict = ok
      ? '✓'
      : !r.finite && r.firstNonFinite
        ? `overflows from ${code(r.firstNonFinite.layer)} (${esc(r.firstNonFinite.className)}); ${r.refused?.error === 'ZooNonFiniteError' ? '`classify` refuses it with a `ZooNonFiniteError`' : '✗ not refused'}`
        : `✗ ${esc(r.errors.join('; ') || 'beyond the tolerance')}`;
    return `| ${esc(BACKEND_LABELS[b] ?? b)} | ${rel(r.model)} | ${rel(r.fused)} | ${rel(r.layer)} | ${rel(tol.model)} / ${rel(tol.layer)} | ${verdict} |`;
  });
}

const BACKEND_HEAD = [
  '| backend | model | fused plan | worst custom layer | tolerance (model / layer) | |',
  '| --- | ---: | ---: | ---: | ---: | --- |',
];

/** A model card's backend section: what its family's representative measured on each backend. */
export function backendsSection(m, backends) {
  if (!backends) return ['The backends have not been checked for this build: `pnpm --filter @zoo/backends measure` writes the figures.'];
  checkBackends(backends);
  const c = backends.cases.find((x) => x.family === m.family);
  if (!c) return [`No ${esc(m.family)} model was checked across backends.`];
  return [
    `Checked against the cpu backend in headless Chromium (SwiftShader, software WebGL 2 and WebGPU) on ${c.model === m.name ? 'this model' : `its family's representative, ${code(c.model)},`} at ${c.size}×${c.size}, batch 2, with random weights:`,
    'max |backend − cpu| / max |cpu| of the output, of the fused plan (`@zoo/fused`), and of each custom layer on its own',
    `(${c.customLayers.map((l) => code(l)).join(', ')}) given the cpu's input. Measured ${esc(backends.generatedAt.slice(0, 10))}.`,
    '',
    ...BACKEND_HEAD,
    ...backendRows(c, backends.tolerances),
    '',
    `Tolerances and their reasons: [live benchmark](/benchmark#every-backend-gives-the-same-answer).`,
  ];
}

/** The benchmark page's block: every family's representative on every backend, and why each tolerance is what it is. */
export function backendsBlock(backends) {
  if (!backends)
    return 'The backends have not been checked for this build: `pnpm --filter @zoo/backends measure` writes `apps/docs/measured/backends.json`.';
  checkBackends(backends);
  return [
    `Measured ${esc(backends.generatedAt)} by \`pnpm --filter @zoo/backends measure\` in headless Chromium with SwiftShader; CI checks`,
    'eight of the families (together every custom layer class) on all three again, and holds this table to the same tolerances.',
    '',
    ...Object.entries(backends.tolerances).map(
      ([b, t]) =>
        `- **${esc(BACKEND_LABELS[b] ?? b)}**: within ${rel(t.model)} of the cpu (model and fused plan), ${rel(t.layer)} per layer${t.top1 ? ', same top-1' : ''}: ${esc(t.why)}.`,
    ),
    '',
    '<div class="zoo-table-scroll" data-test="backends">',
    '',
    '| family | model | size | backend | model | fused plan | worst custom layer | tolerance | |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |',
    ...backends.cases.flatMap((c) =>
      backendRows(c, backends.tolerances).map(
        (row, i) => `| ${i ? '' : esc(c.family)} | ${i ? '' : `[${esc(c.model)}](/models/${esc(c.model)})`} | ${i ? '' : c.size} ${row}`,
      ),
    ),
    '',
    '</div>',
  ].join('\n');
}

/** The weight file formats measured/quantization.json holds, float32 first (the reference). */
export const QUANTIZATION_FORMATS = ['float32', 'float16', 'uint8', 'uint16'];
/** A relative error as a percentage of the logits' range, two significant digits. */
const pct = (e) => (e === 0 ? '0' : `${(100 * e).toPrecision(2)} %`);
const day = (iso) => esc(new Date(iso).toISOString().slice(0, 10));

/**
 * Checks measured/quantization.json (scripts/measure-quantization.mjs writes it) against the
 * catalog: its shape, and a figure for every format of every model. A model without one stops the
 * build: a card must not show another model's size or none at all.
 */
export function checkQuantization(quantization, models) {
  const problems = [];
  if (typeof quantization.measuredAt !== 'string') problems.push('measuredAt is not a string');
  if (typeof quantization.tfjs !== 'string') problems.push('tfjs is not a string');
  if (!quantization.models || typeof quantization.models !== 'object') problems.push('models is missing');
  if (problems.length) throw new Error(`docs: measured/quantization.json is malformed: ${problems.join('; ')}`);
  const missing = models.map((m) => m.name).filter((name) => !(name in quantization.models));
  if (missing.length) {
    throw new Error(
      `docs: measured/quantization.json has no figures for ${missing.length} of the ${models.length} models (${missing.join(', ')}): ` +
        'run `pnpm --filter @zoo/docs measure:quantization --resume` (it measures the models the file lacks) and commit the file.',
    );
  }
  for (const m of models) {
    if (!Number.isFinite(quantization.models[m.name].inputRoundingError)) {
      throw new Error(`docs: measured/quantization.json is malformed: ${m.name} has no finite inputRoundingError`);
    }
    for (const f of QUANTIZATION_FORMATS) {
      const r = quantization.models[m.name].formats?.[f];
      if (!r || !(r.bytesOnDisk > 0) || !Number.isFinite(r.maxRelativeLogitError)) {
        throw new Error(`docs: measured/quantization.json is malformed: ${m.name} has no bytes on disk or no finite error for ${f}`);
      }
    }
  }
}

/** A model card's download sizes: bytes on disk and logit error of each format (measured/quantization.json), and how to get each. */
export function downloadSection(m, quantization) {
  const first = defaultLoadableSet(m);
  const how = [
    'Convert to a quantized file with `--quantize` (`float16`, `uint8` or `uint16`), or quantize the weights as they load',
    '(the quantized copy is what the cache keeps):',
    '',
    '```sh',
    first
      ? `npx -p @zoo/profiler zoo convert ${m.name} --weights ${first.name} out/${m.name} --quantize uint8`
      : `npx -p @zoo/profiler zoo convert ${m.name} ${m.name}.pth out/${m.name} --quantize uint8`,
    '```',
    '',
    '```ts',
    "import { createModel } from '@zoo/core-blocks';",
    `import '${m.package}/register';`,
    '',
    first
      ? `const model = await createModel('${m.name}', { pretrained: true, quantize: 'float16' });`
      : `const model = await createModel('${m.name}', { from: '/weights/${m.name}.pth', quantize: 'float16' }); // your checkpoint`,
    '```',
    '',
    'The formats, what stays float32 and why, and how the errors were measured: [Smaller weight files](/guides/quantization).',
  ];
  const q = quantization?.models?.[m.name];
  if (!q) return ['No download sizes have been measured: `pnpm --filter @zoo/docs measure:quantization` writes them.', '', ...how];
  const base = q.formats.float32.bytesOnDisk;
  return [
    'The weights on disk in the TF.js layers format (`model.json` and its 4 MiB shards, as `zoo convert` writes them), float32',
    'and with the kernels quantized; biases, norms, layer scales, position tables and kernels under 1024 values stay float32.',
    `The error is the largest change of a logit relative to the logits' range, max |q − f32| / max |f32|, for one seeded image at ${q.inputSize}×${q.inputSize}`,
    `with seeded random weights (not the published ones), measured ${day(quantization.measuredAt)} with TensorFlow.js ${esc(quantization.tfjs)} on ${esc(quantization.backend)}.`,
    '',
    `<div class="zoo-table-scroll"><table class="zoo-fit" data-test="download-size" data-model="${esc(m.name)}">`,
    '<thead><tr><th>format</th><th class="num">on disk</th><th class="num">of float32</th><th class="num">kernels quantized</th><th class="num">weights kept float32</th><th class="num">max relative logit error</th></tr></thead>',
    '<tbody>',
    ...QUANTIZATION_FORMATS.map((f) => {
      const r = q.formats[f];
      const kept = r.unrepresentable ? `${int(r.keptFloat32)} (+ ${int(r.unrepresentable)} out of range)` : int(r.keptFloat32);
      return (
        `<tr data-format="${f}" data-bytes="${r.bytesOnDisk}" data-error="${r.maxRelativeLogitError}"><td>${f}</td>` +
        `<td class="num">${mb(r.bytesOnDisk)}</td><td class="num">${((100 * r.bytesOnDisk) / base).toFixed(1)} %</td>` +
        `<td class="num">${int(r.quantized)}</td><td class="num">${kept}</td><td class="num">${f === 'float32' ? '— (the reference)' : pct(r.maxRelativeLogitError)}</td></tr>`
      );
    }),
    '</tbody></table></div>',
    '',
    `For scale: rounding the image itself at float16's precision (each value times 1 ± 2⁻¹¹) moves this float32 model's logits by ${pct(q.inputRoundingError)}.`,
    'A model, with these weights, that amplifies so small a change amplifies the kernels’ rounding as much: compare a format’s error with this figure',
    'rather than with another model’s ([why](/guides/quantization#every-model)).',
    '',
    ...how,
  ];
}

/** The guide's table of every model: float32 size, and each quantized format's size and logit error. */
export function quantizationTable(quantization, models) {
  if (!quantization)
    return 'No download sizes have been measured yet: run `pnpm --filter @zoo/docs measure:quantization` and commit `measured/quantization.json`.';
  const m = quantization.machine;
  return [
    `Measured ${day(quantization.measuredAt)} by \`pnpm --filter @zoo/docs measure:quantization\` on ${esc(m.cpuModel)} (${m.cpus} CPUs), Node ${esc(m.node)},`,
    `TensorFlow.js ${esc(quantization.tfjs)} ${esc(quantization.backend)} backend with ${quantization.threads} thread, seed ${quantization.seed}, in ${Math.round(quantization.durationS / 60)} minutes.`,
    'Sizes in MiB on disk (`model.json` included); the error is max |q − f32| / max |f32| of the logits, in % of their range;',
    '*image ± 2⁻¹¹* is the float32 model’s error when the image, not the weights, is rounded at float16’s precision.',
    '',
    '<div class="zoo-table-scroll"><table class="zoo-fit" data-test="quantization">',
    '<thead><tr><th>model</th><th class="num">float32</th><th class="num">float16</th><th class="num">error</th><th class="num">uint8</th><th class="num">error</th><th class="num">uint16</th><th class="num">error</th><th class="num" title="the float32 model\'s logit error when the image is rounded at float16\'s precision (each value times 1 ± 2⁻¹¹)">image ± 2⁻¹¹</th></tr></thead>',
    '<tbody>',
    ...models.map((x) => {
      const f = quantization.models[x.name].formats;
      const cell = (d) =>
        `<td class="num">${(f[d].bytesOnDisk / 2 ** 20).toFixed(1)}</td><td class="num">${pct(f[d].maxRelativeLogitError)}</td>`;
      return `<tr data-model="${esc(x.name)}"><td><a href="/models/${esc(x.name)}.html">${esc(x.name)}</a></td><td class="num">${(f.float32.bytesOnDisk / 2 ** 20).toFixed(1)}</td>${cell('float16')}${cell('uint8')}${cell('uint16')}<td class="num">${pct(quantization.models[x.name].inputRoundingError)}</td></tr>`;
    }),
    '</tbody></table></div>',
    ...(quantization.notes?.length
      ? ['', '<details><summary>Notes from the run</summary>', '', ...quantization.notes.map((n) => `- ${esc(n)}`), '', '</details>']
      : []),
  ].join('\n');
}

/** The guide's Fashion-MNIST table: a fine-tuned model's accuracy and top-1 agreement with float32 in each format. */
export function quantizationFashionTable(quantization) {
  const r = quantization?.fashionMnist;
  if (!r) return 'The Fashion-MNIST check has not been run: `pnpm --filter @zoo/docs measure:quantization` runs it after the models.';
  const o = r.options;
  return [
    `${code(r.model)} fine-tuned on Fashion-MNIST as \`packages/mobile/test/fine-tune.test.ts\` does it (${o.size} px, batch ${o.batch},`,
    `${o.frozenSteps} steps with the backbone frozen, then ${o.unfrozenSteps} with its last stage unfrozen; held-out accuracy ${r.frozenAccuracy.toFixed(3)} after the first phase,`,
    `${r.unfrozenAccuracy.toFixed(3)} after the second; an image-blind classifier gets ${r.majorityShare.toFixed(3)}), then saved in each format, read back`,
    `and run on the ${r.testImages} held-out images. *Agreement*: the share of images whose top-1 class is float32's.`,
    '',
    '<div class="zoo-table-scroll"><table class="zoo-fit" data-test="quantization-fashion">',
    '<thead><tr><th>format</th><th class="num">on disk</th><th class="num">held-out accuracy</th><th class="num">top-1 agreement with float32</th></tr></thead>',
    '<tbody>',
    ...QUANTIZATION_FORMATS.map((f) => {
      const x = r.formats[f];
      return (
        `<tr data-format="${f}" data-accuracy="${x.accuracy}" data-agreement="${x.agreement}"><td>${f}</td><td class="num">${mb(x.bytesOnDisk)}</td>` +
        `<td class="num">${(100 * x.accuracy).toFixed(1)} %</td><td class="num">${(100 * x.agreement).toFixed(1)} %</td></tr>`
      );
    }),
    '</tbody></table></div>',
  ].join('\n');
}
