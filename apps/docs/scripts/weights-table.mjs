// The weights table: for every model, how many weight sets load, from whom, and why a model has
// none. Generated from the catalogs' weight sets (weights.generated.ts), as `zoo weights` prints it.
const esc = (s) => String(s).replace(/\|/g, '\\|');

export function weightsTable(models) {
  const rows = models.map((m) => {
    const loads = m.weights.filter((s) => !s.unsupported);
    const by = (p) => loads.filter((s) => s.publisher === p).length;
    const timmKeys = loads.filter((s) => s.publisher === 'timm' && s.keys === 'timm').length;
    const why =
      m.weights.length === 0
        ? (m.noWeightsReason ?? 'Nothing has been published for it by torchvision, timm or its authors.')
        : loads.length === 0
          ? m.weights.find((s) => s.unsupported).unsupported
          : '';
    return `| [${m.name}](/models/${m.name}) | ${esc(m.family)} | ${m.weights.length} | ${loads.length} | ${by('torchvision')} | ${by('timm')}${timmKeys ? ` (${timmKeys} in timm's names)` : ''} | ${by('authors')} | ${esc(why)} |`;
  });
  const sets = models.reduce((a, m) => a + m.weights.length, 0);
  const loading = models.reduce((a, m) => a + m.weights.filter((s) => !s.unsupported).length, 0);
  return [
    `${loading} of ${sets} weight sets load, for ${models.filter((m) => m.weights.some((s) => !s.unsupported)).length} of ${models.length} models.`,
    '',
    '| model | family | sets | load | torchvision | timm | authors | why none |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}
