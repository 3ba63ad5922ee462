import { open, rename, rm, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { AppError } from '#shared/contract/errors'
import type { UrlVerdict } from '#shared/contract/analysis.contract'
import {
  INCIDENT_STATUSES,
  SNAPSHOT_MAX_CHARS,
  type Incident,
  type IncidentStatus,
} from '#shared/contract/incidents.contract'
import {
  DATA_DIR_OPTION,
  JSON_OPTION,
  boolOpt,
  dataDirOf,
  intOpt,
  stringOpt,
  stringsOpt,
} from './args'
import { EXIT_OK, UsageError, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatRecord, formatTable, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

const incidentRecord = (i: Incident): string =>
  formatRecord([
    ['id', i.id],
    ['url', i.url ?? ''],
    ['indicator', i.indicatorId ?? ''],
    ['status', i.status],
    ['severity', String(i.severity)],
    ['occurrences', String(i.occurrences)],
    ['sources', i.sources.join(', ')],
    ['tags', i.tags.join(', ')],
    ['summary', i.summary],
    ['assignee', i.assignee ?? ''],
    ['first seen', i.firstSeen],
    ['last seen', i.lastSeen],
  ])

const verdictText = (v: UrlVerdict): string => {
  const lines = [
    formatRecord([
      ['url', v.url],
      ['verdict', v.verdict],
      ['severity', String(v.severity)],
      ['sources', v.sources.map((s) => `${s.source} ${s.severity}`).join(', ') || 'none'],
      [
        'model',
        `${v.model.name} ${v.model.version}: ${v.model.label} (p=${v.model.probability.toFixed(3)})`,
      ],
      [
        'link score',
        `${v.linkScore.score} (${v.linkScore.reasons.map((r) => `${r.feature} +${r.points}`).join(', ') || 'no signs'})`,
      ],
      ['suppressed by', v.suppressedBy ?? ''],
      ['matches', v.matches.map((m) => `${m.type} ${m.value} (${m.classification})`).join(', ')],
      [
        'incident',
        v.trackingRecord
          ? `${v.trackingRecord.id} (occurrence ${v.trackingRecord.occurrences})`
          : 'none',
      ],
    ]),
    '\nTop feature contributions (positive: towards phishing)\n',
    formatTable(
      ['FEATURE', 'VALUE', 'CONTRIBUTION'],
      v.topContributions.map((c) => [
        c.name,
        String(Math.round(c.value * 1000) / 1000),
        (c.contribution >= 0 ? '+' : '') + c.contribution.toFixed(3),
      ]),
    ),
  ]
  return lines.join('')
}

export const analyzeCommand: CommandSpec = {
  path: ['analyze'],
  args: '<url>',
  summary:
    'Analyse a URL: verdict, severity, top feature contributions; a threat opens an incident',
  options: {
    tag: { type: 'string', arg: 'X', multiple: true, description: 'Tag for the incident it opens' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const verdict = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'analysis.analyzeUrl', {
        url: args.positionals[0],
        tags: stringsOpt(args, 'tag'),
      }),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(verdict) : verdictText(verdict))
    return EXIT_OK
  },
}

const isStatus = (s: string): s is IncidentStatus =>
  (INCIDENT_STATUSES as readonly string[]).includes(s)

const statusesOf = (values: string[]): IncidentStatus[] | undefined => {
  const out: IncidentStatus[] = []
  for (const s of values.flatMap((v) => v.split(',')).map((x) => x.trim())) {
    if (s === '') continue
    if (!isStatus(s)) {
      throw new UsageError(
        `--status must be one of ${INCIDENT_STATUSES.join(', ')}, got ${JSON.stringify(s)}`,
      )
    }
    out.push(s)
  }
  return out.length ? out : undefined
}

export const incidentsListCommand: CommandSpec = {
  path: ['incidents', 'list'],
  args: '',
  summary: 'List incidents, most severe first',
  options: {
    status: {
      type: 'string',
      arg: 'S',
      multiple: true,
      description: `Only these (${INCIDENT_STATUSES.join(', ')})`,
    },
    'min-severity': { type: 'string', arg: 'N', description: 'Only severity N (0-100) and above' },
    tag: { type: 'string', arg: 'T', description: 'Only incidents with this tag' },
    q: { type: 'string', arg: 'TEXT', description: 'Words in the URL, summary or tags' },
    limit: { type: 'string', arg: 'N', description: 'At most N (default 100, at most 1000)' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const filter = {
      status: statusesOf(stringsOpt(args, 'status')),
      minSeverity: intOpt(args, 'min-severity', { min: 0, max: 100 }),
      tag: stringOpt(args, 'tag'),
      q: stringOpt(args, 'q'),
    }
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'incidents.list', {
        filter,
        limit: intOpt(args, 'limit', { min: 1, max: 1000 }) ?? 100,
      }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(page))
    else {
      io.stdout(
        formatTable(
          ['SEVERITY', 'STATUS', 'SEEN', 'URL OR INDICATOR', 'LAST SEEN', 'ID'],
          page.items.map((i) => [
            String(i.severity),
            i.status,
            String(i.occurrences),
            i.url ?? i.indicatorId ?? '',
            i.lastSeen,
            i.id,
          ]),
        ),
      )
      io.stdout(`${page.items.length} of ${page.total} incident${page.total === 1 ? '' : 's'}\n`)
    }
    return EXIT_OK
  },
}

export const incidentsShowCommand: CommandSpec = {
  path: ['incidents', 'show'],
  args: '<id>',
  summary: 'Show one incident',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const incident = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'incidents.get', { id: args.positionals[0] }),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(incident) : incidentRecord(incident))
    return EXIT_OK
  },
}

