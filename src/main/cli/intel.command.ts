import type { Core } from '#core'
import type { IntelListItem } from '#shared/contract/intel.contract'
import { INTEL_KINDS, type IntelEntity, type IntelKind } from '#shared/contract/intel.schemas'
import { TLP_LEVELS } from '#shared/domain/enums'
import {
  DATA_DIR_OPTION,
  JSON_OPTION,
  boolOpt,
  dataDirOf,
  intOpt,
  stringOpt,
  stringsOpt,
} from './args'
import { EXIT_OK, UsageError, type CliIo, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatRecord, formatTable, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const isKind = (s: string | undefined): s is IntelKind =>
  s !== undefined && (INTEL_KINDS as readonly string[]).includes(s)

export const kindOf = (text: string | undefined, what = '--kind'): IntelKind => {
  if (isKind(text)) return text
  throw new UsageError(
    `${what} must be one of ${INTEL_KINDS.join(', ')}, got ${JSON.stringify(text ?? '')}`,
  )
}

/**
 * An entity named on the command line: its id, or its name or an alias (with the kind, since two kinds may
 * share a name). A name that matches several is a usage error listing them.
 */
export const findEntity = async (
  core: Core,
  io: CliIo,
  ref: string,
  kind: IntelKind | undefined,
): Promise<IntelEntity> => {
  if (UUID.test(ref)) return callFromCli(core, io, 'intel.get', { id: ref, kind })
  const hits = await callFromCli(core, io, 'intel.searchObjects', {
    q: ref,
    kinds: kind === undefined ? [...INTEL_KINDS] : [kind],
    limit: 20,
  })
  const exact = hits.items.filter((h) => h.label.toLowerCase() === ref.toLowerCase())
  const pick = exact.length === 1 ? exact : hits.items
  const first = pick[0]
  if (first === undefined) throw new UsageError(`No intel entity is named ${JSON.stringify(ref)}`)
  if (pick.length > 1) {
    const names = pick.map((h) => `${h.kind} ${JSON.stringify(h.label)} (${h.ref})`).join(', ')
    throw new UsageError(`${JSON.stringify(ref)} names several entities: ${names}; give an id`)
  }
  return callFromCli(core, io, 'intel.get', { id: first.ref })
}

export const entityRecord = (e: IntelEntity | IntelListItem): string =>
  formatRecord([
    ['id', e.id],
    ['kind', e.kind],
    ['name', e.name],
    ['aliases', e.aliases.join(', ')],
    ['tlp', e.tlp],
    ['severity', e.severity ?? ''],
    ['confidence', e.confidence === null ? '' : String(e.confidence)],
    ['techniques', e.techniques.join(', ')],
    ['first seen', e.firstSeen ?? ''],
    ['last seen', e.lastSeen ?? ''],
    ['project', e.projectId ?? ''],
    ['sources', e.sources.join(', ')],
    ['stix id', e.stixId ?? ''],
    ['updated', e.updatedAt],
    ['description', e.description],
    ...Object.entries(e.details)
      .filter(([k]) => k !== 'content')
      .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ])

export const entityTable = (items: readonly IntelListItem[]): string =>
  formatTable(
    ['NAME', 'KIND', 'TLP', 'ALIASES', 'UPDATED', 'ID'],
    items.map((e) => [e.name, e.kind, e.tlp, e.aliases.join(', '), e.updatedAt, e.id]),
  )

const tlpOf = (args: ParsedArgs): string | undefined => {
  const tlp = stringOpt(args, 'tlp')
  if (tlp !== undefined && !(TLP_LEVELS as readonly string[]).includes(tlp)) {
    throw new UsageError(
      `--tlp must be one of ${TLP_LEVELS.join(', ')}, got ${JSON.stringify(tlp)}`,
    )
  }
  return tlp
}

const detailsOf = (args: ParsedArgs): unknown => {
  const text = stringOpt(args, 'details')
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new UsageError('--details must be a JSON object, e.g. {"cveId":"CVE-2024-3400"}')
  }
}

export const LIST_OPTIONS = {
  q: { type: 'string', arg: 'TEXT', description: 'Words in the name or an alias' },
  technique: {
    type: 'string',
    arg: 'T',
    description: 'Only entities using this ATT&CK technique (or a sub-technique of it)',
  },
  tlp: { type: 'string', arg: 'L', multiple: true, description: 'Only these TLP levels' },
  project: { type: 'string', arg: 'ID', description: 'Only this project (its id)' },
  limit: { type: 'string', arg: 'N', description: 'At most N (default 100, at most 1000)' },
} as const

