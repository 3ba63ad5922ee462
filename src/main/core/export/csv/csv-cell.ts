/**
 * RFC 4180 cells that no spreadsheet runs. A cell starting with = + - @, a tab or a carriage return is
 * read as a formula by Excel, LibreOffice and Google Sheets (a feed's value or description could then run
 * one on the analyst's machine): such a cell gets a leading apostrophe, which they show as text, and is
 * always quoted (OWASP's CSV injection advice). Every other cell is quoted only when it holds a comma, a
 * double quote or a line break, with inner quotes doubled.
 */
const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export const csvText = (s: string): string => {
  if (FORMULA_START.test(s)) return `"'${s.replace(/"/g, '""')}"`
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A cell of any value we write: numbers as they are, booleans as true/false, null as empty. */
export const csvCell = (v: string | number | boolean | null): string => {
  if (v === null) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return csvText(v)
}

/** Lines end in CRLF, as RFC 4180 says. */
export const csvRow = (cells: readonly (string | number | boolean | null)[]): string =>
  cells.map(csvCell).join(',') + '\r\n'
