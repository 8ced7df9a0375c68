// Checks of /notes.html (the survey notes' tables, checked) against the notes' own text and the
// reference data, read here from the repository's files, independently of the page's generator
// (the notes' markdown parser is shared: it only splits table rows into cells).
//   checkNotesPage: in the browser, on the built page.
//   checkNotesData: the fast part, no browser and no model: the copy of the notes, its tables and
//   the mapping of their rows. `node apps/docs/test/checks/notes.mjs` runs it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatAs, NOTES_MODELS, notesFigureTables, notesFile, parseFigure, SEED_DIR } from '../../scripts/notes.mjs';

const referenceDir = dirname(SEED_DIR);

/** The reference data as the repository holds it (Python's json writes a missing accuracy as NaN). */
function referenceModels() {
  return JSON.parse(readFileSync(join(referenceDir, 'models.json'), 'utf8').replace(/\bNaN\b/g, 'null')).models;
}

const measuredOf = (models, model, figure) => {
  const m = models[model];
  assert.ok(m, `the reference data has no model ${model}`);
  return figure === 'params' ? m.params : m.macs.convLinear;
};
const cut = (n, fig) => {
  const unit = { K: 1e3, M: 1e6, G: 1e9 }[fig.unit];
  const f = 10 ** fig.decimals;
  return `${(Math.floor((n / unit) * f) / f).toFixed(fig.decimals)}${fig.unit}`;
};
const EXPLAINED = new Set(['convention:total', 'convention:thop-2020', 'variant']);

/** No browser: the copy of the notes is the one PROVENANCE records, and every row of its tables is mapped. */
export function checkNotesData() {
  const file = notesFile();
  const text = readFileSync(file, 'utf8');
  const provenance = JSON.parse(readFileSync(join(referenceDir, 'PROVENANCE.json'), 'utf8'));
  assert.equal(
    createHash('sha256').update(readFileSync(file)).digest('hex'),
    provenance.sha256[`seed/${basename(file)}`],
    'the notes copy is the one PROVENANCE.json records (pnpm reference:sync)',
  );
  const tables = notesFigureTables(text);
  assert.ok(tables.length >= 2, 'the notes have their two figure tables');
  const models = referenceModels();
  const lines = text.split(/\r?\n/);
  for (const t of tables) {
    assert.ok(t.rows.length > 0, `table at line ${t.line} has rows`);
    for (const r of t.rows) {
      // The row as the file has it: its label and figures are cells of that line.
      const cells = lines[r.line - 1].split('|').map((c) => c.trim());
      for (const v of [r.label, r.params, r.macs]) if (v) assert.ok(cells.includes(v), `line ${r.line} holds "${v}"`);
      const spec = NOTES_MODELS[r.label];
      assert.ok(spec, `line ${r.line}: "${r.label}" is mapped to a zoo model`);
      assert.ok(models[spec.model], `line ${r.line}: ${spec.model} is in the reference data`);
      for (const f of [r.params, r.macs]) {
        const fig = parseFigure(f);
        if (fig) assert.equal(formatAs(fig.value, fig), fig.text, `line ${r.line}: ${f} reads back as written`);
      }
    }
  }
  return { tables: tables.length, rows: tables.reduce((a, t) => a + t.rows.length, 0) };
}

/**
 * On /notes.html: the page shows every figure table of the notes, row for row as written; every
 * notes figure as the notes print it, every measured figure as the reference data has it; every
 * pair that differs at the notes' precision has a reason, whose computed count (where it gives one)
 * prints as the notes print the figure; a blank cell is "not given"; every reason links to its words.
 */
