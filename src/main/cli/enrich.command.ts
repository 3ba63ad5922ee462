import type { EnrichmentResult, ScanJob } from '#shared/contract/enrichment.schemas'
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
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }
/** An API key is a short line: anything longer on stdin is not one. */
const MAX_KEY_BYTES = 4096

const jobsTable = (items: readonly ScanJob[]): string =>
  formatTable(
    ['STATUS', 'TYPE', 'TARGET', 'DONE', 'THREATS', 'ALERTS', 'ERRORS', 'CREATED', 'ID'],
    items.map((j) => [
      j.status,
      j.type,
      safeText(j.target),
      `${j.indicatorsProcessed}/${j.indicatorsTotal ?? '?'}`,
      String(j.newThreats),
      String(j.alertsTriggered),
      String(j.errors),
      j.createdAt,
      j.id,
    ]),
  )

const resultsTable = (items: readonly EnrichmentResult[]): string =>
  formatTable(
    ['PROVIDER', 'STATUS', 'LEVEL', 'SUMMARY'],
    items.map((r) => [
      r.provider,
      r.skipReason === null ? r.status : `${r.status} (${r.skipReason})`,
      r.finding?.level ?? '',
      safeText(r.finding?.summary ?? r.message ?? ''),
    ]),
  )

/** What `threateye enrich` covers: the value given, --id, or a query of the indicators. */
const targetOf = async (
  args: Parameters<CommandSpec['run']>[0],
  lookup: (value: string) => Promise<string>,
): Promise<unknown> => {
  const ids = stringsOpt(args, 'id')
  const value = args.positionals[0]
  const types = stringsOpt(args, 'type')
  const minScore = intOpt(args, 'min-score', { min: 0, max: 100 })
  const q = stringOpt(args, 'q')
  const byQuery = types.length > 0 || minScore !== undefined || q !== undefined
  const given = [value !== undefined, ids.length > 0, byQuery].filter(Boolean).length
  if (given !== 1)
    throw new UsageError(
      'give one of: a value, --id ID (repeatable), or query options (--type, --min-score, --q)',
    )
  if (value !== undefined) return { kind: 'indicators', ids: [await lookup(value)] }
  if (ids.length > 0) return { kind: 'indicators', ids }
  return {
    kind: 'query',
    filter: {
      ...(types.length > 0 ? { types } : {}),
      ...(minScore === undefined ? {} : { scoreMin: minScore }),
      ...(q === undefined ? {} : { q }),
    },
  }
}

/**
 * `threateye enrich`: a scan job over one value, some ids or a query. With --wait it answers once the job
 * has finished (local providers at once; network requests the job could send); without, the job is stored
 * and the app or `threateye serve` runs it when it starts.
 */
export const enrichCommand: CommandSpec = {
  path: ['enrich'],
  args: '[value]',
  summary:
    'Enrich an indicator (by value or --id) or a query (--type, --min-score, --q) as a scan job; --wait to see the results',
  options: {
    id: { type: 'string', multiple: true, arg: 'ID', description: 'Indicator id (repeatable)' },
    type: {
      type: 'string',
      multiple: true,
      arg: 'T',
      description: 'Query: indicators of this type',
    },
    'min-score': { type: 'string', arg: 'N', description: 'Query: score at least N' },
    q: { type: 'string', arg: 'TEXT', description: 'Query: matching this text' },
    provider: {
      type: 'string',
      multiple: true,
      arg: 'P',
      description: 'Ask this provider (repeatable; default every provider switched on)',
    },
    force: { type: 'boolean', description: 'Ask again even when a cached answer is fresh' },
    'override-tlp': {
      type: 'string',
      arg: 'REASON',
      description:
        "Send indicators above a provider's TLP ceiling, this once (needs --yes; logged)",
    },
    yes: { type: 'boolean', description: 'Confirm --override-tlp' },
    wait: { type: 'boolean', description: 'Wait for the job to finish and print the results' },
    ...COMMON,
  },
  positionals: { min: 0, max: 1 },
  run: async (args, io) => {
    const reason = stringOpt(args, 'override-tlp')
    if (reason !== undefined && !boolOpt(args, 'yes'))
      throw new UsageError('--override-tlp sends data above its TLP ceiling: confirm with --yes')
    const providers = stringsOpt(args, 'provider')
    const wait = boolOpt(args, 'wait')
    const out = await withCore(dataDirOf(args, io), io, async (core) => {
      const target = await targetOf(args, async (value) => {
        const found = await callFromCli(core, io, 'indicators.lookup', { value })
        if (found === null) throw new UsageError(`no indicator has the value ${safeText(value)}`)
        return found.id
      })
      const run = await callFromCli(core, io, 'enrichment.run', {
        target,
        wait,
        force: boolOpt(args, 'force'),
        ...(providers.length > 0 ? { providers } : {}),
        ...(reason === undefined ? {} : { tlpOverride: { confirm: true, reason } }),
      })
      const ids = (target as { ids?: string[] }).ids ?? []
      const results =
        wait && ids.length === 1
          ? (await callFromCli(core, io, 'enrichment.results', { indicatorId: ids[0] })).items
          : null
      return { scanJob: run.scanJob, results }
    })
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(out))
    else {
      io.stdout(jobsTable([out.scanJob]))
      if (out.results !== null) io.stdout(resultsTable(out.results))
    }
    if (!wait) io.stderr('The job runs when ThreatEye (the app or `threateye serve`) runs.\n')
    return out.scanJob.status === 'failed' ? EXIT_ERROR : EXIT_OK
  },
}

