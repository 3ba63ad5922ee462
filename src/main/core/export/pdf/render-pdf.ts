import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import { AppError, isAppError } from '#shared/contract/errors'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'
import type { ExportSet } from '../export-set'
import { writeCharts } from './pdf-charts'
import { writeEntities } from './pdf-entities'
import { COLORS, Flow, PAGE, TLP_MEANING, tlpLabel } from './pdf-flow'
import { PageFrame, drawTlpBadge } from './pdf-frame'
import { PDF_TABLE_MAX_ROWS, writeIndicators } from './pdf-indicators'
import { writeMarkdown } from './pdf-markdown'
import { cleanText } from './pdf-text'
import { writeWorldMap } from './pdf-world-map'

/*
 * The PDF writer of every export (issue 11). How it holds up:
 * - Pages stream: pdfkit flushes each page when the next starts (no bufferPages); the header and footer are
 *   drawn as a page starts, and "of N" is one form XObject all footers share, written once N is known
 *   (pdf-frame.ts). The indicators table reads the set's pages one at a time and stops at PDF_TABLE_MAX_ROWS
 *   rows (20,000), saying so on the page; charts and counts come from `set.stats` and cover every indicator.
 * - Fonts: Noto Sans slices from the @fontsource packages, chosen per character by unicode-range and the
 *   font's cmap, loaded lazily and unwrapped from WOFF once per process (pdf-fonts.ts, pdf-text.ts).
 *   Right-to-left runs are shaped by fontkit and put in visual order within a left-to-right line; a paragraph
 *   is always laid out left to right.
 * - Hostile text: control and bidi override characters are dropped and every field is clipped; Markdown is
 *   only lexed, blocks that would make marked quadratic or recursive are shown as raw text (pdf-markdown.ts).
 */

export type RenderPdfOptions = {
  defang: boolean
  signal?: AbortSignal
  /** Rows the indicators table holds at most; PDF_TABLE_MAX_ROWS unless a caller wants fewer. */
  maxRows?: number
}
export type RenderPdfResult = { pages: number; bytes: number }

const TITLE_MAX = 300
const SUMMARY_MAX = 20_000

const KIND_PLURAL: Record<string, string> = {
  'threat-actor': 'threat actors',
  campaign: 'campaigns',
  vulnerability: 'vulnerabilities',
  malware: 'malware families',
  report: 'threat reports',
}

const utc = (iso: string): string => {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

const n = (x: number): string => x.toLocaleString('en-US')

const titlePage = (flow: Flow, set: ExportSet): void => {
  drawTlpBadge(flow.doc, flow.fonts, set.tlp, flow.left, flow.y + 10, 16)
  flow.y += 56
  flow.text([{ text: cleanText(set.title, TITLE_MAX), style: 'bold', color: COLORS.accent }], {
    size: 24,
    gap: 6,
  })
  flow.text([{ text: `Generated ${utc(set.generatedAt)} by ThreatEye`, color: COLORS.muted }], {
    size: 10,
    gap: 4,
  })
  flow.text(
    [
      { text: `${tlpLabel(set.tlp)}: `, style: 'bold' },
      { text: TLP_MEANING[set.tlp], color: COLORS.muted },
    ],
    { size: 9.5, gap: 16 },
  )
  flow.rule()
  if (set.report !== null) {
    const d = set.report.details
    flow.fields([
      ['Severity', set.report.severity ?? ''],
      ['Authors', cleanText(d.authors.join(', '), 600)],
      ['Published', d.published ? (d.publishedAt ?? '').slice(0, 10) || 'yes' : 'not published'],
    ])
    flow.y += 6
  }
  if (set.summary.trim() !== '') {
    flow.heading('Summary', 2)
    flow.text([{ text: cleanText(set.summary, SUMMARY_MAX) }], { size: 10.5, gap: 12 })
  }
  flow.heading('Contents', 2)
  const kinds = new Map<string, number>()
  for (const e of set.entities) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1)
  const tlps = TLP_LEVELS.filter((t) => (set.tlpCounts[t] ?? 0) > 0)
    .map((t) => `${tlpLabel(t)} ${n(set.tlpCounts[t] ?? 0)}`)
    .join(', ')
  flow.fields(
    [
      ['Indicators', n(set.indicatorCount)],
      ...[...kinds].map(([k, c]): [string, string] => [
        (KIND_PLURAL[k] ?? k).replace(/^./, (c0) => c0.toUpperCase()),
        n(c),
      ]),
      ['Relationships', set.relationships.length === 0 ? '' : n(set.relationships.length)],
      ['Objects by TLP', tlps],
    ],
    10,
  )
}

