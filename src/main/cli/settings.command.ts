import type { Settings } from '#shared/contract/settings.contract'
import type { Core } from '#core'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf } from './args'
import { EXIT_OK, type CliIo, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatRecord, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

const settingsRecord = (s: Settings): string =>
  formatRecord([
    ['theme', s.theme],
    ['http', `${s.httpEnabled ? 'on' : 'off'} (${safeText(s.httpHost)}:${s.httpPort})`],
    ['fetch allowed hosts', s.fetchAllowedHosts.map(safeText).join(', ') || '(none)'],
  ])

const print = (args: ParsedArgs, io: CliIo, s: Settings): number => {
  io.stdout(boolOpt(args, 'json') ? toJsonLine(s) : settingsRecord(s))
  return EXIT_OK
}

const bareHost = (h: string): string => h.trim().toLowerCase()

/** Reads the list, changes it and writes it back through the contract, which validates every host. */
const editAllowedHosts =
  (edit: (current: string[], hosts: string[]) => string[]) =>
  async (args: ParsedArgs, io: CliIo): Promise<number> => {
    const next = await withCore(dataDirOf(args, io), io, async (core: Core) => {
      const current = await callFromCli(core, io, 'settings.get', {})
      const fetchAllowedHosts = edit(current.fetchAllowedHosts, args.positionals)
      return callFromCli(core, io, 'settings.update', { patch: { fetchAllowedHosts } })
    })
    return print(args, io, next)
  }

export const settingsShowCommand: CommandSpec = {
  path: ['settings'],
  args: '',
  summary: 'Show the application settings',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) =>
    print(
      args,
      io,
      await withCore(dataDirOf(args, io), io, (core) => callFromCli(core, io, 'settings.get', {})),
    ),
}

export const settingsAllowHostCommand: CommandSpec = {
  path: ['settings', 'allow-host'],
  args: '<host>...',
  summary:
    'Let feeds and imports set up over the HTTP API fetch from these hosts although they are on loopback, private or other special addresses (an intranet TAXII server); the API itself cannot change this list',
  options: COMMON,
  positionals: { min: 1, max: 64 },
  run: editAllowedHosts((current, hosts) => {
    const have = new Set(current.map(bareHost))
    return [...current, ...hosts.filter((h) => !have.has(bareHost(h)))]
  }),
}

export const settingsDisallowHostCommand: CommandSpec = {
  path: ['settings', 'disallow-host'],
  args: '<host>...',
  summary: 'Remove hosts from the list the HTTP API may fetch from (see settings allow-host)',
  options: COMMON,
  positionals: { min: 1, max: 64 },
  run: editAllowedHosts((current, hosts) => {
    const drop = new Set(hosts.map(bareHost))
    return current.filter((h) => !drop.has(bareHost(h)))
  }),
}

export const SETTINGS_COMMANDS: readonly CommandSpec[] = [
  settingsShowCommand,
  settingsAllowHostCommand,
  settingsDisallowHostCommand,
]
