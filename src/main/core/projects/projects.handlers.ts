import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import type { AuditOperation } from '#shared/contract/audit.contract'
import type { Project } from '#shared/contract/projects.contract'
import type { ChangeCaller } from '../audit/change-caller'
import { callerOf } from '../audit/change-log'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { ProjectEntity } from '../db/entities/project.entity'
import type { HandlerMap } from '../rpc/handlers'
import { createProjectsRepository, projectStats } from './projects.repository'

type ProjectMethod =
  | 'projects.list'
  | 'projects.get'
  | 'projects.create'
  | 'projects.update'
  | 'projects.delete'
  | 'projects.archive'
  | 'projects.unarchive'
  | 'projects.stats'

const toProject = (p: ProjectEntity): Project => ({
  id: p.id,
  name: p.name,
  description: p.description,
  archived: Boolean(p.archived),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
})

export const createProjectHandlers = (ctx: CoreContext): HandlerMap<ProjectMethod> => {
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
    operation: AuditOperation,
    changes: Record<string, unknown>,
  ): Promise<ProjectEntity> =>
    ctx.db.dataSource.transaction(async (m) => {
      const saved = await createProjectsRepository(m).save(p)
      ctx.changes.record(by, { entity: 'project', entityId: p.id, operation, changes })
      return saved
    })

  const setArchived = (by: ChangeCaller, label: string, id: string, archived: boolean) =>
    ctx.db.writes.run(label, async () => {
      const p = await mustGet(id)
      if (Boolean(p.archived) === archived) return toProject(p)
      p.archived = archived
      p.updatedAt = nowIso()
      return toProject(
        await saveLogged(by, p, archived ? 'archive' : 'unarchive', {
          archived: { before: !archived, after: archived },
        }),
      )
    })

  return {
    'projects.list': async ({ includeArchived }) => ({
      items: (await repo().list(includeArchived)).map(toProject),
    }),
    'projects.get': async ({ id }) => toProject(await mustGet(id)),
    'projects.create': ({ name, description }, call) =>
      ctx.db.writes.run('projects.create', async () => {
        await assertNameFree(name)
        const now = nowIso()
        const p = Object.assign(new ProjectEntity(), {
          id: randomUUID(),
          name,
          description,
          archived: false,
          createdAt: now,
          updatedAt: now,
        })
        return toProject(await saveLogged(callerOf(call), p, 'create', { name, description }))
      }),
    'projects.update': ({ id, patch }, call) =>
      ctx.db.writes.run('projects.update', async () => {
        const p = await mustGet(id)
        if (patch.name !== undefined && patch.name !== p.name) await assertNameFree(patch.name, id)
        const next = { name: patch.name ?? p.name, description: patch.description ?? p.description }
        if (next.name === p.name && next.description === p.description) return toProject(p)
        const diff = fieldDiff({ name: p.name, description: p.description }, next)
        Object.assign(p, next, { updatedAt: nowIso() })
        return toProject(await saveLogged(callerOf(call), p, 'update', diff))
      }),
    'projects.delete': ({ id }, call) =>
      ctx.db.writes.run('projects.delete', async () => {
        const p = await mustGet(id)
        // ON DELETE SET NULL detaches the project's indicators; they are kept.
        const detached = ctx.db.sqlite
          .prepare('SELECT count(*) FROM indicators WHERE project_id = ?')
          .pluck()
          .get(id) as number
        await ctx.db.dataSource.transaction(async (m) => {
          await createProjectsRepository(m).delete(id)
          ctx.changes.record(callerOf(call), {
            entity: 'project',
            entityId: id,
            operation: 'delete',
            changes: { name: p.name, detachedIndicators: detached },
          })
        })
        if (detached > 0) ctx.events.emit('indicators.onDidChange', { kind: 'bulk' })
        return { ok: true as const }
      }),
    'projects.archive': ({ id }, call) => setArchived(callerOf(call), 'projects.archive', id, true),
    'projects.unarchive': ({ id }, call) =>
      setArchived(callerOf(call), 'projects.unarchive', id, false),
    'projects.stats': async ({ id }) => {
      await mustGet(id)
      return projectStats(ctx.db.sqlite, id)
    },
  }
}