const metadata = (set: ExportSet): PDFKit.DocumentInfo => {
  const label = tlpLabel(set.tlp)
  const created = Date.parse(set.generatedAt)
  return {
    Title: cleanText(set.title, TITLE_MAX),
    Subject: `${label}: ${cleanText(set.summary, 500)}`,
    Keywords: `${label}, threat intelligence, ThreatEye`,
    Producer: 'ThreatEye',
    Creator: 'ThreatEye',
    CreationDate: Number.isNaN(created) ? new Date() : new Date(created),
  }
}

const checkSet = (set: ExportSet): void => {
  if (!(TLP_LEVELS as readonly string[]).includes(set.tlp))
    throw new AppError('invalid_input', `PDF export: unknown TLP "${String(set.tlp)}"`, {
      field: 'tlp',
    })
  if (set.stats.scoreBuckets.length !== 10)
    throw new AppError('invalid_input', 'PDF export: stats.scoreBuckets must have 10 buckets', {
      field: 'stats.scoreBuckets',
    })
}

/**
 * Writes the set as a PDF to `out`: title page, the Markdown body, charts, the world map (when indicators have
 * a country), entities and the indicators table, the TLP label in the header and footer of every page.
 * Resolves once `out` has finished. On failure or cancellation `out` is unpiped and left to the caller (it
 * holds a partial file to discard); the error says which part failed.
 */
export const renderPdf = async (
  set: ExportSet,
  out: Writable,
  opts: RenderPdfOptions,
): Promise<RenderPdfResult> => {
  checkSet(set)
  if (opts.signal?.aborted === true) throw new AppError('cancelled', 'PDF export cancelled')
  const tlp: Tlp = set.tlp
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    // Pages are flushed as soon as the next one starts: a 10,000-row table must not sit in memory.
    bufferPages: false,
    compress: true,
    pdfVersion: '1.7',
    displayTitle: true,
    lang: 'en',
    // No default font: pdfkit would load Helvetica's AFM data, which nothing here draws with (every run of text
    // selects its Noto slice first).
    font: '',
    info: metadata(set),
  })
  let bytes = 0
  doc.on('data', (chunk: Buffer) => {
    bytes += chunk.length
  })
  const outDone = finished(out, { readable: false })
  // Only the caller's handling matters for out's errors; keep an unhandled rejection from surfacing here.
  outDone.catch(() => undefined)
  doc.pipe(out)
  let part = 'the title page'
  try {
    const flow = new Flow(doc, opts.signal)
    const frame = new PageFrame(doc, flow.fonts, tlp, cleanText(set.title, TITLE_MAX))
    flow.onPage = () => frame.draw()
    frame.draw()
    titlePage(flow, set)
    if (set.markdown !== null && set.markdown.trim() !== '') {
      part = 'the Markdown body'
      flow.section(set.report === null ? 'Details' : 'Report')
      writeMarkdown(flow, set.markdown)
    }
    part = 'the charts'
    writeCharts(flow, set.stats)
    if (set.geo !== undefined) {
      part = 'the world map'
      writeWorldMap(flow, set.geo())
    }
    part = 'the entities'
    writeEntities(flow, set.entities, set.relationships)
    part = 'the indicators table'
    await writeIndicators(flow, set, {
      defang: opts.defang,
      maxRows: Math.min(opts.maxRows ?? PDF_TABLE_MAX_ROWS, PDF_TABLE_MAX_ROWS),
    })
    part = 'the page count'
    flow.checkAbort()
    frame.finish()
    const pages = frame.pages
    part = 'the output'
    doc.end()
    await outDone
    return { pages, bytes }
  } catch (e) {
    doc.unpipe(out)
    if (isAppError(e)) {
      if (e.code === 'cancelled') throw e
      throw new AppError(e.code, `PDF export failed in ${part}: ${e.message}`, e.details)
    }
    throw new AppError(
      'internal',
      `PDF export failed in ${part}: ${e instanceof Error ? e.message : String(e)}`,
    )
  }
}
