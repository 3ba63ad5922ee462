/**
 * `npm run bench:export`: CSV export of BENCH_ROWS (default 1,000,000) indicators against the limit of the box.
 *
 * The rows (bench/support/indicator-generator.ts, seeded) are written straight into a real core's database
 * (generation and loading are not timed). Then, in one process:
 *   - ours: the real export path, core.exports.prepare + write (target resolution, the statistics in SQL, keyset
 *           pages of raw prepared statements, rows to Indicators, the CSV writer with backpressure) into a file;
 *   - raw:  one SELECT of the same rows in the same order, iterated, turned into the same CSV by the same
 *           column and cell functions, written to a file with the same backpressure: what the CSV costs alone.
 * RSS is sampled every 50 ms while each runs; the ratio raw_ms / ours_ms has a target of >= 0.5.
 *
 * PDF part (`pdfPart`): the time and RSS to render a 10,000-indicator threat report with renderPdf
 * (src/main/core/export/pdf/render-pdf.ts, the PDF lane's writer) when that module is present; the JSON says
 * `pdf: null` otherwise. Prints a table, then one JSON line.
 */
import 'reflect-metadata'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { createCore, type Core } from '#core'
import { csvRow } from '#core/export/csv/csv-cell'
import { INDICATOR_CSV_COLUMNS } from '#core/export/csv/csv-columns'
import type { ExportSet } from '#core/export/export-set'
import { INDICATOR_SELECT, rowToIndicator, type IndicatorRow } from '#core/indicators/indicator-row'
import { createLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import { ExportTargetSchema } from '#shared/contract/export.schemas'
import { createIndicatorGenerator } from './support/indicator-generator'
import { startRssSampler } from './support/rss-sampler'
import { forceGc, round } from './support/stats'
import { formatTable } from './support/table'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const PDF_ROWS = Number(process.env.BENCH_PDF_ROWS ?? 10_000)
const SEED = 20251203
const NOW = '2026-01-15T10:00:00.000Z'
const WORK = mkdtempSync(join(tmpdir(), 'te-bench-export-'))

const load = async (core: Core): Promise<string[]> => {
  const ids: string[] = []
  const gen = createIndicatorGenerator(SEED)
  const insert = core.db.sqlite.prepare(`INSERT OR IGNORE INTO indicators (
      id, type, value, classification, confidence, severity, severity_rank, score, risk_level, tlp,
      first_seen, last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive,
      enrichment, project_id, analyst_fields, created_at, updated_at
    ) VALUES (?, ?, ?, 'malicious', ?, 'medium', 2, ?, 'medium', 'green', ?, ?, ?, ?, '[]', '[]', 1, 0,
      NULL, NULL, 0, ?, ?)`)
  for (const batch of gen.batches(ROWS, 50_000)) {
    await core.db.writes.run('bench.load', () => {
      core.db.sqlite.transaction(() => {
        for (const g of batch) {
          const id = randomUUID()
          const r = insert.run(
            id,
            g.type,
            g.value,
            g.confidence,
            g.score,
            g.firstSeen,
            g.firstSeen,
            g.description ?? '',
            JSON.stringify(g.tags),
            NOW,
            NOW,
          )
          if (r.changes > 0 && ids.length < PDF_ROWS) ids.push(id)
        }
      })()
    })
  }
  return ids
}

const fileOut = (name: string): { out: Writable; path: string } => {
  const path = join(WORK, name)
  return { out: createWriteStream(path), path }
}

const ours = async (core: Core) => {
  const { out, path } = fileOut('ours.csv')
  const rss = startRssSampler()
  const t0 = performance.now()
  const prepared = core.exports.prepare({
    format: 'csv',
    target: ExportTargetSchema.parse({ kind: 'indicators' }),
    defang: false,
    confirmTlp: true,
  })
  const { rows } = await prepared.write(out, new AbortController().signal, () => rss.sample())
  out.end()
  await finished(out)
  const ms = performance.now() - t0
  return { rows, ms, peakMb: rss.stop().peakMb, bytes: statSync(path).size }
}

/** The same rows in the same order through the same CSV functions, from one iterated SELECT. */
const raw = async (core: Core) => {
  const { out, path } = fileOut('raw.csv')
  const rss = startRssSampler()
  const t0 = performance.now()
  const select = core.db.sqlite.prepare<[], IndicatorRow>(
    `SELECT ${INDICATOR_SELECT} FROM indicators ORDER BY indicators.score DESC, indicators.rowid DESC`,
  )
  const opts = { defang: false }
  let buffer = csvRow(INDICATOR_CSV_COLUMNS.map(([n]) => n))
  let rows = 0
  // The statement stays open across the awaits: nothing else uses this connection while the bench runs.
  for (const r of select.iterate()) {
    const i = rowToIndicator(r)
    buffer += csvRow(INDICATOR_CSV_COLUMNS.map(([, cell]) => cell(i, opts)))
    rows++
    if (buffer.length >= 256 * 1024) {
      const full = !out.write(buffer)
      buffer = ''
      if (full) {
        rss.sample()
        await once(out, 'drain')
      }
    }
  }
  out.end(buffer)
  await finished(out)
  const ms = performance.now() - t0
  return { rows, ms, peakMb: rss.stop().peakMb, bytes: statSync(path).size }
}

type PdfWriter = (set: ExportSet, out: Writable, opts: object) => Promise<unknown>

/**
 * The PDF part: renders a PDF_ROWS-indicator threat report with the PDF lane's renderPdf when the module
 * exists in this checkout; null otherwise.
 */
const pdfPart = async (core: Core, ids: string[]) => {
  let renderPdf: PdfWriter
  try {
    const modulePath = '../src/main/core/export/pdf/render-pdf'
    const mod = (await import(modulePath)) as { renderPdf?: PdfWriter }
    if (mod.renderPdf === undefined) return null
    renderPdf = mod.renderPdf
  } catch {
    return null
  }
  const reportId = randomUUID()
  await core.db.writes.run('bench.report', () => {
    core.db.sqlite
      .prepare(
        `INSERT INTO intel_entities (id, kind, name, name_key, details, tlp, created_at, updated_at)
         VALUES (?, 'report', 'Benchmark report', 'benchmark report', ?, 'amber', ?, ?)`,
      )
      .run(
        reportId,
        JSON.stringify({ summary: 'Ten thousand indicators', content: '# Bench' }),
        NOW,
        NOW,
      )
    const add = core.db.sqlite.prepare(
      `INSERT INTO report_objects (report_id, object_ref, object_kind, position, added_at) VALUES (?, ?, 'indicator', ?, ?)`,
    )
    ids.forEach((id, i) => add.run(reportId, id, i, NOW))
  })
  forceGc()
  const { out, path } = fileOut('report.pdf')
  const rss = startRssSampler()
  const t0 = performance.now()
  const prepared = core.exports.prepare({
    format: 'csv',
    target: ExportTargetSchema.parse({ kind: 'report', id: reportId }),
    defang: true,
    confirmTlp: true,
  })
  await renderPdf(prepared.set, out, { defang: true })
  out.end()
  await finished(out)
  const ms = performance.now() - t0
  return { rows: ids.length, ms, peakMb: rss.stop().peakMb, bytes: statSync(path).size }
}

const main = async () => {
  const core = await createCore({
    dataDir: join(WORK, 'data'),
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })
  try {
    process.stdout.write(`loading ${ROWS.toLocaleString('en-US')} indicators…\n`)
    const ids = await load(core)
    await core.waitForIdle()
    forceGc()
    const a = await ours(core)
    forceGc()
    const b = await raw(core)
    forceGc()
    const pdf = await pdfPart(core, ids)
    const rate = (r: { rows: number; ms: number }) => Math.round(r.rows / (r.ms / 1000))
    const tableRows = [
      [
        'ours: export CSV',
        a.rows,
        round(a.ms / 1000, 2),
        rate(a),
        a.peakMb,
        round(a.bytes / 1e6, 1),
      ],
      [
        'raw: SELECT + same CSV',
        b.rows,
        round(b.ms / 1000, 2),
        rate(b),
        b.peakMb,
        round(b.bytes / 1e6, 1),
      ],
      pdf === null
        ? ['pdf: report (renderPdf absent)', '-', '-', '-', '-', '-']
        : [
            'pdf: report',
            pdf.rows,
            round(pdf.ms / 1000, 2),
            rate(pdf),
            pdf.peakMb,
            round(pdf.bytes / 1e6, 1),
          ],
    ]
    process.stdout.write(
      `${formatTable(['run', 'rows', 'seconds', 'rows/s', 'peak RSS MB', 'MB'], tableRows)}\n`,
    )
    process.stdout.write(
      `${JSON.stringify({
        rows: a.rows,
        ours_ms: Math.round(a.ms),
        raw_ms: Math.round(b.ms),
        ratio: round(b.ms / a.ms, 3),
        ours_peak_rss_mb: a.peakMb,
        raw_peak_rss_mb: b.peakMb,
        csv_mb: round(a.bytes / 1e6, 1),
        same_size: a.bytes === b.bytes,
        pdf:
          pdf === null
            ? null
            : {
                rows: pdf.rows,
                ms: Math.round(pdf.ms),
                peak_rss_mb: pdf.peakMb,
                mb: round(pdf.bytes / 1e6, 2),
              },
      })}\n`,
    )
  } finally {
    await core.stop()
    rmSync(WORK, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
