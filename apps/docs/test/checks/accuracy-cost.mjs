// Every accuracy the site shows must stand beside the model's cost at the resolution it was
// measured at. The pages mark each accuracy they show with data attributes (data-top1,
// data-resolution, data-eval-params, data-eval-macs); this check computes, from the packages and the
// reference data and independently of the site's generator, which resolution each accuracy belongs
// to and what the model costs there (built and profiled here), and compares.
import { withZeroInit } from '@zoo/core-blocks/family';
import { profileModel } from '@zoo/profiler';
import { getReference } from '@zoo/reference';

/** In the page: every element that shows an accuracy, with the model it belongs to. */
function shownAccuracies(cardModel) {
  return [...document.querySelectorAll('main [data-top1]')]
    .filter((el) => el.dataset.top1 !== '')
    .map((el) => ({
      model: el.closest('[data-model]')?.dataset.model ?? cardModel,
      top1: Number(el.dataset.top1),
      resolution: el.dataset.resolution === undefined ? null : Number(el.dataset.resolution),
      params: el.dataset.evalParams === undefined ? null : Number(el.dataset.evalParams),
      macs: el.dataset.evalMacs === undefined ? null : Number(el.dataset.evalMacs),
      where: (el.closest('[data-test]')?.dataset.test ?? el.tagName).toString(),
    }));
}

/**
 * The accuracies a model has and the resolution each was measured at: the reference data's
 * published entries (their crop size, else the input size of the weight set they name, else the
 * model's default input), and the weight sets' own ImageNet-1k accuracies at their resolution.
 */
export function accuraciesOf(entry) {
  const out = [];
  for (const pub of getReference(entry.name)?.published ?? []) {
    if (typeof pub.top1 !== 'number') continue;
    const set = pub.tag ? entry.weights.find((w) => w.name === pub.tag) : undefined;
    const resolution = pub.cropSize ?? set?.preprocessing.inputSize ?? entry.defaultInputSize;
    out.push({ top1: pub.top1, resolution, options: set?.createOptions ?? {}, numParams: pub.numParams ?? null });
  }
  for (const set of entry.weights) {
    const a = set.accuracy;
    if (!a || typeof a.top1 !== 'number' || a.dataset !== 'imagenet-1k') continue;
    if (out.some((o) => o.top1 === a.top1 && o.resolution === a.resolution)) continue;
    out.push({ top1: a.top1, resolution: a.resolution, options: set.createOptions ?? {}, numParams: null });
  }
  return out;
}

/** Builds the checker: `check(page, cardModel?)` asserts every accuracy shown on the page. */
export function accuracyCostChecker({ models, assert }) {
  const byName = new Map(models.map((e) => [e.name, e]));
  const profiles = new Map();
  const costAt = (entry, resolution, options) => {
    const key = JSON.stringify([entry.name, resolution, options]);
    if (!profiles.has(key)) {
      const model = withZeroInit(() => entry.create({ ...options, inputShape: [resolution, resolution, 3] }));
      try {
        const p = profileModel(model);
        profiles.set(key, { params: p.params.trainable, macs: p.macs.convLinear });
      } finally {
        model.dispose();
      }
    }
    return profiles.get(key);
  };
  let checked = 0;
  const check = async (page, cardModel = null) => {
    const shown = await page.evaluate(shownAccuracies, cardModel);
    for (const s of shown) {
      const label = `${page.url()}: ${s.model}'s top-1 ${s.top1} (${s.where})`;
      const entry = byName.get(s.model);
      assert.ok(entry, `${label}: no such model`);
      const candidates = accuraciesOf(entry).filter((a) => a.top1 === s.top1);
      assert.ok(candidates.length > 0, `${label}: not an accuracy of ${s.model}`);
      assert.ok(s.resolution != null && s.params != null && s.macs != null, `${label}: shown without its resolution and cost`);
      const a = candidates.find((c) => c.resolution === s.resolution);
      assert.ok(a, `${label}: shown at ${s.resolution} px, measured at ${candidates.map((c) => c.resolution).join(' or ')} px`);
      const cost = costAt(entry, a.resolution, a.options);
      assert.deepEqual({ params: s.params, macs: s.macs }, cost, `${label}: the cost beside it is not the cost at ${a.resolution} px`);
      // The publisher's own parameter count at that resolution, where it gives one (torchvision).
      if (a.numParams != null) assert.equal(s.params, a.numParams, `${label}: parameters differ from the publisher's`);
      checked++;
    }
    return shown.length;
  };
  return { check, count: () => checked, profiled: () => profiles.size };
}
