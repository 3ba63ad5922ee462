import type { Writable } from 'node:stream'
import { AppError } from '#shared/contract/errors'
import type { ExportFormat } from '#shared/contract/export.schemas'
import { writeCsv } from './csv/csv-writer'
import type { ExportSet } from './export-set'
import { writeMispEvent } from './misp/misp-event.writer'
import { PDF_TABLE_MAX_ROWS } from './pdf/pdf-indicators'
import { renderPdf } from './pdf/render-pdf'
import { writeStixBundle } from './stix/stix-bundle.writer'

/** What the export service hands every writer besides the set and the stream. */
export type WriteContext = {
  defang: boolean
  /** An entity list is written as its entities (CSV); every other target as its indicators. */
  rows: 'indicators' | 'entities'
  signal: AbortSignal
  progress: (done: number, total: number | null) => void
}

/** Writes the set to `out` without ending it; answers how many rows (indicators or entities) it wrote. */
export type WriteFn = (
  set: ExportSet,
  out: Writable,
  ctx: WriteContext,
) => Promise<{ rows: number }>

/** How each format's file is named and served. */
export const FORMAT_FILES: Record<ExportFormat, { extension: string; mediaType: string }> = {
  csv: { extension: 'csv', mediaType: 'text/csv; charset=utf-8' },
  pdf: { extension: 'pdf', mediaType: 'application/pdf' },
  stix: { extension: 'stix.json', mediaType: 'application/stix+json;version=2.1' },
  misp: { extension: 'misp.json', mediaType: 'application/json' },
}

/**
 * The format dispatch: one line per writer. The PDF (export/pdf/render-pdf.ts), STIX (export/stix/) and MISP
 * (export/misp/) writers come from their own lanes and are added here as one line each, e.g.
 * `pdf: async (set, out, c) => { await renderPdf(set, out, { defang: c.defang, signal: c.signal }); return { rows: set.indicatorCount } }`.
 * A writer may end `out` itself (pdfkit does): the service ends it again harmlessly.
 */
const WRITERS: Partial<Record<ExportFormat, WriteFn>> = {
  csv: (set, out, c) => writeCsv(set, out, c),
  pdf: async (set, out, c) => {
    await renderPdf(set, out, { defang: c.defang, signal: c.signal })
    return { rows: Math.min(set.indicatorCount, PDF_TABLE_MAX_ROWS) }
  },
  stix: async (set, out, c) => {
    await writeStixBundle(set, out, { signal: c.signal })
    return { rows: c.rows === 'entities' ? set.entities.length : set.indicatorCount }
  },
  misp: async (set, out, c) => {
    await writeMispEvent(set, out, { signal: c.signal })
    return { rows: c.rows === 'entities' ? set.entities.length : set.indicatorCount }
  },
}

export const availableFormats = (): ExportFormat[] =>
  (Object.keys(FORMAT_FILES) as ExportFormat[]).filter((f) => WRITERS[f] !== undefined)

export const writerOf = (format: ExportFormat): WriteFn => {
  const w = WRITERS[format]
  if (w === undefined) {
    throw new AppError(
      'unsupported',
      `format: ${format.toUpperCase()} export is not available in this build (available: ${availableFormats().join(', ')})`,
      { field: 'format' },
    )
  }
  return w
}
