import type { ChangeEntry } from '#shared/contract/audit.contract'

/** The CSV export's columns, in order. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'transport',
  'method',
  'entity',
  'entity_id',
  'operation',
  'changes',
  'prev_hash',
  'hash',
] as const

/**
 * A spreadsheet reads a cell starting with = + - @ (or a tab or CR before them) as a formula: an actor,
 * an indicator value or a feed's text could run one on the analyst's machine. Such cells get a leading
 * apostrophe, which spreadsheets show as text (OWASP's CSV injection advice).
 */
export const neutraliseFormula = (cell: string): string =>
  /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell

const quote = (cell: string): string =>
  /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell

export const csvCell = (v: string | number | null): string =>
  v === null ? '' : quote(neutraliseFormula(String(v)))

export const csvHeader = (): string => AUDIT_CSV_COLUMNS.join(',') + '\r\n'

export const csvLine = (e: ChangeEntry): string =>
  [
    e.seq,
    e.at,
    e.actor,
    e.transport,
    e.method,
    e.entity,
    e.entityId,
    e.operation,
    JSON.stringify(e.changes),
    e.prevHash,
    e.hash,
  ]
    .map(csvCell)
    .join(',') + '\r\n'
