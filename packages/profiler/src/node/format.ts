/** Output of the CLI: terminal tables, CSV and Markdown from the same rows. */
export type Format = 'table' | 'json' | 'csv' | 'markdown';

export interface Column<R> {
  header: string;
  value: (row: R) => string | number;
  /** Right-align (numbers). */
  numeric?: boolean;
}

export function render<R>(rows: R[], columns: Column<R>[], format: Exclude<Format, 'json'>): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  if (format === 'csv') {
    return [columns.map((c) => csvCell(c.header)), ...cells.map((r) => r.map(csvCell))].map((r) => r.join(',')).join('\n');
  }
  const text = cells.map((r) => r.map((v, i) => (typeof v === 'number' && columns[i].numeric ? int(v) : String(v))));
  if (format === 'markdown') {
    const esc = (s: string) => s.replaceAll('|', '\\|');
    return [
      `| ${columns.map((c) => esc(c.header)).join(' | ')} |`,
      `| ${columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`,
      ...text.map((r) => `| ${r.map(esc).join(' | ')} |`),
    ].join('\n');
  }
  return table(
    columns.map((c) => c.header),
    text,
    columns.map((c) => c.numeric ?? false),
  );
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Plain-text table for the terminal: right-aligned numbers, a rule under the header. */
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
export function si(n: number, digits = 3): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(digits)}${u}`;
  return String(n);
}

/** Bytes in binary units: 102760448 -> "98.0 MiB". */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export const signed = (n: number) => (n === 0 ? '0' : n > 0 ? `+${int(n)}` : `-${int(-n)}`);

/**
 * A progress bar on stderr when it is a terminal; silent when piped, so scripts see only data.
 */
export function progress(total: number, stream: NodeJS.WriteStream = process.stderr) {
  const on = stream.isTTY === true && total > 1;
  const width = 24;
  return {
    tick(done: number, label: string) {
      if (!on) return;
      const filled = Math.round((done / total) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label.padEnd(28).slice(0, 28)}`);
    },
    end() {
      if (on) stream.write(`\r${' '.repeat(width + 40)}\r`);
    },
  };
}
