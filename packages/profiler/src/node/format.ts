/** Plain-text tables for the terminal: right-aligned numbers, a rule under the header. */
export function table(header: string[], rows: string[][], numeric: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 25557032 -> "25,557,032": exact figures stay readable. */
export const int = (n: number) => n.toLocaleString('en-US');

/** 4089184256 -> "4.089G". */
export function si(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(3)}${u}`;
  return String(n);
}

export const signed = (n: number) => (n === 0 ? '0' : n > 0 ? `+${int(n)}` : `-${int(-n)}`);
