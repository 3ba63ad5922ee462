import { resolve } from 'node:path'
import type { Out } from '#shared/contract'
import { readWarninglistFolder } from '#core'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, stringOpt } from './args'
import { EXIT_ERROR, EXIT_OK, type CommandSpec, type CliIo, type ParsedArgs } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

type Lists = Out<'warninglists.list'>['items']

const listTable = (items: Lists): string =>
  formatTable(
    ['id', 'name', 'type', 'entries', 'source', 'enabled'],
    items.map((l) => [
      l.id,
      l.name,
      l.type,
      String(l.entryCount),
      l.source,
      l.enabled ? 'yes' : 'no',
    ]),
  )

const out = (args: ParsedArgs, io: CliIo, value: unknown, text: () => string): number => {
  io.stdout(boolOpt(args, 'json') ? toJsonLine(value) : text())
  return EXIT_OK
}

export const warninglistsListCommand: CommandSpec = {
  path: ['warninglists', 'list'],
  args: '',
  summary: 'The warninglists (built-in and imported), their entry counts and whether they are on',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'warninglists.list', {}),
    )
    return out(args, io, r, () => listTable(r.items))
  },
}

export const warninglistsImportCommand: CommandSpec = {
  path: ['warninglists', 'import'],
  args: '<dir>',
  summary:
    'Import a folder of MISP warninglists (*.json, or <name>/list.json as in the MISP repository); bad files are reported by file and field, good ones kept. Apply them to stored indicators with warninglists rescan',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const dir = resolve(io.cwd, args.positionals[0] ?? '.')
    const read = await readWarninglistFolder(dir)
    const r =
      read.files.length === 0
        ? { imported: [], errors: read.errors, issues: [] }
        : await withCore(dataDirOf(args, io), io, (core) =>
            callFromCli(core, io, 'warninglists.import', { files: read.files }),
          )
    const errors = read.files.length === 0 ? r.errors : [...read.errors, ...r.errors]
    const result = { ...r, errors }
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(result))
    else {
      io.stdout(`${result.imported.length} list(s) imported\n`)
      if (result.imported.length > 0) io.stdout(listTable(result.imported))
      for (const e of [...errors, ...result.issues]) {
        io.stderr(`${safeText(e.file)}: ${safeText(e.field)} ${safeText(e.message)}\n`)
      }
    }
    if (read.files.length === 0 && errors.length === 0) {
      io.stderr(`${safeText(dir)} holds no warninglists\n`)
      return EXIT_ERROR
    }
    return errors.length > 0 && result.imported.length === 0 ? EXIT_ERROR : EXIT_OK
  },
}

const switchCommand = (enabled: boolean): CommandSpec => ({
  path: ['warninglists', enabled ? 'enable' : 'disable'],
  args: '<id>',
  summary: enabled
    ? 'Turn a warninglist on (warninglists rescan applies it to stored indicators)'
    : 'Turn a warninglist off; its hits are dropped from the indicators at once',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const l = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'warninglists.setEnabled', { id: args.positionals[0], enabled }),
    )
    return out(args, io, l, () => `${safeText(l.name)}: ${l.enabled ? 'enabled' : 'disabled'}\n`)
  },
})

export const warninglistsCheckCommand: CommandSpec = {
  path: ['warninglists', 'check'],
  args: '<value>...',
  summary: 'Which enabled warninglists each value hits, and whether it is allowlisted',
  options: {
    ...COMMON,
    type: { type: 'string', arg: 'T', description: 'The indicator type (detected otherwise)' },
  },
  positionals: { min: 1, max: 1000 },
  run: async (args, io) => {
    const type = stringOpt(args, 'type')
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'warninglists.check', {
        values: args.positionals.map((value) => (type === undefined ? { value } : { type, value })),
      }),
    )
    return out(args, io, r, () =>
      formatTable(
        ['value', 'type', 'list', 'entry'],
        r.results.flatMap((x) => {
          const type = x.type
          const shown = `${x.canonical ?? x.value}${x.allowlisted ? ' (allowlisted)' : ''}`
          if (type === null) return [[x.value, '-', `not an indicator: ${x.reason ?? ''}`, '']]
          if (x.hits.length === 0) return [[shown, type, '-', '']]
          return x.hits.map((h) => [shown, type, h.listName, h.entry])
        }),
      ),
    )
  },
}

export const warninglistsRescanCommand: CommandSpec = {
  path: ['warninglists', 'rescan'],
  args: '',
  summary: 'Match every stored indicator against the enabled warninglists again',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'warninglists.rescan', {}),
    )
    return out(
      args,
      io,
      r,
      () => `${r.scanned} indicator(s) scanned, ${r.withHits} hit a list, ${r.changed} changed\n`,
    )
  },
}

export const WARNINGLISTS_COMMANDS: readonly CommandSpec[] = [
  warninglistsListCommand,
  warninglistsImportCommand,
  switchCommand(true),
  switchCommand(false),
  warninglistsCheckCommand,
  warninglistsRescanCommand,
]
