// What the bench scripts share: finding a model of the zoo's family packages by name, and the
// median of a list of times.

/** The catalog entry of a zoo model, or an error naming what is there. */
export async function zooEntry(name) {
  const catalogs = await Promise.all(
    ['@zoo/cnn-classic/catalog', '@zoo/mobile/catalog', '@zoo/transformers/catalog'].map((m) => import(m)),
  );
  const entries = catalogs.flatMap((c) => c.catalog);
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no zoo model named ${JSON.stringify(name)}; the zoo has ${entries.map((e) => e.name).join(', ')}`);
  return entry;
}

/** The middle value (the mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
