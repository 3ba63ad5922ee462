import {
  DETECT_HEAD_CHARS,
  type CsvMapping,
  type CsvPreview,
  type FeedRun,
} from '#shared/contract/feeds.contract'
import type { BulkReport } from '#shared/contract/indicators.contract'
import type { Client } from '../../api/client'
import { followRun } from '../../api/follow'
import { initialMapping } from '../feeds/csv-mapping-step'

/** The name a pasted table is imported under (history, and detection's hint that it is a CSV). */
const PASTED_NAME = 'pasted.csv'

/** A pasted table: its first line holds a delimiter and more lines follow, so its columns can be mapped. */
export const looksTabular = (text: string): boolean => {
  const first = text.trimStart().split(/\r?\n/, 1)[0] ?? ''
  return /[,;|\t]/.test(first) && text.trim().includes('\n')
}

/** A CSV import's run as the paste dialog's report. */
const reportOfRun = (run: FeedRun, rejects: BulkReport['rejects']): BulkReport => ({
  total: run.rows,
  created: run.created,
  updated: run.updated,
  unchanged: run.unchanged + run.duplicates,
  rejected: run.rejected,
  allowlisted: run.allowlisted,
  rejects,
  byType: run.byType,
})

/** The pasted table's preview and the mapping to start from, or why there is nothing to map. */
export const detectPastedCsv = async (
  client: Client,
  text: string,
): Promise<{ preview: CsvPreview; mapping: CsvMapping } | string> => {
  const detected = await client.call('feeds.detectFormat', {
    head: text.slice(0, DETECT_HEAD_CHARS),
    fileName: PASTED_NAME,
  })
  if (!('csv' in detected) || !detected.csv)
    return 'The pasted text is not a table with columns to map.'
  return { preview: detected.csv, mapping: initialMapping(detected.csv) }
}

/**
 * Imports the pasted table through the ingest pipeline as a generic CSV with the analyst's mapping (the
 * same path as a dropped file), and reports it as the paste dialog does.
 */
export const importPastedCsv = async (
  client: Client,
  text: string,
  mapping: CsvMapping,
  maxRejects: number,
): Promise<{ report: BulkReport; error: string | null }> => {
  const started = await client.call('feeds.importText', {
    content: text,
    fileName: PASTED_NAME,
    format: 'generic-csv',
    mapping,
    wait: false,
  })
  // Followed to its end (events, feeds.getRun) rather than held in one request for the whole import.
  const run = await followRun(client, started.id)
  return { report: reportOfRun(run, run.rejects.slice(0, maxRejects)), error: run.error }
}
