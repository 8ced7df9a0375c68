// The comparison page's accuracy chart against the data the site was built from
// (apps/docs/.gen/data/site.json, which the generator writes and the site bundles): for each
// cost axis, the plotted points are exactly the published accuracies that have a cost on that
// axis, each at the cost of the resolution it was measured at, and the drawn Pareto front is the
// one recomputed here from those points. Then every chart of the page is checked for readability,
// and the charts are seen to follow a live switch of the colour scheme.
import { readFileSync } from 'node:fs';
import { checkCharts } from './charts.mjs';

const SITE = new URL('../../.gen/data/site.json', import.meta.url);

/** What each axis plots, in the unit it plots it in. */
export const COST_AXES = {
  macs: { cost: (e) => e.macs.convLinear, unit: 1e9 },
  params: { cost: (e) => e.params, unit: 1e6 },
  latency: { cost: (e) => e.latencyMs, unit: 1 },
};

/** The points no other point beats: none as cheap or cheaper with a higher top-1; by increasing cost. */
export function paretoFront(points) {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const front = [];
  for (const p of sorted) if (!front.length || p.y > front.at(-1).y) front.push(p);
  return front;
}

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

async function layoutOf(page, test) {
  const raw = await page.$eval(`canvas[data-test="${test}"]`, (c) => c.dataset.layout ?? null);
  return raw && JSON.parse(raw);
}
/** Waits until the chart's recorded layout shows `value` for `key`: 'axis' (the cost axis) or 'scheme'. */
async function waitForLayout(page, test, key, value) {
  await page
    .waitForFunction(
      ([t, k, v]) => {
        const raw = document.querySelector(`canvas[data-test="${t}"]`)?.dataset.layout;
        const l = raw && JSON.parse(raw);
        return Boolean(l) && (k === 'axis' ? l.meta?.axis : l.scheme) === v;
      },
      [test, key, value],
      { timeout: 20_000 },
    )
    .catch(() => {}); // the assertions after it report what was drawn
}

export async function checkComparison({ page, baseUrl, assert, viewport, colorScheme }) {
  const label = `/comparison.html at ${viewport.width} px (${colorScheme})`;
  if (!new URL(page.url()).pathname.endsWith('/comparison.html'))
    await page.goto(`${baseUrl}/comparison.html`, { waitUntil: 'networkidle' });
  const site = JSON.parse(readFileSync(SITE, 'utf8'));
  const models = new Map(site.models.map((m) => [m.name, m]));
  const evaluations = site.models.flatMap((m) => m.evaluations);
  const dark = await page.evaluate(() => document.documentElement.classList.contains('dark'));
  assert.equal(dark, colorScheme === 'dark', `${label}: VitePress follows the browser's scheme`);

  const radio = (axis) => page.locator(`[data-test="cost-axis"] input[data-axis="${axis}"]`);
  await radio('macs').check();
  await waitForLayout(page, 'chart-accuracy', 'axis', 'macs');
  // The switch works from the keyboard: the arrow key moves from MACs to the next axis.
  await radio('macs').focus();
  await page.keyboard.press('ArrowRight');
  await waitForLayout(page, 'chart-accuracy', 'axis', 'params');
  assert.equal(
    (await layoutOf(page, 'chart-accuracy'))?.meta?.axis,
    'params',
    `${label}: ArrowRight on the cost axis switch selects parameters`,
  );

  for (const [axis, { cost, unit }] of Object.entries(COST_AXES)) {
    const where = `${label}, ${axis} axis`;
    await radio(axis).check();
    await waitForLayout(page, 'chart-accuracy', 'axis', axis);
    const layout = await layoutOf(page, 'chart-accuracy');
    assert.equal(layout?.meta?.axis, axis, `${where}: the chart did not switch`);

    const plotted = layout.datasets.filter((d) => d.kind === 'family').flatMap((d) => d.points.map((p) => ({ ...p, family: d.family })));
    const expected = evaluations.filter((e) => cost(e) != null);
    assert.deepEqual(
      plotted.map((p) => p.id).sort(),
      expected.map((e) => e.id).sort(),
      `${where}: the plotted points are not the ${expected.length} accuracies with a cost on this axis`,
    );
    const byId = new Map(plotted.map((p) => [p.id, p]));
    const wrong = [];
    for (const e of expected) {
      const p = byId.get(e.id);
      if (!close(p.x, cost(e) / unit) || p.y !== e.top1 || p.family !== e.family)
        wrong.push(
          `${e.id} at ${e.resolution} px drawn at (${p.x}, ${p.y}) for ${p.family}, expected (${cost(e) / unit}, ${e.top1}) for ${e.family}`,
        );
      // An accuracy measured at another size than the model's input is not drawn at the input's cost.
      const m = models.get(e.model);
      if (axis === 'macs' && e.resolution !== m.inputSize && close(p.x, m.macs.convLinear / unit))
        wrong.push(`${e.id} (${e.resolution} px) is drawn at the ${m.inputSize} px cost`);
      if (axis === 'latency' && e.resolution !== 224)
        wrong.push(`${e.id} is drawn against a latency, measured at 224 px, at ${e.resolution} px`);
    }
    assert.deepEqual(wrong, [], `${where}: points at the wrong place`);

    const front = layout.datasets.find((d) => d.kind === 'front');
    assert.ok(front && !front.hidden, `${where}: no Pareto front drawn`);
    const recomputed = paretoFront(plotted);
    assert.deepEqual(
      front.points.map((p) => [p.x, p.y]),
      recomputed.map((p) => [p.x, p.y]),
      `${where}: the drawn front (${front.points.map((p) => p.id).join(', ')}) is not the front of the plotted points (${recomputed.map((p) => p.id).join(', ')})`,
    );

    const caption = page.locator('[data-test="accuracy-caption"]');
    assert.equal(await caption.getAttribute('data-axis'), axis, `${where}: the caption did not follow`);
    const text = (await caption.textContent()).replace(/\s+/g, ' ');
    assert.ok(text.includes(`${expected.length} `), `${where}: the caption does not give the ${expected.length} points: "${text}"`);
    const absent = evaluations.length - expected.length;
    if (absent)
      assert.ok(
        text.includes(`${absent} `) && /224 px/.test(text),
        `${where}: the caption does not say why ${absent} accuracies are absent: "${text}"`,
      );

    await checkCharts({ page, assert, label: where });
  }

  // Colours follow a live switch of the scheme (VitePress toggles the class on <html>).
  const before = await layoutOf(page, 'chart-accuracy');
  const flipped = dark ? 'light' : 'dark';
  await page.evaluate(() => document.documentElement.classList.toggle('dark'));
  try {
    await waitForLayout(page, 'chart-accuracy', 'scheme', flipped);
    const after = await layoutOf(page, 'chart-accuracy');
    assert.equal(after.scheme, flipped, `${label}: the chart was not redrawn when the scheme switched to ${flipped}`);
    const tick = (l) => l.texts.find((t) => t.kind.startsWith('tick:'))?.color;
    assert.notEqual(tick(after), tick(before), `${label}: tick labels keep their ${before.scheme} colour in ${flipped}`);
    const colours = (l) => l.datasets.filter((d) => d.family).map((d) => d.color);
    assert.notDeepEqual(colours(after), colours(before), `${label}: family colours keep their ${before.scheme} values in ${flipped}`);
    await checkCharts({ page, assert, label: `${label}, switched live to ${flipped}` });
  } finally {
    await page.evaluate(() => document.documentElement.classList.toggle('dark'));
    await waitForLayout(page, 'chart-accuracy', 'scheme', colorScheme);
    await radio('macs').check();
  }
}
