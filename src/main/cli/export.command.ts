import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import { AppError, contract, isAppError, type ParsedIn } from '#shared/contract'
import { formatIssuePath } from '#core'
import { DATA_DIR_OPTION, boolOpt, dataDirOf, intOpt, stringOpt, stringsOpt } from './args'
import { EXIT_OK, UsageError, type CommandSpec, type ParsedArgs } from './cli-types'
import { withCore } from './with-core'

const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

const nonEmpty = <T>(xs: T[]): T[] | undefined => (xs.length > 0 ? xs : undefined)

/** The target the options name: one of --report, --entity, --project, --entities, or an indicator query. */
const targetOf = (args: ParsedArgs): Record<string, unknown> => {
  const report = stringOpt(args, 'report')
  const entity = stringOpt(args, 'entity')
  const project = stringOpt(args, 'project')
  const entities = stringOpt(args, 'entities')
  const given = [report, entity, project, entities].filter((x) => x !== undefined)
  if (given.length > 1) {
    throw new UsageError('give at most one of --report, --entity, --project and --entities')
  }
  if (report !== undefined) return { kind: 'report', id: report }
  if (entity !== undefined) {
    return defined({ kind: 'entity', id: entity, hops: intOpt(args, 'hops', { min: 1, max: 2 }) })
  }
  if (project !== undefined) return { kind: 'project', id: project }
  if (entities !== undefined) {
    return {
      kind: 'entities',
      entityKind: entities,
      filter: defined({ q: stringOpt(args, 'search') }),
    }
  }
  const field = stringOpt(args, 'sort')
  return {
    kind: 'indicators',
    filter: defined({
      types: nonEmpty(stringsOpt(args, 'type')),
      severities: nonEmpty(stringsOpt(args, 'severity')),
      tag: stringOpt(args, 'tag'),
      q: stringOpt(args, 'search'),
      scoreMin: intOpt(args, 'score-min', { min: 0, max: 100 }),
    }),
    ...(field === undefined ? {} : { sort: defined({ field, dir: stringOpt(args, 'dir') }) }),
  }
}

/** The command line as export.start's input, checked by the contract (its message names the field). */
const requestOf = (args: ParsedArgs): ParsedIn<'export.start'> => {
  const input = {
    format: stringOpt(args, 'format') ?? 'csv',
    target: targetOf(args),
    defang: boolOpt(args, 'defang'),
    confirmTlp: boolOpt(args, 'yes'),
  }
  const parsed = contract['export.start'].input.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue === undefined ? '(input)' : formatIssuePath(issue.path)
  throw new AppError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, { field })
}

/** The core's refusal in this command's words: the flag to pass is --yes. */
const cliRefusal = (e: unknown): unknown =>
  isAppError(e) && e.code === 'forbidden'
    ? new AppError(
        'forbidden',
        e.message
          .replace(/^confirmTlp: /, '')
          .replace(/confirm to export it$/, 'pass --yes to write it anyway'),
        e.details,
      )
    : e

export const exportCommand: CommandSpec = {
  path: ['export'],
  args: '',
  summary:
    'Export indicators, a threat report, an entity with its relationships, a project or an entity list to a file',
  options: {
    output: { type: 'string', short: 'o', arg: 'FILE', description: 'File to write (required)' },
    format: { type: 'string', arg: 'F', description: 'csv (default), pdf, stix or misp' },
    type: { type: 'string', arg: 'T', multiple: true, description: 'Only indicators of this type' },
    severity: { type: 'string', arg: 'S', multiple: true, description: 'Only this severity' },
    tag: { type: 'string', arg: 'X', description: 'Only indicators with this tag' },
    search: { type: 'string', arg: 'TEXT', description: 'Only what matches this text' },
    'score-min': { type: 'string', arg: 'N', description: 'Only indicators scoring at least N' },
    sort: {
      type: 'string',
      arg: 'FIELD',
      description: 'Order: score (default), lastSeen, value, ...',
    },
    dir: { type: 'string', arg: 'D', description: 'desc (default) or asc' },
    report: { type: 'string', arg: 'ID', description: 'Export this threat report' },
    entity: { type: 'string', arg: 'ID', description: 'Export this entity and its relationships' },
    hops: { type: 'string', arg: 'N', description: 'With --entity: 1 (default) or 2 hops' },
    project: {
      type: 'string',
      arg: 'ID',
      description: "Export this project's indicators and entities",
    },
    entities: {
      type: 'string',
      arg: 'KIND',
      description:
        'Export an entity list: threat-actor, campaign, vulnerability, malware or report',
    },
    defang: { type: 'boolean', description: 'Write values defanged (hxxp://evil[.]com)' },
    yes: {
      type: 'boolean',
      description: 'Export TLP:AMBER or TLP:RED material (refused without it)',
    },
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const output = stringOpt(args, 'output')
    if (output === undefined) throw new UsageError('-o FILE is required')
    const req = requestOf(args)
    const file = resolve(io.cwd, output)
    const written = await withCore(dataDirOf(args, io), io, async (core) => {
      let prepared: ReturnType<typeof core.exports.prepare>
      try {
        prepared = core.exports.prepare(req)
      } catch (e) {
        throw cliRefusal(e)
      }
      // The file may hold AMBER or RED material: private to this account, like the data directory.
      const out = createWriteStream(file, { mode: 0o600 })
      try {
        const { rows } = await prepared.write(out, io.signal)
        out.end()
        await finished(out)
        return { rows, tlp: prepared.tlp }
      } catch (e) {
        out.destroy()
        await rm(file, { force: true })
        throw e
      }
    })
    const unit = req.target.kind === 'entities' ? 'entities' : 'rows'
    io.stderr(`${written.rows} ${unit} written to ${file} (TLP:${written.tlp.toUpperCase()})\n`)
    return EXIT_OK
  },
}