export const enrichStatusCommand: CommandSpec = {
  path: ['enrich', 'status'],
  args: '',
  summary:
    'Enrichment at a glance: offline mode and, per provider, requests queued, done, failed, skipped',
  options: { ...COMMON },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const q = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'enrichment.queue', { limit: 1 }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine({ offline: q.offline, counts: q.counts }))
    else {
      io.stdout(`offline: ${q.offline ? 'on' : 'off'}\n`)
      io.stdout(
        formatTable(
          ['PROVIDER', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'SKIPPED', 'TLP', 'BUDGET'],
          Object.entries(q.counts).map(([p, c]) => [
            p,
            ...(
              [
                'queued',
                'running',
                'done',
                'failed',
                'skipped',
                'skipped:tlp',
                'skipped:budget',
              ] as const
            ).map((k) => String(c[k] ?? 0)),
          ]),
        ),
      )
    }
    return EXIT_OK
  },
}

export const enrichQueueCommand: CommandSpec = {
  path: ['enrich', 'queue'],
  args: '',
  summary: 'The enrichment queue: entries by provider and status (queued, failed, skipped …)',
  options: {
    provider: { type: 'string', arg: 'P', description: 'Only this provider' },
    status: { type: 'string', arg: 'S', description: 'queued, running, done, failed or skipped' },
    limit: { type: 'string', arg: 'N', description: 'At most N entries (default 100, up to 500)' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const provider = stringOpt(args, 'provider')
    const status = stringOpt(args, 'status')
    const q = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'enrichment.queue', {
        limit: intOpt(args, 'limit', { min: 1, max: 500 }) ?? 100,
        ...(provider === undefined ? {} : { provider }),
        ...(status === undefined ? {} : { status }),
      }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(q))
    else
      io.stdout(
        formatTable(
          ['PROVIDER', 'STATUS', 'INDICATOR', 'ATTEMPTS', 'MESSAGE'],
          q.items.map((r) => [
            r.provider,
            r.skipReason === null ? r.status : `${r.status} (${r.skipReason})`,
            safeText(r.indicator.value),
            String(r.attempts),
            safeText(r.message ?? r.finding?.summary ?? ''),
          ]),
        ),
      )
    return EXIT_OK
  },
}

export const enrichJobsCommand: CommandSpec = {
  path: ['enrich', 'jobs'],
  args: '',
  summary: 'Enrichment scan jobs, newest first, with their metrics',
  options: {
    status: {
      type: 'string',
      arg: 'S',
      description: 'queued, running, succeeded, failed or cancelled',
    },
    limit: { type: 'string', arg: 'N', description: 'At most N jobs (default 50, up to 500)' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const status = stringOpt(args, 'status')
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'enrichment.scanJobs', {
        limit: intOpt(args, 'limit', { min: 1, max: 500 }) ?? 50,
        ...(status === undefined ? {} : { status }),
      }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(page))
    else io.stdout(jobsTable(page.items))
    return EXIT_OK
  },
}

export const enrichProvidersCommand: CommandSpec = {
  path: ['enrich', 'providers'],
  args: '',
  summary:
    'Enrichment providers: on or off, TLP ceiling, budget and use, whether a key is set, source',
  options: { ...COMMON },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const p = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'enrichment.providers', {}),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(p))
    else
      io.stdout(
        formatTable(
          [
            'PROVIDER',
            'ON',
            'NETWORK',
            'MAX TLP',
            'PER MIN',
            'PER DAY',
            'USED TODAY',
            'KEY',
            'SOURCE',
          ],
          p.items.map((i) => [
            i.id,
            i.settings.enabled ? 'yes' : 'no',
            i.network ? 'yes' : 'no',
            i.settings.maxTlp,
            String(i.settings.rateLimit.perMinute),
            String(i.settings.rateLimit.perDay),
            String(i.used.day),
            i.needsKey ? (i.hasKey ? 'set' : 'missing') : '',
            safeText(i.source),
          ]),
        ),
      )
    return EXIT_OK
  },
}

const readKey = async (io: CliIo): Promise<string> => {
  if (io.stdin === undefined)
    throw new UsageError('pipe the key in on standard input (never as an argument)')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of io.stdin) {
    const b = Buffer.from(chunk)
    size += b.length
    if (size > MAX_KEY_BYTES) throw new UsageError('standard input is longer than an API key')
    chunks.push(b)
  }
  const key = Buffer.concat(chunks).toString('utf8').trim()
  if (key === '') throw new UsageError('standard input is empty: pipe the key in (or use --clear)')
  return key
}

/** `threateye enrich set-key PROVIDER`: the key from stdin (an argument would land in shell history). */
export const enrichSetKeyCommand: CommandSpec = {
  path: ['enrich', 'set-key'],
  args: '<provider>',
  summary:
    "Set a provider's API key, read from standard input (never from the command line); --clear removes it",
  options: { clear: { type: 'boolean', description: 'Remove the key' }, ...COMMON },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const provider = args.positionals[0]
    const key = boolOpt(args, 'clear') ? null : await readKey(io)
    const info = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'enrichment.setKey', { provider, key }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(info))
    else io.stdout(`${info.label}: key ${info.hasKey ? 'set' : 'removed'}\n`)
    return EXIT_OK
  },
}

export const ENRICH_COMMANDS: readonly CommandSpec[] = [
  enrichCommand,
  enrichStatusCommand,
  enrichQueueCommand,
  enrichJobsCommand,
  enrichProvidersCommand,
  enrichSetKeyCommand,
]
