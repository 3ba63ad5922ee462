import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '#shared/contract'
import { FEED_FORMAT_NAMES, type FeedRunDetail } from '#shared/contract/feeds.contract'
import { splitHeaderLine } from '#core'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, stringOpt } from './args'
import { EXIT_ERROR, EXIT_OK, UsageError, type CliIo, type CommandSpec } from './cli-types'
import { importAnalystCsv, isAnalystCsvHeader, type CsvImportReport } from './csv-import'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

/** `txt` is the feed engine's text format; `csv` the analyst CSV (csv-import.ts); any feed format works too. */
const FORMATS = ['auto', 'txt', 'csv', ...FEED_FORMAT_NAMES]

/** The report --json prints: stable snake_case keys for scripts. */
export type ImportReport = {
  status: string
  rows: number
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number
  rejects: { line: number; reason: string }[]
  by_type: Record<string, number>
  /** The feed run that recorded the import (text and feed formats), null for the analyst CSV. */
  run_id: string | null
}

type Summary = Omit<CsvImportReport, 'status'> & {
  status: string
  format: string
  runId: string | null
  error: string | null
}

const fromRun = (run: FeedRunDetail): Summary => ({
  status: run.status,
  format: run.format,
  runId: run.id,
  error: run.error,
  rows: run.rows,
  created: run.created,
  updated: run.updated,
  unchanged: run.unchanged,
  duplicates: run.duplicates,
  rejected: run.rejected,
  rejects: run.rejects,
  byType: run.byType,
})

const toReport = (s: Summary): ImportReport => ({
  status: s.status,
  rows: s.rows,
  created: s.created,
  updated: s.updated,
  unchanged: s.unchanged,
  duplicates: s.duplicates,
  rejected: s.rejected,
  rejects: s.rejects.map((r) => ({ line: r.line, reason: r.reason })),
  by_type: s.byType,
  run_id: s.runId,
})

export const toImportReport = (run: FeedRunDetail): ImportReport => toReport(fromRun(run))

const reportText = (source: string, s: Summary): string => {
  const counts = formatTable(
    ['ROWS', 'CREATED', 'UPDATED', 'UNCHANGED', 'DUPLICATES', 'REJECTED'],
    [[s.rows, s.created, s.updated, s.unchanged, s.duplicates, s.rejected].map(String)],
  )
  const types = Object.entries(s.byType).sort(([a], [b]) => a.localeCompare(b))
  const parts = [
    `Imported ${safeText(source)} as ${s.format}: ${s.status}${s.error ? ` (${safeText(s.error)})` : ''}\n`,
    counts,
  ]
  if (types.length) {
    parts.push(
      '\n' +
        formatTable(
          ['TYPE', 'COUNT'],
          types.map(([t, n]) => [t, String(n)]),
        ),
    )
  }
  if (s.rejects.length) {
    const rows = s.rejects.map((r) => [String(r.line), r.reason, r.value])
    parts.push('\n' + formatTable(['LINE', 'REASON', 'VALUE'], rows))
    if (s.rejected > s.rejects.length) {
      parts.push(`(${s.rejected - s.rejects.length} more rejects not listed)\n`)
    }
  }
  return parts.join('')
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s)

/** A missing file is the user's typo: say which path was tried before opening the database. */
const checkedFile = (path: string): string => {
  let isFile: boolean
  try {
    isFile = statSync(path).isFile()
  } catch {
    throw new AppError('not_found', `No such file: ${path}`)
  }
  if (!isFile) throw new AppError('invalid_input', `Not a regular file: ${path}`)
  return path
}

/** `auto` on a file: an analyst CSV is recognised by its header; everything else goes to the feed engine. */
const looksLikeAnalystCsv = (path: string): boolean => {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(16 * 1024)
    const n = readSync(fd, head, 0, head.length, 0)
    const first = head
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
    return first !== undefined && first.includes(',') && isAnalystCsvHeader(splitHeaderLine(first))
  } finally {
    closeSync(fd)
  }
}

const importCsv = (path: string, io: CliIo, dataDir: string): Promise<Summary> =>
  withCore(dataDir, io, async (core) => {
    const r = await importAnalystCsv({
      input: createReadStream(path, { highWaterMark: 64 * 1024 }),
      bulk: (items) => callFromCli(core, io, 'indicators.bulkCreate', { items }),
      signal: io.signal,
    })
    return { ...r, format: 'csv', runId: null, error: null }
  })

const importWithFeedEngine = (
  source: string,
  format: string,
  name: string | undefined,
  io: CliIo,
  dataDir: string,
): Promise<Summary> =>
  // The feed engine streams the input in bounded batches (never whole in memory), with global line
  // numbers in its rejects, and records the run in the history: the path the desktop's drag-and-drop takes.
  withCore(dataDir, io, async (core) => {
    const common = { format, wait: true, ...(name ? { name } : {}) }
    const finished = isUrl(source)
      ? await callFromCli(core, io, 'feeds.importUrl', { url: source, ...common })
      : await callFromCli(core, io, 'feeds.importFile', { path: source, ...common })
    return fromRun(await callFromCli(core, io, 'feeds.getRun', { id: finished.id }))
  })

export const importCommand: CommandSpec = {
  path: ['import'],
  args: '<file-or-url>',
  summary: 'Import indicators from a file or URL (text list, CSV, or any feed format), streaming',
  options: {
    format: {
      type: 'string',
      arg: 'F',
      description: 'auto (default), txt, csv (header with value/indicator/ioc), or a feed format',
    },
    name: {
      type: 'string',
      arg: 'NAME',
      description: 'Source name recorded for feed-engine imports',
    },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const format = stringOpt(args, 'format') ?? 'auto'
    if (!FORMATS.includes(format)) {
      throw new UsageError(
        `--format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(format)}`,
      )
    }
    const target = args.positionals[0] ?? ''
    const source = isUrl(target) ? target : checkedFile(resolve(io.cwd, target))
    if (format === 'csv' && isUrl(source)) {
      throw new UsageError(
        '--format csv reads a local file; download it first or use --format generic-csv',
      )
    }
    const dataDir = dataDirOf(args, io)
    const analystCsv =
      !isUrl(source) && (format === 'csv' || (format === 'auto' && looksLikeAnalystCsv(source)))
    const summary = analystCsv
      ? await importCsv(source, io, dataDir)
      : await importWithFeedEngine(
          source,
          format === 'txt' ? 'text' : format,
          stringOpt(args, 'name'),
          io,
          dataDir,
        )

    io.stdout(boolOpt(args, 'json') ? toJsonLine(toReport(summary)) : reportText(source, summary))
    if (summary.status === 'failed' || summary.status === 'cancelled') {
      io.stderr(
        `threateye import: ${summary.status}${summary.error ? `: ${safeText(summary.error)}` : ''}\n`,
      )
      return EXIT_ERROR
    }
    return EXIT_OK
  },
}
