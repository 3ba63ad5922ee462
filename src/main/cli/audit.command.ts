import type { ChangeEntry } from '#shared/contract/audit.contract'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, intOpt, stringOpt } from './args'
import { EXIT_OK, type CliIo, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatTable, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

/** The filter options `audit` and `audit export` share; the contract validates their values. */
export const AUDIT_FILTER_OPTIONS = {
  entity: {
    type: 'string',
    arg: 'E',
    description: 'Only this entity (indicator, project, feed, feed_run, settings)',
  },
  action: {
    type: 'string',
    arg: 'A',
    description: 'Only this operation (create, update, delete, import, mark_false_positive, ...)',
  },
  actor: { type: 'string', arg: 'WHO', description: 'Only changes by this actor' },
  since: { type: 'string', arg: 'ISO', description: 'Changes at or after this time' },
  until: { type: 'string', arg: 'ISO', description: 'Changes before this time' },
} as const

/** The contract's filter from the options; options not given are left out, so the contract's defaults apply. */
export const auditFilterOf = (args: ParsedArgs): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries({
      entity: stringOpt(args, 'entity'),
      operation: stringOpt(args, 'action'),
      actor: stringOpt(args, 'actor'),
      since: stringOpt(args, 'since'),
      until: stringOpt(args, 'until'),
    }).filter(([, v]) => v !== undefined),
  )

const summary = (e: ChangeEntry): string => {
  const c = e.changes
  if (e.operation === 'import') {
    const n = (k: string) => (typeof c[k] === 'number' ? c[k] : 0)
    return ['created', 'updated', 'unchanged'].map((k) => `${k} ${n(k)}`).join(', ')
  }
  return JSON.stringify(c)
}

export const auditTable = (items: readonly ChangeEntry[]): string =>
  formatTable(
    ['SEQ', 'AT', 'ACTOR', 'VIA', 'ENTITY', 'ID', 'ACTION', 'CHANGES'],
    items.map((e) => [
      String(e.seq),
      e.at,
      e.actor,
      e.transport,
      e.entity,
      e.entityId ?? '',
      e.operation,
      summary(e),
    ]),
  )

export const auditCommand: CommandSpec = {
  path: ['audit'],
  args: '',
  summary: 'Show the change log, newest first (see also: audit verify, audit export)',
  options: {
    ...AUDIT_FILTER_OPTIONS,
    limit: { type: 'string', arg: 'N', description: 'At most N entries (1-1000, default 100)' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args: ParsedArgs, io: CliIo) => {
    const limit = intOpt(args, 'limit', { min: 1, max: 1000 })
    const input = { ...auditFilterOf(args), ...(limit === undefined ? {} : { limit }) }
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'audit.list', input),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(page) : auditTable(page.items))
    return EXIT_OK
  },
}
