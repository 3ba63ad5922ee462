import type BetterSqlite3 from 'better-sqlite3'
import type { EntityManager } from 'typeorm'
import type { ProjectStats } from '#shared/contract/projects.contract'
import { ProjectEntity } from '../db/entities/project.entity'

/** Ordinary CRUD through TypeORM (projects are few); the stats queries are raw SQL over the indicators. */
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
export type ProjectsRepository = ReturnType<typeof createProjectsRepository>

type StatsGroup = {
  type: string
  severity: string
  n: number
  active: number
  fp: number
  last: string | null
  activeScore: number | null
}

/** One pass over the project's indicators (the partial project_id index), grouped by type and severity. */
export const PROJECT_STATS_SQL = `SELECT type, severity, count(*) AS n, sum(active) AS active,
  sum(false_positive) AS fp, max(updated_at) AS last,
  sum(CASE WHEN active THEN score END) AS activeScore
FROM indicators WHERE project_id = ? GROUP BY type, severity`

/** Indicators of the project changed since a time (ISO text orders as time). */
export const PROJECT_RECENT_SQL = `SELECT count(*) FROM indicators WHERE project_id = ? AND updated_at >= ?`

/** Indicators a project deletion detaches (ON DELETE SET NULL keeps them). */
export const PROJECT_INDICATOR_COUNT_SQL = 'SELECT count(*) FROM indicators WHERE project_id = ?'

export const countProjectIndicators = (sqlite: BetterSqlite3.Database, projectId: string): number =>
  sqlite.prepare<[string], number>(PROJECT_INDICATOR_COUNT_SQL).pluck().get(projectId) ?? 0

export const projectStats = (
  sqlite: BetterSqlite3.Database,
  projectId: string,
  recentSinceIso: string,
): Omit<ProjectStats, 'intelCounts' | 'activity'> => {
  const groups = sqlite.prepare<[string], StatsGroup>(PROJECT_STATS_SQL).all(projectId)
  const recent =
    sqlite
      .prepare<[string, string], number>(PROJECT_RECENT_SQL)
      .pluck()
      .get(projectId, recentSinceIso) ?? 0
  const stats: Omit<ProjectStats, 'intelCounts' | 'activity'> = {
    projectId,
    totalIndicators: 0,
    activeCount: 0,
    falsePositiveCount: 0,
    recentActivityCount: recent,
    riskScore: null,
    byType: {},
    bySeverity: {},
    lastActivity: null,
  }
  let scoreSum = 0
  for (const g of groups) {
    stats.totalIndicators += g.n
    stats.activeCount += g.active
    stats.falsePositiveCount += g.fp
    scoreSum += g.activeScore ?? 0
    stats.byType[g.type] = (stats.byType[g.type] ?? 0) + g.n
    stats.bySeverity[g.severity] = (stats.bySeverity[g.severity] ?? 0) + g.n
    if (g.last !== null && (stats.lastActivity === null || g.last > stats.lastActivity))
      stats.lastActivity = g.last
  }
  if (stats.activeCount > 0) stats.riskScore = Math.round((scoreSum / stats.activeCount) * 10) / 10
  return stats
}
