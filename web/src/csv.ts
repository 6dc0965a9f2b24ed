// CSV files built in the browser (the managers' dashboard exports what it
// shows): a BOM, CRLF records, RFC 4180 quoting, and every text cell guarded
// against formula injection exactly as the server's exports guard theirs
// (shared/domain/csvsafe; the two are tested on the same cases,
// shared/domain/csvsafe/testdata/cells.json).
import type { Lang } from './i18n';

/**
 * The characters a spreadsheet may split a line on: the comma, the
 * semicolon Excel uses in ru-RU, the tab and the pipe its import dialogue
 * offers, line breaks. A formula after any of them is a formula.
 */
const SEPARATORS = ',;\t|\r\n';
/** OWASP's triggers (= + - @, tab, carriage return) and the full-width forms of the first four. */
const TRIGGERS = '=+-@\t\r＝＋－＠';

/**
 * csvCell returns s with an apostrophe before every place a spreadsheet
 * would start evaluating: the start of the cell and the start of every piece
 * a separator may cut it into, spaces before the trigger not counting
 * ("Петров;=1+2" → "Петров;'=1+2"). The port of csvsafe.Cell.
 */
export function csvCell(s: string): string {
  let out = '';
  let start = true;
  for (const ch of s) {
    if (start && ch === ' ') { out += ch; continue; }
    if (start && TRIGGERS.includes(ch)) out += "'";
    out += ch;
    start = SEPARATORS.includes(ch);
  }
  return out;
}

/** UTF-8's byte order mark: without it Excel reads the file in the system's ANSI code page and Cyrillic turns to mojibake. */
export const BOM = '\uFEFF';

/**
 * The field separator for a reader of lang. Russian: ";" — Excel in ru-RU
 * splits on its list separator, which is ";" because the decimal mark is
 * ",", so a comma-separated file opens as one column and "0,85" would be cut
 * in two. English: ",", with "0.85". Numbers are written with the same
 * language's decimal mark (csvNumber), so they arrive as numbers.
 */
export function csvSeparator(lang: Lang): ';' | ',' {
  return lang === 'ru' ? ';' : ',';
}

/** A cell of a built file: text (guarded), or a number written by csvNumber. */
export type CsvValue = string | number | null | undefined;

/** A number as the reader's spreadsheet reads it: "0,85" in Russian, "0.85" in English; no grouping. */
export function csvNumber(n: number, lang: Lang, fractionDigits = 0): string {
  const s = fractionDigits > 0 ? n.toFixed(fractionDigits) : String(Math.round(n));
  return lang === 'ru' ? s.replace('.', ',') : s;
}

function quote(cell: string, sep: string): string {
  return /["\r\n]/.test(cell) || cell.includes(sep) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * buildCsv writes a header and rows as one file's text: the BOM, records
 * ending in CRLF, fields quoted when they hold the separator, a quote or a
 * line break. Strings pass through csvCell; numbers are written with the
 * language's decimal mark (whole numbers as they are); null and undefined
 * are empty cells.
 */
export function buildCsv(header: string[], rows: CsvValue[][], lang: Lang): string {
  const sep = csvSeparator(lang);
  const cell = (v: CsvValue) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return csvNumber(v, lang, Number.isInteger(v) ? 0 : 2);
    return quote(csvCell(v), sep);
  };
  const line = (r: CsvValue[]) => r.map(cell).join(sep);
  return BOM + [header, ...rows].map(line).join('\r\n') + '\r\n';
}
