import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { REPORT_CONTENT_MAX_CHARS, REPORT_SEVERITIES } from '#shared/contract/intel.schemas'
import { IOC_TYPES, TLP_LEVELS } from '#shared/domain/enums'
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
import { formatRecord, formatTable, safeText, toJsonLine } from './format'
import { LIST_OPTIONS, entityRecord, findEntity, listInput } from './intel.command'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

const oneOf = (args: ParsedArgs, name: string, allowed: readonly string[]) => {
  const v = stringOpt(args, name)
  if (v !== undefined && !allowed.includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`)
  }
  return v
}

export const reportListCommand: CommandSpec = {
  path: ['report', 'list'],
  args: '',
  summary: 'List threat reports, most recently changed first',
  options: {
    ...LIST_OPTIONS,
    published: { type: 'boolean', description: 'Only published reports' },
    drafts: { type: 'boolean', description: 'Only drafts' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    if (boolOpt(args, 'published') && boolOpt(args, 'drafts')) {
      throw new UsageError('--published and --drafts exclude each other')
    }
    const published = boolOpt(args, 'published')
      ? true
      : boolOpt(args, 'drafts')
        ? false
        : undefined
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'intel.list', { ...listInput(args, 'report'), published }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(page))
    else
      io.stdout(
        formatTable(
          ['TITLE', 'TLP', 'SEVERITY', 'PUBLISHED', 'UPDATED', 'ID'],
          page.items.map((r) => [
            r.name,
            r.tlp,
            r.severity ?? '',
            r.kind === 'report' && r.details.published ? (r.details.publishedAt ?? 'yes') : '',
            r.updatedAt,
            r.id,
          ]),
        ),
      )
    return EXIT_OK
  },
}

export const reportShowCommand: CommandSpec = {
  path: ['report', 'show'],
  args: '<id-or-title>',
  summary: 'Show a threat report: its fields, what it contains, and its Markdown',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const [report, objects] = await withCore(dataDirOf(args, io), io, async (core) => {
      const r = await findEntity(core, io, args.positionals[0] ?? '', 'report')
      const o = await callFromCli(core, io, 'intel.reportObjects', { reportId: r.id, limit: 1000 })
      return [r, o] as const
    })
    if (boolOpt(args, 'json')) {
      io.stdout(toJsonLine({ ...report, objects }))
      return EXIT_OK
    }
    io.stdout(entityRecord(report))
    io.stdout(`\nContains ${objects.total} object(s)\n`)
    if (objects.items.length > 0) {
      io.stdout(
        formatTable(
          ['KIND', 'LABEL', 'TLP', 'REF'],
          objects.items.map((o) => [o.type ?? o.kind, o.label, o.tlp, o.ref]),
        ),
      )
    }
    if (report.kind === 'report' && report.details.content !== '') {
      // Line by line: each is made safe for the terminal, the line breaks kept.
      const lines = report.details.content.split('\n').map(safeText)
      io.stdout(`\n${lines.join('\n')}\n`)
    }
    return EXIT_OK
  },
}

export const reportCreateCommand: CommandSpec = {
  path: ['report', 'create'],
  args: '<title>',
  summary: 'Write a threat report (a draft until published)',
  options: {
    summary: { type: 'string', arg: 'TEXT', description: 'A short summary' },
    content: { type: 'string', arg: 'FILE', description: 'Its Markdown, read from FILE' },
    tlp: { type: 'string', arg: 'L', description: `TLP (${TLP_LEVELS.join(', ')})` },
    severity: { type: 'string', arg: 'S', description: `${REPORT_SEVERITIES.join(', ')}` },
    author: { type: 'string', arg: 'NAME', multiple: true, description: 'An author' },
    project: { type: 'string', arg: 'ID', description: 'The project it belongs to (its id)' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const file = stringOpt(args, 'content')
    const content = file === undefined ? '' : await readFile(resolve(io.cwd, file), 'utf8')
    if (content.length > REPORT_CONTENT_MAX_CHARS) {
      throw new UsageError(
        `--content: ${file} is longer than ${REPORT_CONTENT_MAX_CHARS} characters`,
      )
    }
    const report = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'intel.create', {
        kind: 'report',
        name: args.positionals[0],
        tlp: oneOf(args, 'tlp', TLP_LEVELS),
        severity: oneOf(args, 'severity', REPORT_SEVERITIES),
        projectId: stringOpt(args, 'project'),
        details: {
          summary: stringOpt(args, 'summary'),
          content,
          authors: stringsOpt(args, 'author'),
        },
      }),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(report) : entityRecord(report))
    return EXIT_OK
  },
}

export const reportAttachCommand: CommandSpec = {
  path: ['report', 'attach'],
  args: '<report>',
  summary: 'Attach indicators (by id, or every one a query matches) and entities to a report',
  options: {
    indicator: { type: 'string', arg: 'ID', multiple: true, description: 'An indicator id' },
    entity: { type: 'string', arg: 'ID', multiple: true, description: 'An intel entity id' },
    type: { type: 'string', arg: 'T', multiple: true, description: 'Every indicator of this type' },
    tag: { type: 'string', arg: 'TAG', description: 'Every indicator with this tag' },
    q: { type: 'string', arg: 'TEXT', description: 'Every indicator matching this search' },
    'min-score': { type: 'string', arg: 'N', description: 'Every indicator scoring N or more' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const types = stringsOpt(args, 'type').flatMap((t) => t.split(','))
    const unknown = types.find((t) => !(IOC_TYPES as readonly string[]).includes(t))
    if (unknown !== undefined) {
      throw new UsageError(
        `--type must be one of ${IOC_TYPES.join(', ')}, got ${JSON.stringify(unknown)}`,
      )
    }
    const filter = {
      types: types.length ? types : undefined,
      tag: stringOpt(args, 'tag'),
      q: stringOpt(args, 'q'),
      scoreMin: intOpt(args, 'min-score', { min: 0, max: 100 }),
    }
    const hasFilter = Object.values(filter).some((v) => v !== undefined)
    const indicatorIds = stringsOpt(args, 'indicator')
    const entityIds = stringsOpt(args, 'entity')
    if (!hasFilter && indicatorIds.length === 0 && entityIds.length === 0) {
      throw new UsageError(
        'Name what to attach: --indicator, --entity, or a query (--type, --tag, --q, --min-score)',
      )
    }
    const result = await withCore(dataDirOf(args, io), io, async (core) => {
      const report = await findEntity(core, io, args.positionals[0] ?? '', 'report')
      return callFromCli(core, io, 'intel.attachToReport', {
        reportId: report.id,
        indicatorIds: indicatorIds.length ? indicatorIds : undefined,
        entityIds: entityIds.length ? entityIds : undefined,
        filter: hasFilter ? filter : undefined,
      })
    })
    io.stdout(
      boolOpt(args, 'json')
        ? toJsonLine(result)
        : formatRecord([
            ['added', String(result.added)],
            ['already there', String(result.alreadyThere)],
          ]),
    )
    return EXIT_OK
  },
}

export const reportPublishCommand: CommandSpec = {
  path: ['report', 'publish'],
  args: '<report>',
  summary: 'Publish a threat report (stamps its publication date)',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const report = await withCore(dataDirOf(args, io), io, async (core) => {
      const r = await findEntity(core, io, args.positionals[0] ?? '', 'report')
      return callFromCli(core, io, 'intel.update', { id: r.id, patch: { published: true } })
    })
    io.stdout(boolOpt(args, 'json') ? toJsonLine(report) : entityRecord(report))
    return EXIT_OK
  },
}

export const REPORT_COMMANDS: readonly CommandSpec[] = [
  reportListCommand,
  reportShowCommand,
  reportCreateCommand,
  reportAttachCommand,
  reportPublishCommand,
]
