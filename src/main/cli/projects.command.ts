import { AppError } from '#shared/contract'
import type { Project, ProjectStats } from '#shared/contract/projects.contract'
import type { Core } from '#core'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, stringOpt, stringsOpt } from './args'
import { EXIT_OK, UsageError, type CliIo, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatRecord, formatTable, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

/** A project by id or by name (case-insensitive), archived ones included. */
const findProject = async (core: Core, io: CliIo, nameOrId: string): Promise<Project> => {
  const { items } = await callFromCli(core, io, 'projects.list', { includeArchived: true })
  const found = UUID.test(nameOrId)
    ? items.find((p) => p.id === nameOrId.toLowerCase())
    : items.find((p) => p.name.toLowerCase() === nameOrId.toLowerCase())
  if (!found)
    throw new AppError(
      'not_found',
      `No project named ${JSON.stringify(nameOrId)} (see "threateye projects list --all")`,
    )
  return found
}

const projectRecord = (p: Project): string =>
  formatRecord([
    ['id', p.id],
    ['name', p.name],
    ['description', p.description],
    ['tags', p.tags.join(', ')],
    ['settings', JSON.stringify(p.settings)],
    ['archived', p.archived ? 'yes' : 'no'],
    ['created', p.createdAt],
    ['updated', p.updatedAt],
  ])

/** Runs one call on a project named by the first positional and prints the project it returns. */
const onProject =
  (call: (core: Core, io: CliIo, p: Project, args: ParsedArgs) => Promise<Project>) =>
  async (args: ParsedArgs, io: CliIo): Promise<number> => {
    const project = await withCore(dataDirOf(args, io), io, async (core) =>
      call(core, io, await findProject(core, io, args.positionals[0] ?? ''), args),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(project) : projectRecord(project))
    return EXIT_OK
  }

export const projectsListCommand: CommandSpec = {
  path: ['projects', 'list'],
  args: '',
  summary: 'List projects (archived ones with --all)',
  options: { all: { type: 'boolean', description: 'Include archived projects' }, ...COMMON },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const { items } = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'projects.list', { includeArchived: boolOpt(args, 'all') }),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(items))
    else
      io.stdout(
        formatTable(
          ['NAME', 'TAGS', 'ARCHIVED', 'UPDATED', 'ID'],
          items.map((p) => [p.name, p.tags.join(', '), p.archived ? 'yes' : '', p.updatedAt, p.id]),
        ),
      )
    return EXIT_OK
  },
}

export const projectsCreateCommand: CommandSpec = {
  path: ['projects', 'create'],
  args: '<name>',
  summary: 'Create a project',
  options: {
    description: { type: 'string', arg: 'TEXT', description: 'What the project is about' },
    tag: { type: 'string', arg: 'X', multiple: true, description: 'Tag to attach' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const input = {
      name: args.positionals[0],
      tags: stringsOpt(args, 'tag'),
      ...(stringOpt(args, 'description') === undefined
        ? {}
        : { description: stringOpt(args, 'description') }),
    }
    const project = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'projects.create', input),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(project) : projectRecord(project))
    return EXIT_OK
  },
}

export const projectsRenameCommand: CommandSpec = {
  path: ['projects', 'rename'],
  args: '<project> <new-name>',
  summary: 'Rename a project (given by name or id); --description also rewrites its description',
  options: {
    description: { type: 'string', arg: 'TEXT', description: 'New description' },
    ...COMMON,
  },
  positionals: { min: 2, max: 2 },
  run: onProject((core, io, p, args) => {
    const description = stringOpt(args, 'description')
    const patch = {
      name: args.positionals[1],
      ...(description === undefined ? {} : { description }),
    }
    return callFromCli(core, io, 'projects.update', { id: p.id, patch })
  }),
}

export const projectsTagCommand: CommandSpec = {
  path: ['projects', 'tag'],
  args: '<project> <tag>...',
  summary: 'Add tags to a project, or take them off with --remove',
  options: {
    remove: { type: 'boolean', description: 'Remove the given tags instead of adding them' },
    ...COMMON,
  },
  positionals: { min: 2, max: 64 },
  run: onProject((core, io, p, args) => {
    const given = args.positionals.slice(1)
    const tags = boolOpt(args, 'remove')
      ? p.tags.filter((t) => !given.includes(t))
      : [...p.tags, ...given.filter((t) => !p.tags.includes(t))]
    return callFromCli(core, io, 'projects.update', { id: p.id, patch: { tags } })
  }),
}