export async function checkNotesPage({ page, baseUrl, assert: a = assert }) {
  const tables = notesFigureTables(readFileSync(notesFile(), 'utf8'));
  const models = referenceModels();
  const shown = await page.$$eval('table[data-test=notes-table]', (els) =>
    els.map((t) => ({
      line: Number(t.dataset.line),
      rows: [...t.querySelectorAll('tr[data-test=notes-row]')].map((tr) => ({
        line: Number(tr.dataset.line),
        label: tr.dataset.label,
        network: tr.dataset.network,
        model: tr.dataset.model,
        networkText: tr.querySelector('td.zn-network')?.textContent.trim() ?? null,
        labelText: tr.querySelector('.zn-original')?.textContent.trim() ?? null,
        cells: [...tr.querySelectorAll('td[data-figure]')].map((td) => {
          const f = td.dataset.figure;
          const link = td.querySelector('a.zn-reason');
          const target = link && document.getElementById(link.getAttribute('href').slice(1));
          return {
            figure: f,
            notes: td.getAttribute(`data-notes-${f}`),
            measured: td.getAttribute(`data-measured-${f}`),
            reason: td.dataset.reason ?? '',
            reasonValue: td.dataset.reasonValue ?? null,
            notesText: td.querySelector('.zn-notes')?.textContent.trim() ?? null,
            measuredText: td.querySelector('.zn-measured')?.textContent.trim() ?? null,
            reasonText: link?.textContent.trim() ?? '',
            why: target?.textContent.trim() ?? '',
          };
        }),
      })),
    })),
  );
  a.equal(shown.length, tables.length, 'one table on the page per figure table of the notes');
  let figures = 0;
  for (const [ti, t] of tables.entries()) {
    const s = shown[ti];
    a.equal(s.line, t.line, `table ${ti + 1} is the notes' table at line ${t.line}`);
    a.equal(s.rows.length, t.rows.length, `table at line ${t.line}: every non-blank row of the notes, and no other`);
    for (const [ri, r] of t.rows.entries()) {
      const row = s.rows[ri];
      const where = `${baseUrl}/notes.html, line ${r.line} (${r.label})`;
      a.equal(row.line, r.line, `${where}: rows in the notes' order`);
      a.equal(row.label, r.label, `${where}: label`);
      a.equal(row.labelText, r.label, `${where}: the label as the notes write it`);
      a.equal(row.network, r.network, `${where}: network (a blank cell continues the row above)`);
      a.equal(row.networkText, r.continued ? '' : r.network, `${where}: the network cell as written`);
      a.equal(row.model, NOTES_MODELS[r.label].model, `${where}: the zoo model the mapping names`);
      a.equal(row.cells.length, 2, `${where}: a parameters cell and a MACs cell`);
      for (const cell of row.cells) {
        figures++;
        const text = cell.figure === 'params' ? r.params : r.macs;
        const at = `${where}, ${cell.figure}`;
        a.equal(cell.notes, text, `${at}: the notes' figure as written`);
        a.equal(cell.notesText, text || 'blank', `${at}: shown as written`);
        const measured = measuredOf(models, row.model, cell.figure);
        a.equal(cell.measured, String(measured), `${at}: the measured figure is the reference data's`);
        a.ok(cell.reason !== '' && cell.reasonText !== '' && cell.why !== '', `${at}: a reason, linked to its words`);
        const fig = parseFigure(text);
        if (!fig) {
          a.equal(cell.reason, 'not-given', `${at}: a blank cell is "not given"`);
          continue;
        }
        a.ok(cell.measuredText.startsWith(formatAs(measured, fig)), `${at}: the measured figure shown at the notes' precision`);
        if (formatAs(measured, fig) === fig.text) {
          a.ok(['equal', 'rounded'].includes(cell.reason), `${at}: equal at the notes' precision, said so (not ${cell.reason})`);
          continue;
        }
        a.ok(
          !['equal', 'rounded', 'not-given'].includes(cell.reason),
          `${at}: ${fig.text} differs from the measured figure: it has a reason`,
        );
        if (EXPLAINED.has(cell.reason)) {
          a.ok(cell.reasonValue !== null, `${at}: the reason's count is on the cell`);
          a.equal(
            formatAs(Number(cell.reasonValue), fig),
            fig.text,
            `${at}: the reason's count (${cell.reasonValue}) prints as the notes print it`,
          );
        } else if (cell.reason === 'truncated') {
          a.equal(cut(measured, fig), fig.text, `${at}: cut to the notes' decimals, the measured figure is theirs`);
        } else {
          a.equal(cell.reason, 'not-reproduced', `${at}: a known reason`);
          a.match(cell.why, /No count tried/, `${at}: says what was tried`);
        }
      }
    }
  }
  a.ok(figures > 0, 'the page shows figures');
  const links = await page.$$eval('a[href]', (els) => els.map((e) => e.getAttribute('href')));
  a.ok(
    links.some((h) => /^\/results(\.html)?#cifar-100/.test(h)),
    'the CIFAR-100 table of the notes is linked to where Results discusses it',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { tables, rows } = checkNotesData();
  console.log(`notes: ${tables} figure tables, ${rows} rows, every row mapped; the copy matches PROVENANCE.json`);
}
