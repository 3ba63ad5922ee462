import type { In } from '#shared/contract'
import { ALERT_STATUSES, type Alert, type AlertStatus } from '#shared/contract/alerts.contract'
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
import { EXIT_OK, UsageError, type CliIo, type CommandSpec } from './cli-types'
import { formatTable, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

export const oneOf = <T extends string>(list: readonly T[], v: string, option: string): T => {
  const found = list.find((x) => x === v)
  if (found === undefined)
    throw new UsageError(`--${option} must be one of ${list.join(', ')}, got ${JSON.stringify(v)}`)
  return found
}

const alertsTable = (items: readonly Alert[]): string =>
  formatTable(
    ['SEVERITY', 'STATUS', 'COUNT', 'ASSIGNEE', 'TITLE', 'CREATED', 'ID'],
    items.map((a) => [
      String(a.severity),
      a.status,
      String(a.triggerCount),
      a.assignee ?? '',
      a.title.length > 80 ? `${a.title.slice(0, 79)}…` : a.title,
      a.createdAt,
      a.id,
    ]),
  )

export const alertsListCommand: CommandSpec = {
  path: ['alerts', 'list'],
  args: '',
  summary:
    'List alerts, most severe then newest first (open and acknowledged ones unless --status)',
  options: {
    status: {
      type: 'string',
      arg: 'S',
      multiple: true,
      description: `Only this status (${ALERT_STATUSES.join(', ')}); repeat for several`,
    },
    'min-severity': {
      type: 'string',
      arg: 'N',
      description: 'Only alerts of severity N (0-100) or more',
    },
    rule: { type: 'string', arg: 'ID', description: 'Only the alerts of this rule' },
    assignee: { type: 'string', arg: 'NAME', description: 'Only the alerts assigned to NAME' },
    unassigned: { type: 'boolean', description: 'Only unassigned alerts' },
    q: { type: 'string', arg: 'TEXT', description: 'Words in the title (rule name, indicator)' },
    limit: { type: 'string', arg: 'N', description: 'At most N alerts (default 100, up to 1000)' },
    ...COMMON,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const given = stringsOpt(args, 'status').map((s) => oneOf(ALERT_STATUSES, s, 'status'))
    const status: AlertStatus[] = given.length > 0 ? given : ['open', 'acknowledged']
    const assignee = stringOpt(args, 'assignee')
    if (assignee !== undefined && boolOpt(args, 'unassigned'))
      throw new UsageError('give --assignee or --unassigned, not both')
    const minSeverity = intOpt(args, 'min-severity', { min: 0, max: 100 })
    const rule = stringOpt(args, 'rule')
    const q = stringOpt(args, 'q')
    const filter: In<'alerts.list'>['filter'] = {
      status,
      ...(minSeverity === undefined ? {} : { minSeverity }),
      ...(rule === undefined ? {} : { ruleId: rule }),
      ...(boolOpt(args, 'unassigned') ? { assignee: null } : {}),
      ...(assignee === undefined ? {} : { assignee }),
      ...(q === undefined ? {} : { q }),
    }
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'alerts.list', {
        filter,
        limit: intOpt(args, 'limit', { min: 1, max: 1000 }) ?? 100,
      }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(page))
    else {
      io.stdout(alertsTable(page.items))
      if (page.total > page.items.length)
        io.stderr(`${page.items.length} of ${page.total} alerts shown (--limit for more)\n`)
    }
    return EXIT_OK
  },
}

/** A command that changes the alerts given by id and prints what they are now. */
const changeCommand = (
  verb: string,
  summary: string,
  options: CommandSpec['options'],
  call: (
    core: Core,
    io: CliIo,
    ids: string[],
    args: { values: Record<string, unknown> },
  ) => Promise<{ items: Alert[]; changed: number }>,
): CommandSpec => ({
  path: ['alerts', verb],
  args: '<alert-id>...',
  summary,
  options: { ...options, ...COMMON },
  positionals: { min: 1, max: 1000 },
  run: async (args, io) => {
    const ids = args.positionals.map((p) => p.toLowerCase())
    const bad = ids.find((id) => !UUID.test(id))
    if (bad !== undefined) throw new UsageError(`not an alert id: ${JSON.stringify(bad)}`)
    const result = await withCore(dataDirOf(args, io), io, (core) => call(core, io, ids, args))
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(result))
    else {
      io.stdout(alertsTable(result.items))
      io.stderr(`${result.changed} of ${ids.length} alert(s) changed\n`)
    }
    return EXIT_OK
  },
})

export const alertsAckCommand = changeCommand(
  'ack',
  'Acknowledge open alerts',
  {},
  (core, io, ids) => callFromCli(core, io, 'alerts.acknowledge', { ids }),
)

export const alertsResolveCommand = changeCommand(
  'resolve',
  'Resolve alerts (the next trigger of their rule on the same indicator opens a new one)',
  { note: { type: 'string', arg: 'TEXT', description: 'Why (kept in the change log)' } },
  (core, io, ids, args) => {
    const note = args.values.note
    return callFromCli(core, io, 'alerts.resolve', {
      ids,
      ...(typeof note === 'string' ? { note } : {}),
    })
  },
)

export const alertsAssignCommand = changeCommand(
  'assign',
  'Assign alerts to someone (--to NAME) or take them back (--unassign)',
  {
    to: { type: 'string', arg: 'NAME', description: 'Who works on them' },
    unassign: { type: 'boolean', description: 'Leave them unassigned' },
  },
  (core, io, ids, args) => {
    const to = args.values.to
    const unassign = args.values.unassign === true
    if ((typeof to === 'string') === unassign)
      throw new UsageError('give either --to NAME or --unassign')
    return callFromCli(core, io, 'alerts.assign', {
      ids,
      assignee: typeof to === 'string' ? to : null,
    })
  },
)

export const ALERTS_COMMANDS: readonly CommandSpec[] = [
  alertsListCommand,
  alertsAckCommand,
  alertsResolveCommand,
  alertsAssignCommand,
]