const setStatus = (status: IncidentStatus, verb: string): CommandSpec => ({
  path: ['incidents', verb],
  args: '<id>',
  summary: `Mark an incident ${status}`,
  options: {
    tag: { type: 'string', arg: 'X', multiple: true, description: 'Tag to add' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args: ParsedArgs, io) => {
    const tags = stringsOpt(args, 'tag')
    const incident = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'incidents.update', {
        id: args.positionals[0],
        patch: { status, ...(tags.length ? { tags } : {}) },
      }),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(incident) : incidentRecord(incident))
    return EXIT_OK
  },
})

/** The snapshot file to import, bounded before it is read. */
const readSnapshotFile = async (path: string): Promise<string> => {
  let handle
  try {
    handle = await open(path, 'r')
  } catch {
    throw new AppError('not_found', `No such file: ${path}`)
  }
  try {
    const { size } = await handle.stat()
    if (size > SNAPSHOT_MAX_CHARS) {
      throw new AppError('payload_too_large', `${path} is larger than ${SNAPSHOT_MAX_CHARS} bytes`)
    }
    return (await handle.readFile()).toString('utf8')
  } finally {
    await handle.close()
  }
}

export const snapshotExportCommand: CommandSpec = {
  path: ['snapshot', 'export'],
  args: '<file>',
  summary: 'Write the tracked threats to a snapshot JSON file, for offline hand-over',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const file = resolve(io.cwd, args.positionals[0] ?? '')
    const out = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'incidents.exportSnapshot', {}),
    )
    // Written whole or not at all, and private: it holds what the analyst is tracking.
    const tmp = `${file}.${process.pid}.tmp`
    try {
      await writeFile(tmp, out.content, { mode: 0o600 })
      await rename(tmp, file)
    } catch (e) {
      await rm(tmp, { force: true })
      throw new AppError('invalid_input', `cannot write ${file}: ${(e as Error).message}`)
    }
    if (boolOpt(args, 'json')) io.stdout(toJsonLine({ file, count: out.count }))
    else io.stdout(`${out.count} tracked threat${out.count === 1 ? '' : 's'} written to ${file}\n`)
    return EXIT_OK
  },
}

export const snapshotImportCommand: CommandSpec = {
  path: ['snapshot', 'import'],
  args: '<file>',
  summary: 'Merge a snapshot JSON file into the incidents, by URL',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const content = await readSnapshotFile(resolve(io.cwd, args.positionals[0] ?? ''))
    const report = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'incidents.importSnapshot', { content }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(report))
    else {
      io.stdout(
        `${report.created} created, ${report.merged} merged, ${report.rejects.length} refused\n`,
      )
      for (const r of report.rejects) io.stdout(`  entry ${r.index}: ${r.field}: ${r.message}\n`)
    }
    return EXIT_OK
  },
}

export const INCIDENTS_COMMANDS: readonly CommandSpec[] = [
  analyzeCommand,
  incidentsListCommand,
  incidentsShowCommand,
  setStatus('resolved', 'resolve'),
  setStatus('escalated', 'escalate'),
  setStatus('open', 'reopen'),
  snapshotExportCommand,
  snapshotImportCommand,
]
