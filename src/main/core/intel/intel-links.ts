import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { IndicatorLink, RelationshipView } from '#shared/contract/intel.contract'
import type { Indicator } from '#shared/contract/indicators.contract'
import { indicatorId } from '../indicators/indicator-id.node'
import { INDICATOR_SELECT, rowToIndicator, type IndicatorRow } from '../indicators/indicator-row'
import type { IntelGraph } from './intel-graph'
import { CVE_EDGE, CONTAINS, VULNERABILITIES_BY_CVE_SQL } from './intel-graph'
import { rowToRelationship } from './intel-relationships'
import { jsonObject } from './intel-row'

/**
 * An entity's indicators, keyset on the indicator's rowid: the refs come from the relationships both ways
 * and a vulnerability's CVE (few per entity), each looked up by the indicators' id index.
 */
export const LINKED_INDICATORS_SQL = `SELECT ${INDICATOR_SELECT} FROM (
    SELECT target_ref AS ref FROM intel_relationships WHERE source_ref = ? AND target_kind = 'indicator'
    UNION SELECT source_ref FROM intel_relationships WHERE target_ref = ? AND source_kind = 'indicator'
    UNION SELECT id FROM indicators WHERE id = ? AND type = 'cve' AND value = ?
  ) AS linked JOIN indicators ON indicators.id = linked.ref
  WHERE indicators.rowid > ? ORDER BY indicators.rowid LIMIT ?`

/** A report's indicators in the order they were attached, keyset on the position (its index). */
export const REPORT_INDICATORS_SQL = `SELECT ${INDICATOR_SELECT}, report_objects.position AS position
  FROM report_objects JOIN indicators ON indicators.id = report_objects.object_ref
  WHERE report_objects.report_id = ? AND report_objects.object_kind = 'indicator'
    AND (report_objects.position, report_objects.object_ref) > (?, ?)
  ORDER BY report_objects.position, report_objects.object_ref LIMIT ?`

/** Cursors are [number, text]: (rowid, '') for related indicators, (position, ref) for a report's. */
const encode = (n: number, s = '') => Buffer.from(JSON.stringify([n, s])).toString('base64url')
const decode = (cursor: string | undefined): [number, string] => {
  if (cursor === undefined) return [Number.MIN_SAFE_INTEGER, '']
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string')
      return [v[0], v[1]]
  } catch {
    // reported below
  }
  throw new AppError('invalid_input', 'cursor: not a cursor this list returned', {
    field: 'cursor',
  })
}

export const createIntelLinks = (sqlite: BetterSqlite3.Database, graph: IntelGraph) => {
  const entity = sqlite.prepare<[string], { id: string; kind: string; details: string }>(
    'SELECT id, kind, details FROM intel_entities WHERE id = ?',
  )
  const linked = sqlite.prepare<
    [string, string, string | null, string | null, number, number],
    IndicatorRow
  >(LINKED_INDICATORS_SQL)
  const reportIndicators = sqlite.prepare<
    [string, number, string, number],
    IndicatorRow & { position: number }
  >(REPORT_INDICATORS_SQL)
  const reportsOf = sqlite
    .prepare<[string, number], string>(
      'SELECT report_id FROM report_objects WHERE object_ref = ? ORDER BY report_id LIMIT ?',
    )
    .pluck()
  const vulnsByCve = sqlite.prepare<[string, number], string>(VULNERABILITIES_BY_CVE_SQL).pluck()

  const mustEntity = (id: string, field: string) => {
    const row = entity.get(id)
    if (row === undefined) {
      throw new AppError('not_found', `${field}: no intel entity has id ${id}`, { field })
    }
    return row
  }

  const listRelationships = (ref: string, limit: number) => {
    graph.refs.must(ref, 'ref')
    const rows = [...graph.rels.from(ref, limit + 1), ...graph.rels.to(ref, limit + 1)]
    const truncated = rows.length > limit
    const kept = rows.slice(0, limit)
    const nodes = graph.refs.many(kept.flatMap((r) => [r.source_ref, r.target_ref]))
    const items: RelationshipView[] = kept.map((r) => ({
      ...rowToRelationship(r),
      sourceNode: nodes.get(r.source_ref) ?? null,
      targetNode: nodes.get(r.target_ref) ?? null,
    }))
    return { items, truncated }
  }

  const forIndicator = (indicatorId: string, limit: number) => {
    const ind = graph.refs.one(indicatorId)
    if (ind === undefined || ind.kind !== 'indicator') {
      throw new AppError('not_found', `indicatorId: no indicator has id ${indicatorId}`, {
        field: 'indicatorId',
      })
    }
    type Draft = Omit<IndicatorLink, 'ref' | 'kind' | 'label' | 'tlp'> & { ref: string }
    const drafts: Draft[] = []
    for (const r of graph.rels.from(indicatorId, limit + 1)) {
      drafts.push({
        ref: r.target_ref,
        via: 'relationship',
        relationshipType: r.relationship_type,
        indicatorIs: 'source',
      })
    }
    for (const r of graph.rels.to(indicatorId, limit + 1)) {
      drafts.push({
        ref: r.source_ref,
        via: 'relationship',
        relationshipType: r.relationship_type,
        indicatorIs: 'target',
      })
    }
    for (const report of reportsOf.all(indicatorId, limit + 1)) {
      drafts.push({ ref: report, via: 'report', relationshipType: CONTAINS, indicatorIs: null })
    }
    if (ind.type === 'cve') {
      for (const vuln of vulnsByCve.all(ind.label.toUpperCase(), limit + 1)) {
        drafts.push({ ref: vuln, via: 'cve', relationshipType: CVE_EDGE, indicatorIs: null })
      }
    }
    const nodes = graph.refs.many(drafts.map((d) => d.ref))
    const items: IndicatorLink[] = []
    for (const d of drafts) {
      const node = nodes.get(d.ref)
      // Indicator-to-indicator edges are not entities: the indicator's own related view shows those.
      if (node === undefined || node.kind === 'indicator') continue
      items.push({
        ...node,
        via: d.via,
        relationshipType: d.relationshipType,
        indicatorIs: d.indicatorIs,
      })
    }
    return { items: items.slice(0, limit), truncated: items.length > limit }
  }

  const linkedIndicators = (
    id: string,
    limit: number,
    cursor: string | undefined,
  ): { items: Indicator[]; nextCursor: string | null } => {
    const e = mustEntity(id, 'id')
    const [after, afterRef] = decode(cursor)
    if (e.kind === 'report') {
      const rows = reportIndicators.all(id, after, afterRef, limit + 1)
      const more = rows.length > limit
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      return {
        items: page.map(rowToIndicator),
        nextCursor: more && last ? encode(last.position, last.id) : null,
      }
    }
    const raw = e.kind === 'vulnerability' ? jsonObject(e.details).cveId : null
    const cve = typeof raw === 'string' ? raw.toUpperCase() : null
    const rows = linked.all(
      id,
      id,
      cve === null ? null : indicatorId('cve', cve),
      cve,
      after,
      limit + 1,
    )
    const more = rows.length > limit
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return { items: page.map(rowToIndicator), nextCursor: more && last ? encode(last.rowid) : null }
  }

  return { listRelationships, forIndicator, linkedIndicators }
}
export type IntelLinks = ReturnType<typeof createIntelLinks>
