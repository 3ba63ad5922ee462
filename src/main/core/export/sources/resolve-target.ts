import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { ExportTarget } from '#shared/contract/export.schemas'
import type { IntelEntity, IntelRelationship, ThreatReport } from '#shared/contract/intel.schemas'
import { buildFilterWhere } from '../../indicators/indicator-query'
import { DEFAULT_EXPORT_SORT, type IndicatorScope } from './indicator-scope'
import {
  EXPORT_MAX_ENTITIES,
  createIntelReader,
  isEntityKind,
  type IntelReader,
} from './intel-rows'
import { targetText } from './target-text'

/** A target read from the database: everything an ExportSet holds but the indicator rows and their stats. */
export type ResolvedTarget = {
  title: string
  summary: string
  markdown: string | null
  targetText: string
  report: ThreatReport | null
  entities: IntelEntity[]
  relationships: IntelRelationship[]
  /** The indicators it holds; null when it holds none by nature (an entity list). */
  scope: IndicatorScope | null
}

/** A report's indicators as a filter on `indicators` (report_objects' primary key, then the id's). */
export const REPORT_INDICATORS_CLAUSE =
  "indicators.id IN (SELECT object_ref FROM report_objects WHERE report_id = ? AND object_kind = 'indicator')"

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** Objects a neighbourhood walk visits at most: a hub (a sandbox domain, a common tool) links to everything. */
export const NEIGHBOURHOOD_MAX_NODES = 20_000

const idsScope = (ids: readonly string[]): IndicatorScope => ({
  where: {
    clauses: ['indicators.id IN (SELECT value FROM json_each(?))'],
    params: [JSON.stringify(ids)],
  },
  sort: DEFAULT_EXPORT_SORT,
})

const resolveReport = (intel: IntelReader, id: string): ResolvedTarget => {
  const report = intel.entity(id)
  if (report === null || report.kind !== 'report') {
    throw new AppError('not_found', `target.id: no threat report ${id}`, { field: 'target.id' })
  }
  const entities = intel.reportEntities(id).filter((e) => e.id !== id)
  const refs = [id, ...intel.reportRefs(id)]
  return {
    title: report.name,
    summary: report.details.summary,
    markdown: report.details.content === '' ? null : report.details.content,
    targetText: `threat report "${report.name}"`,
    report,
    entities,
    relationships: intel.among(refs),
    scope: {
      where: {
        clauses: [REPORT_INDICATORS_CLAUSE],
        params: [id],
      },
      sort: DEFAULT_EXPORT_SORT,
    },
  }
}

/** Breadth-first over relationships, `hops` deep, bounded by NEIGHBOURHOOD_MAX_NODES. */
const resolveEntity = (intel: IntelReader, id: string, hops: 1 | 2): ResolvedTarget => {
  const start = intel.entity(id)
  if (start === null) {
    throw new AppError('not_found', `target.id: no intel entity ${id}`, { field: 'target.id' })
  }
  const kinds = new Map<string, string>([[id, start.kind]])
  let frontier = [id]
  for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
    const next: string[] = []
    for (const r of intel.touching(frontier)) {
      for (const [ref, kind] of [
        [r.sourceRef, r.sourceKind],
        [r.targetRef, r.targetKind],
      ] as const) {
        if (kinds.has(ref) || kinds.size >= NEIGHBOURHOOD_MAX_NODES) continue
        kinds.set(ref, kind)
        next.push(ref)
      }
    }
    frontier = next
  }
  const refs = [...kinds.keys()]
  const entityIds = refs.filter((r) => isEntityKind(kinds.get(r) ?? ''))
  const indicatorIds = refs.filter((r) => kinds.get(r) === 'indicator')
  const entities = [start, ...intel.entities(entityIds.filter((e) => e !== id))]
  const report = start.kind === 'report' ? start : null
  return {
    title: start.name,
    summary: start.description,
    markdown: report !== null && report.details.content !== '' ? report.details.content : null,
    targetText: `${start.kind} "${start.name}" and its relationships (${hops} hop${hops === 1 ? '' : 's'})`,
    report,
    entities,
    relationships: intel.among(refs),
    scope: idsScope(indicatorIds),
  }
}

const resolveProject = (
  sqlite: BetterSqlite3.Database,
  intel: IntelReader,
  id: string,
): ResolvedTarget => {
  const project = sqlite
    .prepare<[string], { name: string; description: string }>(
      'SELECT name, description FROM projects WHERE id = ?',
    )
    .get(id)
  if (project === undefined) {
    throw new AppError('not_found', `target.id: no project ${id}`, { field: 'target.id' })
  }
  const entityIds = sqlite
    .prepare<[string, number], string>(
      'SELECT id FROM intel_entities WHERE project_id = ? ORDER BY kind, name_key LIMIT ?',
    )
    .pluck()
    .all(id, EXPORT_MAX_ENTITIES)
  return {
    title: `Project: ${project.name}`,
    summary: project.description,
    markdown: null,
    targetText: `project "${project.name}"`,
    report: null,
    entities: intel.entities(entityIds),
    relationships: intel.among(entityIds),
    scope: { where: buildFilterWhere({ projectId: id }), sort: DEFAULT_EXPORT_SORT },
  }
}

export const resolveTarget = (
  sqlite: BetterSqlite3.Database,
  target: ExportTarget,
): ResolvedTarget => {
  const intel = createIntelReader(sqlite)
  switch (target.kind) {
    case 'indicators': {
      const text = targetText(target)
      return {
        title: capitalise(text),
        summary: `${capitalise(text)}, by ${target.sort.field} ${target.sort.dir === 'desc' ? 'descending' : 'ascending'}.`,
        markdown: null,
        targetText: text,
        report: null,
        entities: [],
        relationships: [],
        scope: { where: buildFilterWhere(target.filter), sort: target.sort },
      }
    }
    case 'report':
      return resolveReport(intel, target.id)
    case 'entity':
      return resolveEntity(intel, target.id, target.hops)
    case 'project':
      return resolveProject(sqlite, intel, target.id)
    case 'entities': {
      const entities = intel.list(target.entityKind, target.filter, EXPORT_MAX_ENTITIES)
      if (entities === null) {
        throw new AppError(
          'invalid_input',
          `target.filter: more than ${EXPORT_MAX_ENTITIES} ${target.entityKind} entities match; narrow the filter`,
          { field: 'target.filter' },
        )
      }
      const text = targetText(target)
      return {
        title: capitalise(text),
        summary: `${entities.length} ${text}.`,
        markdown: null,
        targetText: text,
        report: null,
        entities,
        relationships: intel.among(entities.map((e) => e.id)),
        scope: null,
      }
    }
  }
}
