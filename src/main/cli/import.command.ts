import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '#shared/contract'
import {
  CSV_MAPPED_FIELDS,
  FEED_FORMAT_NAMES,
  mappingKey,
  type CsvMappedField,
  type CsvMapping,
  type FeedRunDetail,
} from '#shared/contract/feeds.contract'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, stringOpt } from './args'
import { EXIT_ERROR, EXIT_OK, UsageError, type CliIo, type CommandSpec } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

/** `txt` is the text format and `csv` the generic CSV (a column mapping); any feed format works too. */
const FORMATS = ['auto', 'txt', 'csv', ...FEED_FORMAT_NAMES]
const FORMAT_ALIASES: Readonly<Record<string, string>> = { txt: 'text', csv: 'generic-csv' }

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
  /** Records kept but changed on the way in (a STIX object's cut description). */
  notes: { line: number; message: string }[]
  by_type: Record<string, number>
  /** The feed run that recorded the import (text and feed formats), null for the analyst CSV. */
  run_id: string | null
}

type Summary = Pick<
  FeedRunDetail,
  'status' | 'format' | 'rows' | 'created' | 'updated' | 'unchanged' | 'duplicates' | 'rejected'
> & {
  rejects: { line: number; value: string; reason: string }[]
  notes: { line: number; message: string }[]
  byType: Record<string, number>
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
  notes: run.notes,
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
  notes: s.notes,
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
  if (s.notes.length) {
    const rows = s.notes.map((n) => [String(n.line), safeText(n.message)])
    parts.push('\n' + formatTable(['LINE', 'NOTE'], rows))
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

const isField = (s: string): s is CsvMappedField =>
  (CSV_MAPPED_FIELDS as readonly string[]).includes(s)

/**
 * `--map value=indicator,tags=labels,firstSeen=#3`: each field takes a header name, or `#N` for the Nth
 * column (1-based) of a file without a header.
 */
export const parseMapOption = (spec: string): CsvMapping => {
  const mapping: CsvMapping = {}
  for (const pair of spec.split(',')) {
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const column = pair.slice(eq + 1).trim()
    if (eq < 0 || !isField(name) || column === '') {
      throw new UsageError(
        `--map: expected field=column pairs with fields among ${CSV_MAPPED_FIELDS.join(', ')}; got ${JSON.stringify(pair)}`,
      )
    }
    const n = /^#(\d{1,5})$/.exec(column)
    if (n && Number(n[1]) < 1)
      throw new UsageError(`--map: columns are numbered from #1; got ${column}`)
    mapping[mappingKey(name)] = n ? Number(n[1]) - 1 : column
  }
  return mapping
}

const importWithFeedEngine = (
  source: string,
  format: string,
  extra: { name?: string; mapping?: CsvMapping },
  io: CliIo,
  dataDir: string,
): Promise<Summary> =>
  // The ingest pipeline streams the input in bounded batches (never whole in memory), with global line
  // numbers in its rejects, and records the run in the history: the path the desktop's drag-and-drop takes.
  withCore(dataDir, io, async (core) => {
    const common = { format, wait: true, ...extra }
    const finished = isUrl(source)
      ? await callFromCli(core, io, 'feeds.importUrl', { url: source, ...common })
      : await callFromCli(core, io, 'feeds.importFile', { path: source, ...common })
    return fromRun(await callFromCli(core, io, 'feeds.getRun', { id: finished.id }))
  })

/** The mapping the CSV options give, or undefined when none was given. */
const csvMappingOf = (args: Parameters<CommandSpec['run']>[0]): CsvMapping | undefined => {
  const map = stringOpt(args, 'map')
  const delimiter = stringOpt(args, 'delimiter')
  const noHeader = boolOpt(args, 'no-header')
  if (map === undefined && delimiter === undefined && !noHeader) return undefined
  if (delimiter !== undefined && [...delimiter].length !== 1)
    throw new UsageError(`--delimiter must be one character; got ${JSON.stringify(delimiter)}`)
  return {
    ...(map === undefined ? {} : parseMapOption(map)),
    ...(delimiter === undefined ? {} : { delimiter: delimiter === '\\t' ? '\t' : delimiter }),
    ...(noHeader ? { hasHeader: false } : {}),
  }
}

export const importCommand: CommandSpec = {
  path: ['import'],
  args: '<file-or-url>',
  summary: 'Import indicators from a file or URL (text list, CSV, or any feed format), streaming',
  options: {
    format: {
      type: 'string',
      arg: 'F',
      description:
        'auto (default; a CSV whose header names a value/indicator/ioc column is recognised), txt, csv (= generic-csv), or a feed format',
    },
    map: {
      type: 'string',
      arg: 'MAP',
      description: `CSV column mapping, field=column pairs (column: header name or #N), fields: ${CSV_MAPPED_FIELDS.join(', ')}`,
    },
    delimiter: {
      type: 'string',
      arg: 'C',
      description: 'CSV delimiter (default: guessed from the file)',
    },
    'no-header': {
      type: 'boolean',
      description: 'The CSV has no header row (map columns as #N)',
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
    const mapping = csvMappingOf(args)
    const summary = await importWithFeedEngine(
      source,
      FORMAT_ALIASES[format] ?? format,
      { ...(stringOpt(args, 'name') ? { name: stringOpt(args, 'name') } : {}), mapping },
      io,
      dataDirOf(args, io),
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
