import { createWriteStream, mkdirSync } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { assertNever } from '#shared/domain/enums'
import type { SummaryFormat, SummaryStats } from '#shared/contract/summaries.schemas'
import type { ExportSet } from '../export/export-set'
import { renderPdf } from '../export/pdf/render-pdf'

/** Where generated summaries live: a folder of the data directory, private like the rest of it. */
export const summariesDir = (dataDir: string): string => join(dataDir, 'summaries')

export const CONTENT_TYPES: Record<SummaryFormat, string> = {
  pdf: 'application/pdf',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

/** Rows of the arrivals CSV read per step. */
const CSV_STEP = 2000

/** A cell a spreadsheet would run as a formula starts with one of these: a leading quote keeps it text. */
const FORMULA_START = /^[=+\-@\t\r]/

export const csvCell = (v: string | number): string => {
  const s = typeof v === 'number' ? String(v) : FORMULA_START.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/**
 * A page of the arrivals, keyset on (created_at, rowid): the order of the created_at index, so each step
 * starts where the last one stopped instead of reading the range again.
 */
export const ARRIVALS_PAGE_SQL = `SELECT rowid, id, type, value, score, risk_level, severity, tlp,
  classification, first_seen, created_at
  FROM indicators
  WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND rowid > ?))
  ORDER BY created_at, rowid LIMIT ?`

type CsvRow = {
  rowid: number
  id: string
  type: string
  value: string
  score: number
  risk_level: string
  severity: string
  tlp: string
  classification: string
  first_seen: string | null
  created_at: string
}

const CSV_HEAD = [
  'id',
  'type',
  'value',
  'score',
  'risk_level',
  'severity',
  'tlp',
  'classification',
  'first_seen',
  'created_at',
]

/**
 * Writes the report's file under <dataDir>/summaries/ (mode 0600, through a temporary name so a reader
 * never sees half a file) and answers its size. The CSV (every indicator that arrived in the range) is
 * written in steps, so a busy week does not sit in memory.
 */
export const writeSummaryFile = async (opts: {
  db: BetterSqlite3.Database
  dataDir: string
  name: string
  format: SummaryFormat
  set: ExportSet
  stats: SummaryStats
  signal?: AbortSignal
}): Promise<{ path: string; size: number }> => {
  const dir = summariesDir(opts.dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, `${opts.name}.${opts.format}`)
  const tmp = `${path}.tmp`
  const file = await open(tmp, 'w', 0o600)
  try {
    const format = opts.format
    switch (format) {
      case 'pdf': {
        // The writer pipes into a stream of its own and ends it; the handle only created the file.
        await file.close()
        await renderPdf(opts.set, createWriteStream(tmp, { flags: 'w', mode: 0o600 }), {
          defang: true,
          signal: opts.signal,
        })
        break
      }
      case 'md':
        await file.writeFile(opts.set.markdown ?? '')
        break
      case 'json':
        await file.writeFile(
          JSON.stringify({ title: opts.set.title, tlp: opts.set.tlp, stats: opts.stats }, null, 2),
        )
        break
      case 'csv':
        await writeArrivalsCsv(opts.db, opts.stats, (text) => file.write(text), opts.signal)
        break
      default:
        assertNever(format)
    }
    if (format !== 'pdf') await file.close()
    await rename(tmp, path)
  } catch (e) {
    await file.close().catch(() => undefined)
    await rm(tmp, { force: true })
    throw e
  }
  return { path, size: (await stat(path)).size }
}

const writeArrivalsCsv = async (
  db: BetterSqlite3.Database,
  stats: SummaryStats,
  write: (text: string) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<void> => {
  const page = db.prepare<[string, string, string, string, number, number], CsvRow>(
    ARRIVALS_PAGE_SQL,
  )
  await write(CSV_HEAD.join(',') + '\r\n')
  let at = ''
  let after = 0
  for (;;) {
    signal?.throwIfAborted()
    const rows = page.all(stats.rangeStart, stats.rangeEnd, at, at, after, CSV_STEP)
    if (rows.length === 0) return
    at = rows[rows.length - 1].created_at
    after = rows[rows.length - 1].rowid
    const lines = rows.map(
      (r) =>
        [
          r.id,
          r.type,
          r.value,
          r.score,
          r.risk_level,
          r.severity,
          r.tlp,
          r.classification,
          r.first_seen ?? '',
          r.created_at,
        ]
          .map(csvCell)
          .join(',') + '\r\n',
    )
    await write(lines.join(''))
    // Let calls answer between steps: the connection is shared with everything else.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
