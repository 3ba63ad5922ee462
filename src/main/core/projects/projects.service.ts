import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import {
  PROJECT_RECENT_DAYS,
  type Project,
  type ProjectPatch,
  type ProjectSettings,
  type ProjectStats,
} from '#shared/contract/projects.contract'
import type { ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { ProjectEntity } from '../db/entities/project.entity'
import { intelProjectStats } from '../intel/intel-stats'
import {
  countProjectIndicators,
  createProjectsRepository,
  projectStats,
} from './projects.repository'

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

export const toProject = (p: ProjectEntity): Project => {
  const tags = parseJson<unknown>(p.tags, [])
  const settings = parseJson<unknown>(p.settings, {})
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
    settings:
      settings !== null && typeof settings === 'object' && !Array.isArray(settings)
        ? (settings as Record<string, unknown>)
        : {},
    archived: Boolean(p.archived),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  }
}

/** Tags as a set in the order first given: a repeated tag is kept once. */
const uniqueTags = (tags: readonly string[]): string[] => [...new Set(tags)]

export type ProjectCreate = {
  name: string
  description: string
  tags: string[]
  settings: ProjectSettings
}

/** Projects: CRUD with unique names, archiving, and the statistics of their indicators. */
export const createProjectsService = (ctx: CoreContext) => {
  const repo = () => createProjectsRepository(ctx.db.dataSource.manager)
  const nowIso = () => ctx.clock.now().toISOString()

  const mustGet = async (id: string): Promise<ProjectEntity> => {
    const p = await repo().byId(id)
    if (p === null) throw new AppError('not_found', `No project has id ${id}`, { id })
    return p
  }
  const assertNameFree = async (name: string, exceptId?: string): Promise<void> => {
    const other = await repo().byName(name)
    if (other !== null && other.id !== exceptId) {
      throw new AppError('conflict', `A project named '${name}' already exists`, {
        id: other.id,
        field: 'name',
      })
    }
  }

  /**
   * Saves a project and records the change in the change log, in one transaction (TypeORM's save joins the
   * open transaction: better-sqlite3 is one connection, and the write queue keeps it to this job).
   */
  const saveLogged = (
    by: ChangeCaller,
    p: ProjectEntity,
    operation: 'create' | 'update' | 'archive' | 'unarchive',
    changes: Record<string, unknown>,
  ): Promise<ProjectEntity> =>
    ctx.db.dataSource.transaction(async (m) => {
      const saved = await createProjectsRepository(m).save(p)
      ctx.changes.record(by, { entity: 'project', entityId: p.id, operation, changes })
      return saved
    })

  const update = (label: string, id: string, patch: ProjectPatch, by: ChangeCaller) =>
    ctx.db.writes.run(label, async (): Promise<Project> => {
      const p = await mustGet(id)
      if (patch.name !== undefined && patch.name !== p.name) await assertNameFree(patch.name, id)
      const next: Partial<ProjectEntity> = {}
      if (patch.name !== undefined && patch.name !== p.name) next.name = patch.name
      if (patch.description !== undefined && patch.description !== p.description)
        next.description = patch.description
      if (patch.tags !== undefined) {
        const tags = JSON.stringify(uniqueTags(patch.tags))
        if (tags !== p.tags) next.tags = tags
      }
      if (patch.settings !== undefined) {
        const settings = JSON.stringify(patch.settings)
        if (settings !== p.settings) next.settings = settings
      }
      if (patch.archived !== undefined && patch.archived !== Boolean(p.archived))
        next.archived = patch.archived
      // An edit that changes nothing does not move updatedAt.
      if (Object.keys(next).length === 0) return toProject(p)
      const diff = fieldDiff({ ...p, archived: Boolean(p.archived) }, next, Object.keys(next))
      const operation =
        Object.keys(next).length === 1 && next.archived !== undefined
          ? next.archived
            ? 'archive'
            : 'unarchive'
          : 'update'
      Object.assign(p, next, { updatedAt: nowIso() })
      return toProject(await saveLogged(by, p, operation, diff))
    })

  return {
    list: async (includeArchived: boolean): Promise<Project[]> =>
      (await repo().list(includeArchived)).map(toProject),
    get: async (id: string): Promise<Project> => toProject(await mustGet(id)),
    create: (input: ProjectCreate, by: ChangeCaller): Promise<Project> =>
      ctx.db.writes.run('projects.create', async () => {
        await assertNameFree(input.name)
        const now = nowIso()
        const p = Object.assign(new ProjectEntity(), {
          id: randomUUID(),
          name: input.name,
          description: input.description,
          tags: JSON.stringify(uniqueTags(input.tags)),
          settings: JSON.stringify(input.settings),
          archived: false,
          createdAt: now,
          updatedAt: now,
        })
        const { name, description, tags } = input
        return toProject(await saveLogged(by, p, 'create', { name, description, tags }))
      }),
    update: (id: string, patch: ProjectPatch, by: ChangeCaller) =>
      update('projects.update', id, patch, by),
    setArchived: (id: string, archived: boolean, by: ChangeCaller) =>
      update(archived ? 'projects.archive' : 'projects.unarchive', id, { archived }, by),
    /** Deletes the project; its indicators are kept, detached (ON DELETE SET NULL). */
    delete: (id: string, by: ChangeCaller): Promise<{ detached: number }> =>
      ctx.db.writes.run('projects.delete', async () => {
        const p = await mustGet(id)
        const detached = countProjectIndicators(ctx.db.sqlite, id)
        await ctx.db.dataSource.transaction(async (m) => {
          await createProjectsRepository(m).delete(id)
          ctx.changes.record(by, {
            entity: 'project',
            entityId: id,
            operation: 'delete',
            changes: { name: p.name, detachedIndicators: detached },
          })
        })
        if (detached > 0) ctx.events.emit('indicators.onDidChange', { kind: 'bulk' })
        return { detached }
      }),
    stats: async (id: string): Promise<ProjectStats> => {
      await mustGet(id)
      const now = ctx.clock.now()
      const since = new Date(now.getTime() - PROJECT_RECENT_DAYS * 86_400_000)
      return {
        ...projectStats(ctx.db.sqlite, id, since.toISOString()),
        ...intelProjectStats(ctx.db.sqlite, id, now, PROJECT_RECENT_DAYS),
      }
    },
  }
}
export type ProjectsService = ReturnType<typeof createProjectsService>
