import type { SummaryReport } from '#shared/contract/summaries.schemas'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, intOpt, stringOpt } from './args'
import { EXIT_ERROR, EXIT_OK, UsageError, type CommandSpec } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

const sizeOf = (bytes: number | null): string =>
  bytes === null
    ? ''
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${(bytes / 1024 / 1024).toFixed(1)} MB`

const reportsTable = (items: readonly SummaryReport[]): string =>
  formatTable(
    ['TYPE', 'FROM', 'TO', 'STATUS', 'SIZE', 'FILE', 'ID'],
    items.map((r) => [
      r.type,
      r.rangeStart,
      r.rangeEnd,
      r.status,
      sizeOf(r.fileSize),
      safeText(r.filePath ?? r.error ?? ''),
      r.id,
    ]),
  )

/**
 * `threateye summary generate`: one summary report, written before the command returns; the file's path
 * on stdout (or the report as JSON). The contract checks the type and range and names the field.
 */
export const summaryGenerateCommand: CommandSpec = {
  path: ['summary', 'generate'],
  args: '',
  summary:
    'Generate a summary report: daily (yesterday or the UTC day of --from), weekly (the last 7 days or 7 from --from) or custom (--from to --to)',
  options: {
    type: { type: 'string', arg: 'T', description: 'daily, weekly or custom (required)' },
    from: {
      type: 'string',
      arg: 'DATE',
      description: 'Start: YYYY-MM-DD (UTC) or an ISO timestamp',
    },
    to: { type: 'string', arg: 'DATE', description: 'End, excluded (custom only)' },
    format: { type: 'string', arg: 'F', description: 'md, json or csv (default: the schedule’s)' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const type = stringOpt(args, 'type')
    if (type === undefined) throw new UsageError('--type is required (daily, weekly or custom)')
    const from = stringOpt(args, 'from')
    const to = stringOpt(args, 'to')
    const format = stringOpt(args, 'format')
    const { report } = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'summaries.generate', {
        type,
        wait: true,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(format === undefined ? {} : { format }),
      }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(report))
    if (report.status !== 'done') {
      io.stderr(`threateye summary: ${report.title} ${report.status}: ${report.error ?? ''}\n`)
      return EXIT_ERROR
    }
    if (!boolOpt(args, 'json')) {
      io.stderr(`${report.title} (${sizeOf(report.fileSize)})\n`)
      io.stdout(`${report.filePath ?? ''}\n`)
    }
    return EXIT_OK
  },
}

export const summaryListCommand: CommandSpec = {
  path: ['summary', 'list'],
  args: '',
  summary: 'List generated summary reports, newest first: type, range, status, size and file',
  options: {
    type: { type: 'string', arg: 'T', description: 'Only daily, weekly or custom reports' },
    limit: { type: 'string', arg: 'N', description: 'At most N reports (default 100, up to 500)' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const type = stringOpt(args, 'type')
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'summaries.list', {
        limit: intOpt(args, 'limit', { min: 1, max: 500 }) ?? 100,
        ...(type === undefined ? {} : { type }),
      }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(page))
    else io.stdout(reportsTable(page.items))
    return EXIT_OK
  },
}

export const SUMMARY_COMMANDS: readonly CommandSpec[] = [summaryGenerateCommand, summaryListCommand]
