import type BetterSqlite3 from 'better-sqlite3'
import type { EntityManager } from 'typeorm'
import type { ProjectStats } from '#shared/contract/projects.contract'
import { ProjectEntity } from '../db/entities/project.entity'

/** Ordinary CRUD through TypeORM (projects are few); the stats query is raw SQL over the indicators. */
export const createProjectsRepository = (manager: EntityManager) => {
  const repo = manager.getRepository(ProjectEntity)
  return {
    list: (includeArchived: boolean): Promise<ProjectEntity[]> =>
      repo.find({
        where: includeArchived ? {} : { archived: false },
        order: { name: 'ASC', id: 'ASC' },
      }),
    byId: (id: string): Promise<ProjectEntity | null> => repo.findOneBy({ id }),
    byName: (name: string): Promise<ProjectEntity | null> => repo.findOneBy({ name }),
    save: (p: ProjectEntity): Promise<ProjectEntity> => repo.save(p),
    delete: async (id: string): Promise<void> => {
      await repo.delete({ id })
    },
  }
}

type StatsGroup = {
  type: string
  severity: string
  n: number
  active: number
  fp: number
  last: string | null
}

/** One pass over the project's indicators (the partial project_id index), grouped by type and severity. */
export const PROJECT_STATS_SQL = `SELECT type, severity, count(*) AS n, sum(active) AS active,
  sum(false_positive) AS fp, max(updated_at) AS last
FROM indicators WHERE project_id = ? GROUP BY type, severity`

export const projectStats = (sqlite: BetterSqlite3.Database, projectId: string): ProjectStats => {
  const groups = sqlite.prepare<[string], StatsGroup>(PROJECT_STATS_SQL).all(projectId)
  const stats: ProjectStats = {
    projectId,
    indicatorCount: 0,
    activeCount: 0,
    falsePositiveCount: 0,
    byType: {},
    bySeverity: {},
    lastActivity: null,
  }
  for (const g of groups) {
    stats.indicatorCount += g.n
    stats.activeCount += g.active
    stats.falsePositiveCount += g.fp
    stats.byType[g.type] = (stats.byType[g.type] ?? 0) + g.n
    stats.bySeverity[g.severity] = (stats.bySeverity[g.severity] ?? 0) + g.n
    if (g.last !== null && (stats.lastActivity === null || g.last > stats.lastActivity))
      stats.lastActivity = g.last
  }
  return stats
}
