import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, intOpt, stringOpt } from './args'
import { EXIT_OK, type CommandSpec } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }
const TYPE = {
  type: 'string',
  arg: 'T',
  description: 'The indicator type (detected otherwise)',
} as const
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const allowlistListCommand: CommandSpec = {
  path: ['allowlist', 'list'],
  args: '',
  summary:
    'The false-positive allowlist: values later imports store as false positive and inactive',
  options: {
    ...COMMON,
    type: TYPE,
    limit: { type: 'string', arg: 'N', description: 'At most N entries (default 1000)' },
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const type = stringOpt(args, 'type')
    const limit = intOpt(args, 'limit', { min: 1, max: 10_000 })
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'allowlist.list', {
        ...(type === undefined ? {} : { type }),
        ...(limit === undefined ? {} : { limit }),
      }),
    )
    io.stdout(
      boolOpt(args, 'json')
        ? toJsonLine(r)
        : formatTable(
            ['type', 'value', 'reason', 'by', 'at'],
            r.items.map((e) => [e.type, e.value, e.reason, e.createdBy, e.createdAt]),
          ),
    )
    return EXIT_OK
  },
}

export const allowlistAddCommand: CommandSpec = {
  path: ['allowlist', 'add'],
  args: '<value>',
  summary: 'Allowlist a value: later imports store it as false positive and inactive',
  options: {
    ...COMMON,
    type: TYPE,
    reason: { type: 'string', arg: 'TEXT', description: 'Why it is a false positive' },
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const type = stringOpt(args, 'type')
    const reason = stringOpt(args, 'reason')
    const e = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'allowlist.add', {
        value: args.positionals[0],
        ...(type === undefined ? {} : { type }),
        ...(reason === undefined ? {} : { reason }),
      }),
    )
    io.stdout(
      boolOpt(args, 'json') ? toJsonLine(e) : `allowlisted ${e.type} ${safeText(e.value)}\n`,
    )
    return EXIT_OK
  },
}

export const allowlistRemoveCommand: CommandSpec = {
  path: ['allowlist', 'remove'],
  args: '<value-or-id>',
  summary: 'Take a value off the allowlist',
  options: { ...COMMON, type: TYPE },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const given = args.positionals[0] ?? ''
    const type = stringOpt(args, 'type')
    const input = UUID.test(given)
      ? { id: given }
      : { value: given, ...(type === undefined ? {} : { type }) }
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'allowlist.remove', input),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(r) : `removed ${safeText(given)}\n`)
    return EXIT_OK
  },
}

export const ALLOWLIST_COMMANDS: readonly CommandSpec[] = [
  allowlistListCommand,
  allowlistAddCommand,
  allowlistRemoveCommand,
]
