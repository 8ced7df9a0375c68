import type { LayerProfile } from '../profile.js';

/**
 * Collapses per-layer rows to blocks: with depth 1, `layer1.0.conv1` counts under `layer1`;
 * with depth 2, under `layer1.0`. Rows keep the order in which their block first appears.
 */
export function groupLayers(layers: LayerProfile[], depth: number): LayerProfile[] {
  const groups = new Map<string, LayerProfile>();
  for (const l of layers) {
    const key = l.name.split(/[./]/).slice(0, depth).join('.');
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { ...l, name: key, macs: { ...l.macs } });
      continue;
    }
    g.className = g.className === l.className ? g.className : 'block';
    g.outputShape = l.outputShape;
    g.trainableParams += l.trainableParams;
    g.nonTrainableParams += l.nonTrainableParams;
    g.macs.convLinear += l.macs.convLinear;
    g.macs.total += l.macs.total;
    g.counted &&= l.counted;
  }
  return [...groups.values()];
}