export const listInput = (args: ParsedArgs, kind: IntelKind): Record<string, unknown> => {
  const tlp = stringsOpt(args, 'tlp')
  return {
    kind,
    q: stringOpt(args, 'q'),
    technique: stringOpt(args, 'technique'),
    tlp: tlp.length ? tlp : undefined,
    projectId: stringOpt(args, 'project'),
    limit: intOpt(args, 'limit', { min: 1, max: 1000 }) ?? 100,
  }
}

export const intelListCommand: CommandSpec = {
  path: ['intel', 'list'],
  args: '<kind>',
  summary: `List threat intel of one kind (${INTEL_KINDS.join(', ')}), most recently updated first`,
  options: { ...LIST_OPTIONS, ...COMMON },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const kind = kindOf(args.positionals[0], '<kind>')
    const page = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'intel.list', listInput(args, kind)),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(page) : entityTable(page.items))
    return EXIT_OK
  },
}

export const intelShowCommand: CommandSpec = {
  path: ['intel', 'show'],
  args: '<id-or-name>',
  summary: 'Show a threat actor, campaign, vulnerability, malware family or report, with its links',
  options: {
    kind: { type: 'string', arg: 'K', description: 'The kind, when naming it' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const kindText = stringOpt(args, 'kind')
    const kind = kindText === undefined ? undefined : kindOf(kindText)
    const [entity, rels] = await withCore(dataDirOf(args, io), io, async (core) => {
      const e = await findEntity(core, io, args.positionals[0] ?? '', kind)
      return [e, await callFromCli(core, io, 'intel.listRelationships', { ref: e.id })] as const
    })
    if (boolOpt(args, 'json')) {
      io.stdout(toJsonLine({ ...entity, relationships: rels.items }))
      return EXIT_OK
    }
    io.stdout(entityRecord(entity))
    if (rels.items.length > 0) {
      io.stdout('\n')
      io.stdout(
        formatTable(
          ['SOURCE', 'RELATIONSHIP', 'TARGET', 'ID'],
          rels.items.map((r) => [
            r.sourceNode?.label ?? r.sourceRef,
            r.relationshipType,
            r.targetNode?.label ?? r.targetRef,
            r.id,
          ]),
        ),
      )
    }
    return EXIT_OK
  },
}

export const intelCreateCommand: CommandSpec = {
  path: ['intel', 'create'],
  args: '<kind> <name>',
  summary: 'Create a threat actor, campaign, vulnerability or malware family',
  options: {
    alias: { type: 'string', arg: 'A', multiple: true, description: 'Another name it goes by' },
    description: { type: 'string', arg: 'TEXT', description: 'What it is' },
    tlp: { type: 'string', arg: 'L', description: `TLP (${TLP_LEVELS.join(', ')})` },
    technique: { type: 'string', arg: 'T', multiple: true, description: 'ATT&CK technique id' },
    project: { type: 'string', arg: 'ID', description: 'The project it belongs to (its id)' },
    details: { type: 'string', arg: 'JSON', description: "The kind's own fields, as JSON" },
    ...COMMON,
  },
  positionals: { min: 2, max: 2 },
  run: async (args, io) => {
    const kind = kindOf(args.positionals[0], '<kind>')
    const entity = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'intel.create', {
        kind,
        name: args.positionals[1],
        aliases: stringsOpt(args, 'alias'),
        description: stringOpt(args, 'description'),
        tlp: tlpOf(args),
        techniques: stringsOpt(args, 'technique'),
        projectId: stringOpt(args, 'project'),
        details: detailsOf(args),
      }),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(entity) : entityRecord(entity))
    return EXIT_OK
  },
}

export const intelDeleteCommand: CommandSpec = {
  path: ['intel', 'delete'],
  args: '<id-or-name>',
  summary: 'Delete an entity with its relationships and its place in reports (needs --yes)',
  options: {
    kind: { type: 'string', arg: 'K', description: 'The kind, when naming it' },
    yes: { type: 'boolean', short: 'y', description: 'Really delete it' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const kindText = stringOpt(args, 'kind')
    const kind = kindText === undefined ? undefined : kindOf(kindText)
    const gone = await withCore(dataDirOf(args, io), io, async (core) => {
      const e = await findEntity(core, io, args.positionals[0] ?? '', kind)
      if (!boolOpt(args, 'yes')) {
        throw new UsageError(
          `Deleting the ${e.kind} ${JSON.stringify(e.name)} also deletes its relationships; add --yes to delete it`,
        )
      }
      await callFromCli(core, io, 'intel.delete', { id: e.id })
      return e
    })
    io.stdout(
      boolOpt(args, 'json')
        ? toJsonLine({ deleted: gone.id })
        : `Deleted the ${gone.kind} ${JSON.stringify(gone.name)} (${gone.id})\n`,
    )
    return EXIT_OK
  },
}

export const INTEL_COMMANDS: readonly CommandSpec[] = [
  intelListCommand,
  intelShowCommand,
  intelCreateCommand,
  intelDeleteCommand,
]
