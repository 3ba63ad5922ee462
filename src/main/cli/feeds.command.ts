import { resolve } from 'node:path'
import { AppError } from '#shared/contract'
import { FEED_FORMAT_NAMES, type Feed, type FeedRun } from '#shared/contract/feeds.contract'
import type { Core } from '#core'
import {
  DATA_DIR_OPTION,
  JSON_OPTION,
  boolOpt,
  dataDirOf,
  intOpt,
  stringOpt,
  stringsOpt,
} from './args'
import { EXIT_ERROR, EXIT_OK, UsageError, type CliIo, type CommandSpec } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { toImportReport } from './import.command'
import { callFromCli, withCore } from './with-core'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const findFeed = async (core: Core, io: CliIo, nameOrId: string): Promise<Feed> => {
  const { items } = await callFromCli(core, io, 'feeds.list', {})
  const feed = UUID.test(nameOrId)
    ? items.find((f) => f.id === nameOrId.toLowerCase())
    : items.find((f) => f.name.toLowerCase() === nameOrId.toLowerCase())
  if (!feed)
    throw new AppError(
      'not_found',
      `No feed named ${JSON.stringify(nameOrId)} (see "threateye feeds list")`,
    )
  return feed
}

const runRow = (r: FeedRun): string[] => [
  r.startedAt,
  r.source,
  r.trigger,
  r.status,
  String(r.rows),
  String(r.created),
  String(r.updated),
  String(r.unchanged),
  String(r.duplicates),
  String(r.rejected),
  r.durationMs === null ? '' : `${r.durationMs} ms`,
  r.error ?? '',
]
const RUN_HEADERS = [
  'STARTED',
  'SOURCE',
  'TRIGGER',
  'STATUS',
  'ROWS',
  'CREATED',
  'UPDATED',
  'UNCHANGED',
  'DUPS',
  'REJECTED',
  'TOOK',
  'ERROR',
]

export const feedsListCommand: CommandSpec = {
  path: ['feeds', 'list'],
  args: '',
  summary: 'List configured feeds with their schedule and last run',
  options: { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const { items } = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'feeds.list', {}),
    )
    if (boolOpt(args, 'json')) {
      io.stdout(toJsonLine(items))
      return EXIT_OK
    }
    io.stdout(
      formatTable(
        ['NAME', 'FORMAT', 'SOURCE', 'SCHEDULE', 'ENABLED', 'AUTH', 'LAST RUN', 'STATUS'],
        items.map((f) => [
          f.name,
          f.format,
          f.url ?? f.path ?? '',
          f.schedule ?? '',
          f.enabled ? 'yes' : 'no',
          f.hasAuth ? f.authKind : '',
          f.lastRun?.startedAt ?? '',
          f.lastRun?.status ?? '',
        ]),
      ),
    )
    return EXIT_OK
  },
}

