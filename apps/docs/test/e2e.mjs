// End-to-end test of the built site (run after `vitepress build`, as turbo orders it): serves
// dist/ on 127.0.0.1, drives Debian's Chromium with playwright-core, and checks every page
// against the packages themselves, profiled here independently of the site's generator.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { compareEntry, profileComparison } from '@zoo/profiler';
import { discoverFamilies } from '@zoo/profiler/node';
import { launchChromium } from '@zoo/test-support/browser';
import { inferenceBenchBlock } from '../scripts/pages.mjs';
import { accuraciesOf, accuracyCostChecker } from './checks/accuracy-cost.mjs';
import { checkCardSnippet } from './checks/card-snippet.mjs';
import { checkCharts } from './checks/charts.mjs';
import { checkComparison } from './checks/comparison.mjs';
import { checkFigures } from './checks/figures.mjs';
import { checkLayout, layoutProblems, VIEWPORTS } from './checks/layout.mjs';
import { checkNotesPage } from './checks/notes.mjs';
import { serve } from './serve.mjs';

const app = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(app, 'dist');
const artifacts = join(app, 'test-artifacts');
const started = performance.now();
const failures = [];
const check = async (name, fn) => {
  const t0 = performance.now();
  try {
    await fn();
    console.log(`  ✓ ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failures.push(name);
    console.log(
      `  ✗ ${name}\n    ${String(err?.stack ?? err)
        .split('\n')
        .slice(0, 6)
        .join('\n    ')}`,
    );
  }
};

// The site test is not on CI's longest path (the packages' parity tests are): it yields the cores
// to them. Chromium, started below, inherits the priority.
setPriority(10);

if (!existsSync(join(dist, 'index.html')))
  throw new Error('apps/docs/dist is missing: build the site first (pnpm turbo run build --filter=@zoo/docs).');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });

// What the site must show, computed from the packages, not read from the site's data.
await tf.setBackend('cpu');
const families = await discoverFamilies(join(app, '..', '..'));
const expected = new Map(families.flatMap((f) => f.catalog.map((e) => [e.name, compareEntry(e)])));
const innovationIds = families.flatMap((f) => f.innovations.map((i) => i.id));
const innovationList = families.flatMap((f) => f.innovations);
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);
const latency = readJson(join(app, 'measured', 'latency.json'));
const inferenceBench = readJson(join(app, 'measured', 'inference-bench.json'));
const models = families.flatMap((f) => f.catalog);
const benchModel =
  models.find((e) => e.name === 'mobilenet_v3_small') ?? [...expected.values()].sort((a, b) => a.macs.total - b.macs.total)[0];
console.log(`site test: ${expected.size} models, ${innovationIds.length} innovations; benchmark model ${benchModel.name}`);

const server = await serve(dist);
// playwright gives the browser a fresh, temporary profile (the toolchain note's --user-data-dir).
const browser = await launchChromium();
const outside = [];
/** A browser context at `viewport` that records and refuses any request for another host (the site must not need one). */
async function newContext(viewport, options = {}) {
  const ctx = await browser.newContext({ viewport, ...options });
  await ctx.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  // The test's own helper, present in every page it opens.
  await ctx.addInitScript({ content: `globalThis.zooDrawnPixels = ${drawnPixels.toString()};` });
  return ctx;
}
const context = await newContext({ width: 1280, height: 900 });

const consoleErrors = [];
/** A page whose console errors, failed responses and failed requests are recorded under `label()`. */
async function watched(label, ctx = context) {
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${label()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${label()}: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleErrors.push(`${label()}: ${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // A prefetch the browser cancels because the reader moved on is not a failure of the site.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    if (new URL(r.url()).hostname === '127.0.0.1') consoleErrors.push(`${label()}: request failed ${r.url()} (${r.failure()?.errorText})`);
  });
  return page;
}
async function visit(page, path) {
  const res = await page.goto(server.url + path, { waitUntil: 'networkidle' });
  assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
  return page;
}
const open = async (path) => visit(await watched(() => path), path);
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

/** Pixels drawn on each canvas matching the selector (runs in the page). */
function drawnPixels(selector) {
  return [...document.querySelectorAll(selector)].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

/**
 * Pixels drawn on each matching canvas, after waiting for all of them to be drawn on: charts draw
 * once their library has loaded, which can be after the network is idle.
 */
async function painted(page, selector, min = 500) {
  await page
    .waitForFunction(
      ([sel, least]) => {
        const counts = globalThis.zooDrawnPixels(sel);
        return counts.length > 0 && counts.every((n) => n >= least);
      },
      [selector, min],
      { timeout: 20_000 },
    )
    .catch(() => {}); // the caller's assertion reports what was drawn
  return page.evaluate(drawnPixels, selector);
}

const pages = [
  '/',
  '/comparison.html',
  '/notes.html',
  '/results.html',
  '/benchmark.html',
  '/models/',
  ...models.map((e) => `/models/${e.name}.html`),
  '/innovations/',
  ...innovationIds.map((id) => `/innovations/${id}.html`),
  '/guides/install-mobile.html',
  '/guides/import-weights.html',
  '/guides/fine-tuning.html',
  '/guides/quantization.html',
  '/guides/contribute-a-family.html',
];

try {
  await check(`every page loads (${pages.length} pages); every accuracy shown stands beside its resolution's cost`, async () => {
    // One tab for all of them, as a reader clicking through; a full load each time.
    let current = '';
    const page = await watched(() => current);
    const accuracies = accuracyCostChecker({ models, assert });
    for (const path of pages) {
      current = path;
      await visit(page, path);
      assert.ok((await page.title()).length > 0, `${path} has no title`);
      assert.ok((await page.locator('main h1').count()) > 0 || path === '/', `${path} has no heading`);
      await accuracies.check(page, path.match(/^\/models\/(.+)\.html$/)?.[1] ?? null);
    }
    await page.close();
    const published = models.reduce((n, e) => n + accuraciesOf(e).length, 0);
    assert.ok(accuracies.count() >= published, `${accuracies.count()} accuracies shown, ${published} published`);
    console.log(`    ${accuracies.count()} accuracies shown, each at its resolution's cost (${accuracies.profiled()} builds profiled)`);
  });

  await check('the comparison table lists every model with the profiler figures; charts render', async () => {
    const page = await open('/comparison.html');
    const rows = await page.$$eval('[data-test=comparison] tbody tr', (trs) =>
      trs.map((tr) => ({
        name: tr.dataset.model,
        params: Number(tr.dataset.params),
        convLinear: Number(tr.dataset.macsConvLinear),
        total: Number(tr.dataset.macsTotal),
      })),
    );
    assert.deepEqual(rows.map((r) => r.name).sort(), [...expected.keys()].sort());
    for (const r of rows) {
      const e = expected.get(r.name);
      assert.deepEqual(
        { params: r.params, convLinear: r.convLinear, total: r.total },
        { params: e.params.trainable, convLinear: e.macs.convLinear, total: e.macs.total },
        r.name,
      );
    }
    const pixels = await painted(page, '[data-test^=chart-]');
    assert.equal(pixels.length, 2, 'two charts');
    for (const n of pixels) assert.ok(n > 2000, `a chart is blank (${n} pixels drawn)`);
    await shot(page, 'comparison');
    // Filtering and sorting work on the same rows.
    await page.fill('[data-test=filter]', benchModel.name);
    assert.ok((await page.$$('[data-test=comparison] tbody tr')).length >= 1);
    await page.fill('[data-test=filter]', '');
    await page.click('th:nth-child(3) button');
    const sorted = await page.$$eval('[data-test=comparison] tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.params)));
    assert.deepEqual(
      sorted,
      [...sorted].sort((a, b) => a - b),
      'sorted by parameters',
    );
    await page.close();
  });

  await check(
    'the comparison table: a column picker; every column fits from 1280 px; on a phone the model column stays in view',
    async () => {
      const columns = async (page) => page.$$eval('[data-test=comparison] thead th', (ths) => ths.map((th) => th.textContent.trim()));
      const page = await open('/comparison.html');
      const compact = await columns(page);
      await page.click('[data-test=columns] summary');
      const boxes = page.locator('[data-test=columns] input[type=checkbox]');
      const n = await boxes.count();
      for (let i = 0; i < n; i++) if (!(await boxes.nth(i).isChecked())) await boxes.nth(i).check();
      const all = await columns(page);
      assert.equal(all.length, n + 1, 'every column shown, the model column included');
      assert.ok(all.length > compact.length, `the default is compact (${compact.length} of ${all.length} columns)`);
      for (const width of [1280, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        assert.deepEqual(await layoutProblems(page), [], `every column at ${width} px`);
      }
      // Unticking a column hides it; the rows keep their figures.
      await page.locator('[data-test=columns] input[data-column=total]').uncheck();
      assert.equal((await columns(page)).length, all.length - 1);
      await page.close();

      const phone = await newContext({ width: 390, height: 844 }, { isMobile: true });
      const p = await watched(() => '/comparison.html on a phone', phone);
      await visit(p, '/comparison.html');
      const shownOnPhone = await columns(p);
      assert.ok(shownOnPhone.length < compact.length, `a phone starts with fewer columns (${shownOnPhone.join(', ')})`);
      const pinned = await p.evaluate(() => {
        const scroller = document.querySelector('.zoo-comparison-scroll');
        scroller.scrollLeft = scroller.scrollWidth;
        const box = scroller.getBoundingClientRect();
        const cell = document.querySelector('[data-test=comparison] tbody tr td').getBoundingClientRect();
        return { scrolled: scroller.scrollLeft, left: cell.left - box.left, right: box.right - cell.right };
      });
      assert.ok(
        pinned.left >= -0.5 && pinned.right >= 0,
        `the model column stays in view when the table is scrolled ${JSON.stringify(pinned)}`,
      );
      await p.close();
      await phone.close();
    },
  );

  await check('the latency column shows the measured file, with when and where it was measured', async () => {
    const page = await open('/comparison.html');
    if (!latency) {
      assert.equal(await page.locator('[data-test=latency-header]').count(), 0);
      return;
    }
    const caption = await page.locator('[data-test=latency-caption]').textContent();
    assert.ok(caption.includes(latency.measuredAt.slice(0, 10)) && caption.includes(latency.machine.cpuModel), caption);
    const cells = await page.$$eval('[data-test=comparison] tbody tr', (trs) =>
      trs.map((tr) => [tr.dataset.model, tr.querySelector('[data-latency]')?.dataset.latency ?? '']),
    );
    for (const [name, value] of cells) {
      const want = latency.models[name]?.medianMs;
      assert.equal(value === '' ? undefined : Number(value), want, `${name} latency`);
    }
    // The fused column: present when the file has fused figures, each cell equal to the file's.
    const fusedIn = (name) => latency.models[name]?.fused?.medianMs;
    const anyFused = Object.keys(latency.models).some(fusedIn);
    assert.equal(await page.locator('[data-test=fused-header]').count(), anyFused ? 1 : 0, 'fused column');
    if (anyFused) {
      const fused = await page.$$eval('[data-test=comparison] tbody tr', (trs) =>
        trs.map((tr) => [tr.dataset.model, tr.querySelector('[data-fused]')?.dataset.fused ?? '']),
      );
      for (const [name, value] of fused) assert.equal(value === '' ? undefined : Number(value), fusedIn(name), `${name} fused latency`);
    }
    await page.close();
  });

  await check("innovation tables' figures equal the profiler's, computed here from the packages", async () => {
    let tables = 0;
    const page = await watched(() => 'innovation tables');
    for (const inv of innovationList) {
      await visit(page, `/innovations/${inv.id}.html`);
      assert.ok((await page.locator('main svg.zoo-figure').count()) === 1, `${inv.id}: figure`);
      const shown = await page.$$eval(`[data-innovation="${inv.id}"] tbody tr`, (trs) =>
        trs.map((tr) => ({
          params: Number(tr.dataset.params),
          convLinear: Number(tr.dataset.macsConvLinear),
          total: Number(tr.dataset.macsTotal),
          memoryAccess: Number(tr.dataset.memoryAccess),
        })),
      );
      const want = (inv.comparisons ?? []).flatMap((c) =>
        profileComparison(c).map((p, i) => ({
          params: p.params.trainable,
          convLinear: p.macs.convLinear,
          total: p.macs.total,
          input: c.variants[i].input ?? c.input,
          output: p.outputShape,
        })),
      );
      assert.deepEqual(
        shown.map(({ memoryAccess, ...r }) => r),
        want.map(({ input, output, ...r }) => r),
        inv.id,
      );
      // ShuffleNetV2's G1: a lone 1x1 convolution reads hw·c1 and c1·c2 weights and writes hw·c2.
      if (inv.id === 'shufflenet-v2-guidelines') {
        const g1 = inv.comparisons[0].variants.length;
        want.slice(0, g1).forEach((w, i) => {
          const [h, wd, c1] = w.input;
          const c2 = w.output[3];
          assert.equal(shown[i].memoryAccess, h * wd * (c1 + c2) + c1 * c2, `G1 memory access, row ${i}`);
        });
      }
      tables += shown.length;
    }
    await page.close();
    console.log(`    ${innovationList.length} innovation pages, ${tables} variants checked`);
  });

  await check('the benchmark page shows the fused-inference benchmark file, or says it has not been run', async () => {
    const page = await open('/benchmark.html');
    const rows = await page.$$eval('[data-test=inference-bench] tbody tr', (trs) => trs.map((tr) => tr.dataset.model));
    if (inferenceBench)
      assert.deepEqual(
        rows,
        inferenceBench.models.map((m) => m.model),
      );
    else {
      assert.equal(rows.length, 0);
      assert.ok((await page.locator('main').textContent()).includes('has not been run'));
    }
    // The same run against the wasm ceiling and in memory, where the run measured the ceiling.
    const ceilingRows = await page.$$eval('[data-test=inference-ceiling] tbody tr', (trs) => trs.map((tr) => tr.dataset.model));
    assert.deepEqual(
      ceilingRows,
      inferenceBench?.models.some((m) => typeof m.ceilingMs === 'number') ? inferenceBench.models.map((m) => m.model) : [],
    );
    await page.close();
    // The renderer against a fixture of the file's shape (the real file is written by `pnpm bench` only).
    const fixture = JSON.parse(readFileSync(join(app, 'test', 'fixtures', 'inference-bench.json'), 'utf8'));
    const html = inferenceBenchBlock(fixture, [{ name: 'mobilenet_v3_small' }]);
    assert.ok(html.includes('<a href="/models/mobilenet_v3_small.html">mobilenet_v3_small</a>'));
    assert.ok(html.includes('<td class="num">2.00×</td>') && html.includes('fixture CPU'));
    assert.throws(() => inferenceBenchBlock({ ...fixture, models: 'none' }), /malformed/);
  });

  await check('the benchmark page and the model cards show the cross-backend check (measured/backends.json)', async () => {
    const measured = readJson(join(app, 'measured', 'backends.json'));
    assert.ok(measured, 'measured/backends.json is committed (pnpm --filter @zoo/backends measure writes it)');
    const page = await open('/benchmark.html');
    const rows = await page.$$eval('[data-test=backends] tbody tr', (trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())),
    );
    assert.equal(
      rows.length,
      measured.cases.reduce((n, c) => n + Object.keys(c.backends).length, 0),
    );
    assert.deepEqual(
      rows.map((r) => r[1]).filter(Boolean),
      measured.cases.map((c) => c.model),
    );
    // Within the tolerance, or (16-bit webgl past float16's range) refused by classify.
    assert.ok(
      rows.every((r) => r.at(-1) === '✓' || /^overflows from .*classify refuses it with a ZooNonFiniteError$/.test(r.at(-1))),
      'every backend within its tolerance, or refused',
    );
    await page.close();
    // A card of a model that is not its family's representative names the one that was checked.
    const rep = measured.cases.find((c) => models.some((m) => m.family === c.family && m.name !== c.model));
    const other = models.find((m) => m.family === rep.family && m.name !== rep.model);
    const card = await open(`/models/${other.name}.html`);
    const text = await card.locator('main').textContent();
    assert.ok(text.includes(`its family's representative, ${rep.model},`), `${other.name}'s card names ${rep.model}`);
    assert.ok(text.includes('webgl (16-bit textures)') && text.includes('webgpu'));
    await card.close();
  });

  await check('model cards and the guide show the download sizes (measured/quantization.json)', async () => {
    const measured = readJson(join(app, 'measured', 'quantization.json'));
    assert.ok(measured, 'measured/quantization.json is committed (pnpm --filter @zoo/docs measure:quantization writes it)');
    for (const entry of [models[0], models.at(-1)]) {
      const card = await open(`/models/${entry.name}.html`);
      const rows = await card.$$eval('[data-test=download-size] tbody tr', (trs) =>
        trs.map((tr) => ({ format: tr.dataset.format, bytes: Number(tr.dataset.bytes), error: Number(tr.dataset.error) })),
      );
      const f = measured.models[entry.name].formats;
      assert.deepEqual(
        rows,
        ['float32', 'float16', 'uint8', 'uint16'].map((d) => ({ format: d, bytes: f[d].bytesOnDisk, error: f[d].maxRelativeLogitError })),
      );
      const text = await card.locator('main').textContent();
      assert.ok(text.includes(`zoo convert ${entry.name} `) && text.includes('--quantize uint8'), `${entry.name}'s card has the command`);
      assert.ok(
        text.includes(`createModel('${entry.name}', {`) && text.includes("quantize: 'float16'"),
        `${entry.name}'s card has the API line`,
      );
      await card.close();
    }
    const guide = await open('/guides/quantization.html');
    const listed = await guide.$$eval('[data-test=quantization] tbody tr', (trs) => trs.map((tr) => tr.dataset.model));
    assert.deepEqual(
      listed,
      models.map((e) => e.name),
    );
    const fashion = await guide.$$eval('[data-test=quantization-fashion] tbody tr', (trs) =>
      trs.map((tr) => [tr.dataset.format, Number(tr.dataset.agreement)]),
    );
    assert.deepEqual(
      fashion,
      ['float32', 'float16', 'uint8', 'uint16'].map((d) => [d, measured.fashionMnist.formats[d].agreement]),
    );
    await guide.close();
  });

  await check('model cards show the stage chart', async () => {
    const page = await open(`/models/${models[0].name}.html`);
    const [pixels] = await painted(page, '[data-test=chart-stages]');
    assert.ok(pixels > 2000, 'stage chart drawn');
    await shot(page, 'model-card');
    await page.close();
  });

  await check(
    'every page type at 390, 1280 and 1920 px, light and dark: nothing overflows the column; charts and figures readable (screenshots)',
    async () => {
      // One model card per package, every innovation page (each has its own figure), every other page.
      const cards = [...new Map(models.map((e) => [e.package, e])).values()].map((e) => `/models/${e.name}.html`);
      const types = [
        ['/', 'home'],
        ['/comparison.html', 'comparison'],
        ['/notes.html', 'notes'],
        ['/results.html', 'results'],
        ['/benchmark.html', 'benchmark'],
        ['/models/', 'models'],
        ...cards.map((p, i) => [p, i === 0 ? 'model-card' : null]),
        ['/innovations/', 'innovations'],
        ...innovationIds.map((id, i) => [`/innovations/${id}.html`, i === 0 ? 'innovation' : null]),
        ...pages.filter((p) => p.startsWith('/guides/')).map((p, i) => [p, i === 0 ? 'guide' : null]),
      ];
      const problems = [];
      for (const viewport of VIEWPORTS) {
        for (const colorScheme of ['light', 'dark']) {
          const ctx = await newContext(viewport, { colorScheme });
          let current = '';
          const page = await watched(() => `${current} at ${viewport.width} px, ${colorScheme}`, ctx);
          // VitePress follows the system's scheme until a reader picks one.
          for (const [path, name] of types) {
            // Dark mode changes colours, not boxes: the layout is measured in light, charts and figures in
            // both; the innovation figures' colours do not depend on the width, so in dark they are
            // measured at one width, every figure at every width in light.
            const figurePage = path.startsWith('/innovations/') && path !== '/innovations/';
            if (colorScheme === 'dark' && !(path === '/comparison.html' || (figurePage && viewport.width === 1280) || name)) continue;
            current = path;
            await visit(page, path);
            const label = `${path} at ${viewport.width} px (${colorScheme})`;
            const collect = async (fn) => {
              try {
                await fn();
              } catch (err) {
                problems.push(`${label}: ${err.message.split('\n').slice(0, 12).join('\n      ')}`);
              }
            };
            if (colorScheme === 'light') await collect(() => checkLayout({ page, assert, label }));
            if (path === '/comparison.html')
              await collect(() => checkComparison({ page, baseUrl: server.url, assert, viewport, colorScheme }));
            if (path.startsWith('/innovations/') && path !== '/innovations/') await collect(() => checkFigures({ page, assert }));
            if ((path.startsWith('/models/') && path !== '/models/') || path === '/benchmark.html')
              await collect(() => checkCharts({ page, assert, label }));
            if (path === '/notes.html' && viewport.width === 1280 && colorScheme === 'light')
              await collect(() => checkNotesPage({ page, baseUrl: server.url, assert }));
            if (name)
              await page.screenshot({
                path: join(artifacts, `${name}-${viewport.width}-${colorScheme}.png`),
                fullPage: viewport.width !== 390,
              });
          }
          await page.close();
          await ctx.close();
        }
      }
      assert.deepEqual(problems, []);
    },
  );

  await check("a model card's snippet classifies a JPEG with its default weight set as timm does", async () => {
    const r = await checkCardSnippet({ dist, app, models, assert });
    console.log(`    ${r.model} with ${r.set}: top-5 ${r.predictions.map((p) => `${p.label} ${p.probability.toFixed(4)}`).join(', ')}`);
  });

  await check('model cards show the measured latency of the model and its fused plan (measured/latency.json)', async () => {
    const measured = models.filter((e) => latency?.models?.[e.name]?.medianMs != null);
    const page = await open('/');
    for (const e of models) {
      await visit(page, `/models/${e.name}.html`);
      const table = page.locator('[data-test=speed]');
      const m = latency?.models?.[e.name];
      if (m?.medianMs == null) {
        assert.equal(await table.count(), 0, `${e.name} shows a latency it does not have`);
        continue;
      }
      assert.equal(Number(await table.getAttribute('data-latency-ms')), m.medianMs, e.name);
      const fused = await table.getAttribute('data-fused-latency-ms');
      assert.equal(fused === null ? null : Number(fused), m.fused?.medianMs ?? null, `${e.name} fused`);
      assert.ok((await table.textContent()).includes(`${m.medianMs.toFixed(1)} ms`), e.name);
    }
    console.log(`    ${measured.length} of ${models.length} cards show a measured latency`);
    await page.close();
  });

  await check(
    `the live benchmark runs ${benchModel.name}'s fused plan on wasm with one thread, then two (cross-origin isolated)`,
    async () => {
      const page = await watched(() => '/benchmark.html');
      // tfjs-backend-wasm caps its thread pool at half the cores navigator.hardwareConcurrency
      // reports, one on a 2-core machine: the page is told of twice the cores, so that two
      // threads can run on two.
      await page.addInitScript(
        (n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }),
        2 * Math.max(2, cpus().length),
      );
      const wasmRequests = [];
      page.on('request', (r) => r.url().endsWith('.wasm') && wasmRequests.push(r.url()));
      await visit(page, '/benchmark.html');
      // The server sends content/public/_headers' headers, as a host should: the page is isolated.
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'crossOriginIsolated');
      for (const box of await page.$$('[data-test^=bench-model-]')) await box.uncheck();
      await page.check(`[data-test=bench-model-${benchModel.name}]`);
      await page.selectOption('[data-test=bench-backend]', 'wasm');
      await page.selectOption('[data-test=bench-path]', 'fused');
      await page.fill('[data-test=bench-runs]', '3');
      const row = (threads) =>
        page.locator(
          `[data-test=bench-results] tr[data-model="${benchModel.name}"][data-backend=wasm][data-path=fused][data-threads="${threads}"] [data-test=bench-median]`,
        );
      const medians = {};
      for (const threads of [1, 2]) {
        await page.selectOption('[data-test=bench-threads]', String(threads));
        await page.click('[data-test=bench-run]');
        // The row's thread count is the one the backend reports after starting, not the one asked for.
        await row(threads).waitFor({ timeout: 300_000 });
        medians[threads] = Number(await row(threads).textContent());
        assert.ok(Number.isFinite(medians[threads]) && medians[threads] > 0, `median ${medians[threads]} with ${threads} thread(s)`);
      }
      assert.ok(wasmRequests.length > 0 && wasmRequests.every((u) => u.startsWith(server.url)), `wasm served by the site: ${wasmRequests}`);
      assert.ok(
        wasmRequests.some((u) => u.endsWith('/tfjs-backend-wasm-threaded-simd.wasm')),
        `the threaded build loaded: ${wasmRequests}`,
      );
      const [pixels] = await painted(page, '[data-test=chart-bench]');
      assert.ok(pixels > 500, 'latency chart drawn');
      console.log(
        `    ${benchModel.name}'s fused plan on wasm in headless Chromium: median ${medians[1]} ms (1 thread), ${medians[2]} ms (2 threads)`,
      );
      await shot(page, 'benchmark');
      await page.close();
    },
  );

  await check('no console errors, no request leaving 127.0.0.1', async () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(outside, []);
  });
} finally {
  await browser.close();
  await server.close();
}

console.log(
  `site test: ${failures.length ? `${failures.length} failed` : 'all passed'} in ${((performance.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`,
);
process.exit(failures.length ? 1 : 0);
