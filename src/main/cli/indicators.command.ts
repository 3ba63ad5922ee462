import { AppError } from '#shared/contract'
import {
  DATA_DIR_OPTION,
  JSON_OPTION,
  boolOpt,
  dataDirOf,
  intOpt,
  stringOpt,
  stringsOpt,
} from './args'
import { EXIT_OK, type CommandSpec } from './cli-types'
import { toJsonLine } from './format'
import { indicatorRecord, indicatorTable, searchCoverageNotice } from './indicators.format'
import { callFromCli, withCore } from './with-core'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const LIMIT = { min: 1, max: 1000 }

/** Drops options that were not given, so the contract's defaults apply. */
const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

const nonEmpty = <T>(xs: T[]): T[] | undefined => (xs.length > 0 ? xs : undefined)

export const indicatorsAddCommand: CommandSpec = {
  path: ['indicators', 'add'],
  args: '<value>',
  summary: 'Add one indicator (its type is detected unless --type is given)',
  options: {
    type: {
      type: 'string',
      arg: 'T',
      description: 'Indicator type (ip, domain, url, sha256, ...)',
    },
    severity: { type: 'string', arg: 'S', description: 'critical, high, medium, low or info' },
    tag: { type: 'string', arg: 'X', multiple: true, description: 'Tag to attach' },
    project: { type: 'string', arg: 'ID', description: 'Project id to attach it to' },
    description: { type: 'string', arg: 'TEXT', description: 'Free-text description' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const input = defined({
      value: args.positionals[0],
      type: stringOpt(args, 'type'),
      severity: stringOpt(args, 'severity'),
      tags: nonEmpty(stringsOpt(args, 'tag')),
      projectId: stringOpt(args, 'project'),
      description: stringOpt(args, 'description'),
    })
    const created = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'indicators.create', input),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(created) : indicatorRecord(created))
    return EXIT_OK
  },
}

export const indicatorsListCommand: CommandSpec = {
  path: ['indicators', 'list'],
  args: '',
  summary: 'List indicators, most recently changed first',
  options: {
    type: { type: 'string', arg: 'T', multiple: true, description: 'Only this type' },
    severity: { type: 'string', arg: 'S', multiple: true, description: 'Only this severity' },
    tag: { type: 'string', arg: 'X', description: 'Only indicators with this tag' },
    project: { type: 'string', arg: 'ID', description: 'Only indicators of this project' },
    limit: { type: 'string', arg: 'N', description: 'At most N indicators (1-1000, default 100)' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const input = defined({
      filter: defined({
        types: nonEmpty(stringsOpt(args, 'type')),
        severities: nonEmpty(stringsOpt(args, 'severity')),
        tag: stringOpt(args, 'tag'),
        projectId: stringOpt(args, 'project'),
      }),
      limit: intOpt(args, 'limit', LIMIT),
    })
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'indicators.list', input),
    )
    const notice = searchCoverageNotice(page)
    if (notice !== null) io.stderr(notice)
    io.stdout(boolOpt(args, 'json') ? toJsonLine(page) : indicatorTable(page.items))
    return EXIT_OK
  },
}

export const indicatorsSearchCommand: CommandSpec = {
  path: ['indicators', 'search'],
  args: '<query>',
  summary: 'Search values, descriptions and tags',
  options: {
    limit: { type: 'string', arg: 'N', description: 'At most N results (1-1000, default 100)' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const input = defined({ q: args.positionals[0], limit: intOpt(args, 'limit', LIMIT) })
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'indicators.search', input),
    )
    const notice = searchCoverageNotice(page)
    if (notice !== null) io.stderr(notice)
    io.stdout(boolOpt(args, 'json') ? toJsonLine(page) : indicatorTable(page.items))
    return EXIT_OK
  },
}

export const indicatorsGetCommand: CommandSpec = {
  path: ['indicators', 'get'],
  args: '<id-or-value>',
  summary: 'Show one indicator, by id or by value',
  options: {
    type: { type: 'string', arg: 'T', description: 'The type, when a value could be several' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const key = args.positionals[0] ?? ''
    const found = await withCore(dataDirOf(args, io), io, async (core) =>
      UUID.test(key)
        ? callFromCli(core, io, 'indicators.get', { id: key })
        : callFromCli(
            core,
            io,
            'indicators.lookup',
            defined({ value: key, type: stringOpt(args, 'type') }),
          ),
    )
    if (!found)
      throw new AppError('not_found', `No indicator with the value ${JSON.stringify(key)}`)
    io.stdout(boolOpt(args, 'json') ? toJsonLine(found) : indicatorRecord(found))
    return EXIT_OK
  },
}
