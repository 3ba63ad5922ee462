import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '../../shared/contract'
import { FEED_FORMAT_NAMES, type FeedRunDetail } from '../../shared/contract/feeds.contract'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, stringOpt } from './args'
import { EXIT_ERROR, EXIT_OK, UsageError, type CommandSpec } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

/** The CLI's short names for the two generic formats; every feed format name is accepted as well. */
const FORMAT_ALIASES: Readonly<Record<string, string>> = { txt: 'text', csv: 'generic-csv' }
const FORMATS = ['auto', ...Object.keys(FORMAT_ALIASES), ...FEED_FORMAT_NAMES]

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
  run_id: string
}

export const toImportReport = (run: FeedRunDetail): ImportReport => ({
  status: run.status,
  rows: run.rows,
  created: run.created,
  updated: run.updated,
  unchanged: run.unchanged,
  duplicates: run.duplicates,
  rejected: run.rejected,
  rejects: run.rejects.map((r) => ({ line: r.line, reason: r.reason })),
  by_type: run.byType,
  run_id: run.id,
})

const reportText = (file: string, run: FeedRunDetail): string => {
  const counts = formatTable(
    ['ROWS', 'CREATED', 'UPDATED', 'UNCHANGED', 'DUPLICATES', 'REJECTED'],
    [[run.rows, run.created, run.updated, run.unchanged, run.duplicates, run.rejected].map(String)],
  )
  const types = Object.entries(run.byType).sort(([a], [b]) => a.localeCompare(b))
  const parts = [
    `Imported ${safeText(file)} as ${run.format}: ${run.status}${run.error ? ` (${safeText(run.error)})` : ''}\n`,
    counts,
  ]
  if (types.length)
    parts.push(
      '\n' +
        formatTable(
          ['TYPE', 'COUNT'],
          types.map(([t, n]) => [t, String(n)]),
        ),
    )
  if (run.rejects.length) {
    parts.push(
      '\n' +
        formatTable(
          ['LINE', 'REASON', 'VALUE'],
          run.rejects.map((r) => [String(r.line), r.reason, r.value]),
        ),
    )
    if (run.rejected > run.rejects.length) {
      parts.push(`(${run.rejected - run.rejects.length} more rejects not listed)\n`)
    }
  }
  return parts.join('')
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s)

/** A missing file is the user's typo: say which path was tried before opening the database. */
const checkedFile = (path: string): string => {
  let isFile = false
  try {
    isFile = statSync(path).isFile()
  } catch {
    throw new AppError('not_found', `No such file: ${path}`)
  }
  if (!isFile) throw new AppError('invalid_input', `Not a regular file: ${path}`)
  return path
}

export const importCommand: CommandSpec = {
  path: ['import'],
  args: '<file-or-url>',
  summary: 'Import indicators from a file or URL (text list, CSV, or any feed format), streaming',
  options: {
    format: {
      type: 'string',
      arg: 'F',
      description: 'auto (default), txt, csv, or a feed format (stix-bundle, misp-event, ...)',
    },
    name: { type: 'string', arg: 'NAME', description: 'Source name recorded on the observations' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const given = stringOpt(args, 'format') ?? 'auto'
    if (!FORMATS.includes(given)) {
      throw new UsageError(
        `--format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(given)}`,
      )
    }
    const format = FORMAT_ALIASES[given] ?? given
    const target = args.positionals[0] ?? ''
    const name = stringOpt(args, 'name')
    const source = isUrl(target) ? target : checkedFile(resolve(io.cwd, target))

    // The feed engine streams the file in bounded batches (never whole in memory), with global line
    // numbers in its rejects: the same import path the desktop's drag-and-drop uses.
    const run = await withCore(dataDirOf(args, io), io, async (core) => {
      const common = { format, wait: true, ...(name ? { name } : {}) }
      const finished = isUrl(source)
        ? await callFromCli(core, io, 'feeds.importUrl', { url: source, ...common })
        : await callFromCli(core, io, 'feeds.importFile', { path: source, ...common })
      return callFromCli(core, io, 'feeds.getRun', { id: finished.id })
    })
    io.stdout(boolOpt(args, 'json') ? toJsonLine(toImportReport(run)) : reportText(source, run))
    if (run.status === 'failed' || run.status === 'cancelled') {
      io.stderr(`threateye: import ${run.status}${run.error ? `: ${safeText(run.error)}` : ''}\n`)
      return EXIT_ERROR
    }
    return EXIT_OK
  },
}