export const feedsAddCommand: CommandSpec = {
  path: ['feeds', 'add'],
  args: '',
  summary: 'Add a feed: --catalogue KEY, or --name N --format F --url U|--path P',
  options: {
    catalogue: { type: 'string', arg: 'KEY', description: 'A built-in feed (see feeds.catalogue)' },
    'auth-key': {
      type: 'string',
      arg: 'K',
      description: 'API key, sent as the Auth-Key header (or --auth-header)',
    },
    'auth-header': {
      type: 'string',
      arg: 'H',
      description: 'Header that carries --auth-key (default Auth-Key)',
    },
    name: { type: 'string', arg: 'N', description: 'Feed name' },
    format: {
      type: 'string',
      arg: 'F',
      description: `Feed format: ${FEED_FORMAT_NAMES.join(', ')}`,
    },
    url: { type: 'string', arg: 'U', description: 'Feed URL (http or https)' },
    path: { type: 'string', arg: 'P', description: 'Local file to read instead of a URL' },
    schedule: { type: 'string', arg: 'CRON', description: 'Cron expression, e.g. "0 */6 * * *"' },
    tlp: {
      type: 'string',
      arg: 'T',
      description: 'Default TLP: clear, green, amber, amber+strict, red',
    },
    reliability: { type: 'string', arg: 'A-F', description: 'Source reliability (admiralty A-F)' },
    tag: {
      type: 'string',
      arg: 'X',
      multiple: true,
      description: 'Tag applied to every indicator',
    },
    disabled: { type: 'boolean', description: 'Add it without scheduling it' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const key = stringOpt(args, 'catalogue')
    const authKey = stringOpt(args, 'auth-key')
    const feed = await withCore(dataDirOf(args, io), io, async (core) => {
      if (key)
        return callFromCli(core, io, 'feeds.addFromCatalogue', {
          key,
          ...(authKey ? { authKey } : {}),
        })
      const name = stringOpt(args, 'name')
      const format = stringOpt(args, 'format')
      if (!name || !format)
        throw new UsageError('give --catalogue KEY, or --name and --format with --url or --path')
      const path = stringOpt(args, 'path')
      const input: Record<string, unknown> = {
        name,
        format,
        url: stringOpt(args, 'url') ?? null,
        path: path ? resolve(io.cwd, path) : null,
        schedule: stringOpt(args, 'schedule') ?? null,
        enabled: !boolOpt(args, 'disabled'),
        auth: authKey
          ? { kind: 'header', name: stringOpt(args, 'auth-header') ?? 'Auth-Key', value: authKey }
          : null,
        tags: stringsOpt(args, 'tag'),
      }
      if (stringOpt(args, 'tlp')) input.defaultTlp = stringOpt(args, 'tlp')
      if (stringOpt(args, 'reliability'))
        input.reliability = stringOpt(args, 'reliability')?.toUpperCase()
      return callFromCli(core, io, 'feeds.create', input)
    })
    io.stdout(
      boolOpt(args, 'json') ? toJsonLine(feed) : `Added feed ${safeText(feed.name)} (${feed.id})\n`,
    )
    return EXIT_OK
  },
}

export const feedsRunCommand: CommandSpec = {
  path: ['feeds', 'run'],
  args: '<name>',
  summary: 'Run a feed now (--wait: until it finishes, printing the report)',
  options: {
    wait: { type: 'boolean', description: 'Wait for the run to finish' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const wait = boolOpt(args, 'wait')
    const run = await withCore(dataDirOf(args, io), io, async (core) => {
      const feed = await findFeed(core, io, args.positionals[0] ?? '')
      const started = await callFromCli(core, io, 'feeds.run', { id: feed.id, wait })
      return callFromCli(core, io, 'feeds.getRun', { id: started.id })
    })
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(wait ? toImportReport(run) : run))
    else io.stdout(formatTable(RUN_HEADERS, [runRow(run)]))
    return run.status === 'failed' || run.status === 'cancelled' ? EXIT_ERROR : EXIT_OK
  },
}

export const feedsHistoryCommand: CommandSpec = {
  path: ['feeds', 'history'],
  args: '[<name>]',
  summary: 'Run history, newest first, of one feed or of everything',
  options: {
    limit: { type: 'string', arg: 'N', description: 'How many runs (default 20)' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 1 },
  run: async (args, io) => {
    const limit = intOpt(args, 'limit', { min: 1, max: 1000 }) ?? 20
    const page = await withCore(dataDirOf(args, io), io, async (core) => {
      const name = args.positionals[0]
      const feedId = name ? (await findFeed(core, io, name)).id : undefined
      return callFromCli(core, io, 'feeds.runs', { limit, ...(feedId ? { feedId } : {}) })
    })
    io.stdout(
      boolOpt(args, 'json')
        ? toJsonLine(page.items)
        : formatTable(RUN_HEADERS, page.items.map(runRow)),
    )
    return EXIT_OK
  },
}

export const FEEDS_COMMANDS: readonly CommandSpec[] = [
  feedsListCommand,
  feedsAddCommand,
  feedsRunCommand,
  feedsHistoryCommand,
]