export const projectsArchiveCommand: CommandSpec = {
  path: ['projects', 'archive'],
  args: '<project>',
  summary: 'Archive a project: hidden from lists and pickers, its indicators untouched',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: onProject((core, io, p) => callFromCli(core, io, 'projects.archive', { id: p.id })),
}

export const projectsUnarchiveCommand: CommandSpec = {
  path: ['projects', 'unarchive'],
  args: '<project>',
  summary: 'Bring an archived project back',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: onProject((core, io, p) => callFromCli(core, io, 'projects.unarchive', { id: p.id })),
}

export const projectsDeleteCommand: CommandSpec = {
  path: ['projects', 'delete'],
  args: '<project>',
  summary: 'Delete a project; its indicators are kept, detached from it (needs --yes)',
  options: {
    yes: { type: 'boolean', short: 'y', description: 'Really delete it' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const result = await withCore(dataDirOf(args, io), io, async (core) => {
      const p = await findProject(core, io, args.positionals[0] ?? '')
      const { totalIndicators } = await callFromCli(core, io, 'projects.stats', { id: p.id })
      if (!boolOpt(args, 'yes')) {
        throw new UsageError(
          `Deleting ${JSON.stringify(p.name)} detaches its ${totalIndicators} indicator(s), which are kept; add --yes to delete it`,
        )
      }
      await callFromCli(core, io, 'projects.delete', { id: p.id })
      return { id: p.id, name: p.name, deleted: true, detachedIndicators: totalIndicators }
    })
    io.stdout(
      boolOpt(args, 'json')
        ? toJsonLine(result)
        : `Deleted project ${JSON.stringify(result.name)}; its ${result.detachedIndicators} indicator(s) are kept without a project.\n`,
    )
    return EXIT_OK
  },
}

const countsTable = (title: string, counts: Record<string, number>, of = 'INDICATORS'): string =>
  formatTable(
    [title, of],
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => [k, String(n)]),
  )

const statsText = (p: Project, s: ProjectStats): string =>
  formatRecord([
    ['project', p.name],
    ['indicators', String(s.totalIndicators)],
    ['active', String(s.activeCount)],
    ['false positives', String(s.falsePositiveCount)],
    ['changed in 7 days', String(s.recentActivityCount)],
    ['mean score (active)', s.riskScore === null ? '' : String(s.riskScore)],
    ['last activity', s.lastActivity ?? ''],
  ]) +
  '\n' +
  countsTable('TYPE', s.byType) +
  '\n' +
  countsTable('SEVERITY', s.bySeverity) +
  '\n' +
  countsTable('INTEL', s.intelCounts, 'ENTITIES') +
  '\n' +
  formatTable(
    ['DAY (UTC)', 'INDICATORS ADDED', 'ENTITIES ADDED', 'ENTITIES UPDATED', 'REPORTS PUBLISHED'],
    s.activity.map((d) => [
      d.day,
      String(d.indicatorsAdded),
      String(d.entitiesAdded),
      String(d.entitiesUpdated),
      String(d.reportsPublished),
    ]),
  )

export const projectsStatsCommand: CommandSpec = {
  path: ['projects', 'stats'],
  args: '<project>',
  summary: 'Indicators of a project by type and severity, and its last activity',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const [p, stats] = await withCore(dataDirOf(args, io), io, async (core) => {
      const project = await findProject(core, io, args.positionals[0] ?? '')
      return [project, await callFromCli(core, io, 'projects.stats', { id: project.id })] as const
    })
    io.stdout(boolOpt(args, 'json') ? toJsonLine(stats) : statsText(p, stats))
    return EXIT_OK
  },
}

export const PROJECTS_COMMANDS: readonly CommandSpec[] = [
  projectsListCommand,
  projectsCreateCommand,
  projectsRenameCommand,
  projectsTagCommand,
  projectsArchiveCommand,
  projectsUnarchiveCommand,
  projectsDeleteCommand,
  projectsStatsCommand,
]
