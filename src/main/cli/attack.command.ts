import { resolve } from 'node:path'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, intOpt, stringOpt } from './args'
import { EXIT_OK, type CliIo, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatTable, safeText, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

const out = (args: ParsedArgs, io: CliIo, value: unknown, text: () => string): number => {
  io.stdout(boolOpt(args, 'json') ? toJsonLine(value) : text())
  return EXIT_OK
}

type Info = {
  version: string
  origin: string
  source: string
  importedAt: string | null
  counts: Record<string, number>
}

const infoText = (i: Info): string =>
  `ATT&CK Enterprise ${safeText(i.version)} (${i.origin}${i.importedAt === null ? '' : `, imported ${i.importedAt}`}): ` +
  `${i.counts.tactics} tactics, ${i.counts.techniques} techniques, ${i.counts.subTechniques} sub-techniques, ` +
  `${i.counts.groups} groups, ${i.counts.software} software\n${safeText(i.source)}\n`

const techniqueRows = (items: { id: string; name: string; tactics: string[] }[]) =>
  formatTable(
    ['id', 'name', 'tactics'],
    items.map((t) => [t.id, t.name, t.tactics.join(', ')]),
  )

export const attackInfoCommand: CommandSpec = {
  path: ['attack', 'info'],
  args: '',
  summary:
    'The ATT&CK catalogue in use (built in or imported), its version, counts and MITRE notice',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.getCatalogue', {}),
    )
    return out(args, io, r, () => infoText(r))
  },
}

export const attackTacticsCommand: CommandSpec = {
  path: ['attack', 'tactics'],
  args: '',
  summary: 'The ATT&CK tactics in kill-chain order',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.listTactics', {}),
    )
    return out(args, io, r, () =>
      formatTable(
        ['id', 'shortname', 'name'],
        r.items.map((t) => [t.id, t.shortname, t.name]),
      ),
    )
  },
}

export const attackSearchCommand: CommandSpec = {
  path: ['attack', 'search'],
  args: '[id or words...]',
  summary:
    'ATT&CK techniques by id (T1059, T1059.001, a prefix) or name words, optionally of one tactic',
  options: {
    ...COMMON,
    tactic: { type: 'string', arg: 'TACTIC', description: 'A tactic id (TA0002) or shortname' },
    limit: { type: 'string', arg: 'N', description: 'At most N techniques (default 50)' },
  },
  positionals: { min: 0, max: 20 },
  run: async (args, io) => {
    const tactic = stringOpt(args, 'tactic')
    const limit = intOpt(args, 'limit', { min: 1, max: 1000 })
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.searchTechniques', {
        q: args.positionals.join(' '),
        ...(tactic === undefined ? {} : { tactic }),
        ...(limit === undefined ? {} : { limit }),
      }),
    )
    return out(args, io, r, () => techniqueRows(r.items))
  },
}

export const attackShowCommand: CommandSpec = {
  path: ['attack', 'show'],
  args: '<technique id>',
  summary: 'One ATT&CK technique with its tactics, parent and sub-techniques',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const t = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.getTechnique', { id: args.positionals[0] ?? '' }),
    )
    return out(
      args,
      io,
      t,
      () =>
        [
          `${t.id} ${safeText(t.name)}`,
          `tactics: ${t.tacticRefs.map((x) => `${x.name} (${x.id})`).join(', ')}`,
          `platforms: ${t.platforms.join(', ')}`,
          t.parent === null ? '' : `parent: ${t.parent.id} ${safeText(t.parent.name)}`,
          ...t.subTechniques.map((s) => `  ${s.id} ${safeText(s.name)}`),
        ]
          .filter((l) => l !== '')
          .join('\n') + '\n',
    )
  },
}

export const attackMatrixCommand: CommandSpec = {
  path: ['attack', 'matrix'],
  args: '',
  summary:
    'The ATT&CK matrix: each tactic in kill-chain order with its techniques (--json: everything)',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const m = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.matrix', {}),
    )
    return out(args, io, m, () =>
      formatTable(
        ['tactic', 'name', 'techniques', 'sub-techniques'],
        m.tactics.map((t) => [
          t.id,
          t.name,
          String(t.techniques.length),
          String(t.techniques.reduce((n, x) => n + x.subTechniques.length, 0)),
        ]),
      ),
    )
  },
}

export const attackImportCommand: CommandSpec = {
  path: ['attack', 'import'],
  args: '<enterprise-attack.json>',
  summary:
    "Import a newer enterprise-attack STIX bundle (MITRE's github.com/mitre/cti); it replaces the built-in catalogue until attack reset",
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const path = resolve(io.cwd, args.positionals[0] ?? '')
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.importBundle', { path }),
    )
    if (!boolOpt(args, 'json')) {
      for (const i of r.issues) io.stderr(`${safeText(i.object)}: ${safeText(i.message)}\n`)
    }
    return out(
      args,
      io,
      r,
      () =>
        `${infoText(r.catalogue)}${r.retired} revoked or deprecated object(s) left out, ${r.skipped} skipped\n`,
    )
  },
}

export const attackResetCommand: CommandSpec = {
  path: ['attack', 'reset'],
  args: '',
  summary: 'Drop the imported ATT&CK bundle and use the built-in catalogue again',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.resetCatalogue', {}),
    )
    return out(args, io, r, () => infoText(r))
  },
}

export const attackRebuildCommand: CommandSpec = {
  path: ['attack', 'rebuild-knowledge'],
  args: '',
  summary:
    'Rebuild threat actors, campaigns, vulnerabilities, malware, reports and relationships from every stored STIX and MISP object (for data imported before the knowledge base)',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const r = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'attack.rebuildKnowledge', {}),
    )
    return out(
      args,
      io,
      r,
      () =>
        `${r.objects} object(s) read: ${r.entities} entity write(s), ${r.relationships} relationship(s), ${r.reportObjects} report object(s); ${r.pending} reference(s) wait for objects not imported yet\n`,
    )
  },
}

export const ATTACK_COMMANDS: readonly CommandSpec[] = [
  attackInfoCommand,
  attackTacticsCommand,
  attackSearchCommand,
  attackShowCommand,
  attackMatrixCommand,
  attackImportCommand,
  attackResetCommand,
  attackRebuildCommand,
]
