import type { Indicator } from '#shared/contract/indicators.contract'
import { defang } from '#shared/domain/refang'
import type { ExportSet } from '../export-set'
import { SEVERITY_COLORS } from './pdf-charts'
import { COLORS, type Flow, tlpLabel } from './pdf-flow'
import { Table } from './pdf-table'
import { cleanText } from './pdf-text'

/**
 * The most indicator rows one PDF holds. A PDF is read by people: past this the table stops and says so, while
 * the charts and counts (from the set's stats) still cover every indicator. A CSV or STIX export carries all.
 */
export const PDF_TABLE_MAX_ROWS = 20_000
/** A value longer than this is clipped in its cell (an 8 KiB URL would otherwise fill a page). */
export const PDF_VALUE_MAX_CHARS = 1_024
/** Rows drawn between yields to the event loop, so cancellation and the output stream get their turn. */
const ROWS_PER_YIELD = 250

const WIDTHS = [52, 178.28, 30, 44, 58, 50, 50, 37] as const
const HEADER = ['Type', 'Value', 'Score', 'Severity', 'TLP', 'First seen', 'Last seen', 'Sources']

const day = (ts: string | null): string => (ts === null ? '' : ts.slice(0, 10))

const cells = (
  i: Indicator,
  defanged: boolean,
): { text: string; color?: string; style?: 'bold' }[][] => {
  const value = cleanText(defanged ? defang(i.type, i.value) : i.value, PDF_VALUE_MAX_CHARS)
  return [
    [{ text: i.type }],
    [{ text: value }],
    [{ text: String(i.score) }],
    [{ text: i.severity, color: SEVERITY_COLORS[i.severity] ?? COLORS.text, style: 'bold' }],
    [{ text: tlpLabel(i.tlp) }],
    [{ text: day(i.firstSeen) }],
    [{ text: day(i.lastSeen) }],
    [{ text: String(i.sourceCount) }],
  ]
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * The indicators table, streamed from the set's pages: only the page being drawn is held, so the memory used
 * is the PDF's own, not the set's. Returns how many rows it drew.
 */
export const writeIndicators = async (
  flow: Flow,
  set: ExportSet,
  opts: { defang: boolean; maxRows: number },
): Promise<number> => {
  flow.section(`Indicators (${set.indicatorCount.toLocaleString('en-US')})`)
  const max = opts.maxRows
  const note = [
    opts.defang
      ? 'Values are defanged (hxxp, [.], [@]) so that none of them is a live link.'
      : 'Values are shown as they are (not defanged): they may be live links.',
    set.indicatorCount > max
      ? ` The table shows the first ${max.toLocaleString('en-US')} of ${set.indicatorCount.toLocaleString('en-US')} indicators by score; the charts count all of them.`
      : '',
  ].join('')
  flow.text([{ text: note, style: 'italic', color: COLORS.muted }], { size: 8.5, gap: 6 })
  const table = new Table(flow, WIDTHS, HEADER, 7.5)
  table.start()
  let rows = 0
  outer: for await (const page of set.indicators()) {
    for (const indicator of page) {
      if (rows >= max) break outer
      table.row(cells(indicator, opts.defang))
      rows++
      if (rows % ROWS_PER_YIELD === 0) {
        await yieldTurn()
        flow.checkAbort()
      }
    }
    flow.checkAbort()
  }
  table.end()
  if (rows === 0) flow.text([{ text: 'No indicators.', color: COLORS.muted }], { size: 9 })
  else if (rows < set.indicatorCount)
    flow.text(
      [
        {
          text: `Table stops at ${rows.toLocaleString('en-US')} of ${set.indicatorCount.toLocaleString('en-US')} indicators (at most ${max.toLocaleString('en-US')} rows per PDF).`,
          style: 'italic',
          color: COLORS.muted,
        },
      ],
      { size: 8.5 },
    )
  return rows
}
