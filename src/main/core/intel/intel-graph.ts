import type BetterSqlite3 from 'better-sqlite3'
import type { IntelEdge, IntelNode, Neighbours } from '#shared/contract/intel.contract'
import { intelNameKey, type IntelRefKind } from '#shared/contract/intel.schemas'
import { indicatorId } from '../indicators/indicator-id.node'
import type { IndicatorRepository } from '../indicators/indicators.repository'
import { escapeLike } from './intel.repository'
import { createRefResolver, kindAllowed } from './intel-refs'
import { createRelationshipsRepository } from './intel-relationships'
import { jsonObject } from './intel-row'

/** The report -> object edge type of report membership (STIX object_refs). */
export const CONTAINS = 'contains'
/** The edge between a `cve` indicator and the vulnerability with that CVE id. */
export const CVE_EDGE = 'related-to'

export const REPORT_CONTENTS_SQL = `SELECT object_ref, object_kind FROM report_objects
  WHERE report_id = ? ORDER BY object_kind, position, object_ref LIMIT ?`
export const REPORTS_CONTAINING_SQL = `SELECT report_id FROM report_objects WHERE object_ref = ?
  ORDER BY report_id LIMIT ?`
/** Indicator ids are derived from type and value: the cve indicator of a CVE id is one primary-key seek. */
export const CVE_INDICATORS_SQL = `SELECT id FROM indicators WHERE id = ? AND type = 'cve' AND value = ?`
/** Vulnerabilities are far fewer than indicators: one pass over them by the kind index. */
export const VULNERABILITIES_BY_CVE_SQL = `SELECT id FROM intel_entities
  WHERE kind = 'vulnerability' AND json_extract(details, '$.cveId') = ? ORDER BY id LIMIT ?`

export type NeighboursQuery = {
  ref: string
  kinds?: IntelRefKind[]
  relationshipTypes?: string[]
  limit: number
}

export const createIntelGraph = (
  sqlite: BetterSqlite3.Database,
  indicators: IndicatorRepository,
) => {
  const refs = createRefResolver(sqlite)
  const rels = createRelationshipsRepository(sqlite)
  const reportContents = sqlite.prepare<
    [string, number],
    { object_ref: string; object_kind: string }
  >(REPORT_CONTENTS_SQL)
  const reportsContaining = sqlite.prepare<[string, number], string>(REPORTS_CONTAINING_SQL).pluck()
  const cveIndicator = sqlite.prepare<[string, string], string>(CVE_INDICATORS_SQL).pluck()
  const vulnsByCve = sqlite.prepare<[string, number], string>(VULNERABILITIES_BY_CVE_SQL).pluck()
  const details = sqlite
    .prepare<[string], string>('SELECT details FROM intel_entities WHERE id = ?')
    .pluck()

  /** The CVE id of a vulnerability entity, if it has one. */
  const cveOf = (id: string): string | null => {
    const text = details.get(id)
    const cve = text === undefined ? undefined : jsonObject(text).cveId
    return typeof cve === 'string' && cve !== '' ? cve.toUpperCase() : null
  }

  /** Every edge at the center, at most `cap` of each sort (the caller cuts to its limit). */
  const edgesAt = (center: IntelNode, q: NeighboursQuery, cap: number): IntelEdge[] => {
    const typeAllowed = (t: string) =>
      q.relationshipTypes === undefined || q.relationshipTypes.includes(t)
    const edges: IntelEdge[] = []
    for (const r of [...rels.from(center.ref, cap), ...rels.to(center.ref, cap)]) {
      if (!typeAllowed(r.relationship_type)) continue
      edges.push({
        id: r.id,
        source: r.source_ref,
        target: r.target_ref,
        type: r.relationship_type,
      })
    }
    if (typeAllowed(CONTAINS)) {
      if (center.kind === 'report') {
        for (const o of reportContents.all(center.ref, cap)) {
          const id = `${CONTAINS}:${center.ref}:${o.object_ref}`
          edges.push({ id, source: center.ref, target: o.object_ref, type: CONTAINS })
        }
      }
      for (const report of reportsContaining.all(center.ref, cap)) {
        const id = `${CONTAINS}:${report}:${center.ref}`
        edges.push({ id, source: report, target: center.ref, type: CONTAINS })
      }
    }
    if (typeAllowed(CVE_EDGE)) {
      if (center.kind === 'vulnerability') {
        const cve = cveOf(center.ref)
        const ind = cve === null ? undefined : cveIndicator.get(indicatorId('cve', cve), cve)
        if (ind !== undefined) {
          const id = `cve:${center.ref}:${ind}`
          edges.push({ id, source: ind, target: center.ref, type: CVE_EDGE })
        }
      } else if (center.kind === 'indicator' && center.type === 'cve') {
        for (const vuln of vulnsByCve.all(center.label.toUpperCase(), cap)) {
          const id = `cve:${vuln}:${center.ref}`
          edges.push({ id, source: center.ref, target: vuln, type: CVE_EDGE })
        }
      }
    }
    return edges
  }

  const neighbours = (q: NeighboursQuery): Neighbours => {
    const center = refs.must(q.ref, 'ref')
    const all = edgesAt(center, q, q.limit + 1)
    const otherOf = (e: IntelEdge) => (e.source === center.ref ? e.target : e.source)
    const known = refs.many(all.map(otherOf))
    const nodes = new Map<string, IntelNode>()
    const edges: IntelEdge[] = []
    const seen = new Set<string>()
    let truncated = false
    for (const e of all) {
      const node = known.get(otherOf(e))
      if (node === undefined || !kindAllowed(q.kinds, node.kind) || seen.has(e.id)) continue
      if (!nodes.has(node.ref) && nodes.size >= q.limit) {
        truncated = true
        continue
      }
      seen.add(e.id)
      nodes.set(node.ref, node)
      edges.push(e)
    }
    return { center, nodes: [...nodes.values()], edges, truncated }
  }

  const entityHits = sqlite.prepare<
    [string, string, number],
    { id: string; kind: string; name: string; tlp: string }
  >(
    `SELECT e.id, e.kind, e.name, e.tlp, max(a.name_key = ?) AS exact FROM intel_aliases a
     JOIN intel_entities e ON e.id = a.entity_id WHERE a.name_key LIKE ? ESCAPE '\\'
     GROUP BY e.id ORDER BY exact DESC, length(e.name), e.name, e.id LIMIT ?`,
  )

  /** Entities by folded name or alias (exact names first), then indicators by the search index. */
  const searchObjects = (q: { q: string; kinds?: IntelRefKind[]; limit: number }) => {
    const items: IntelNode[] = []
    const key = intelNameKey(q.q)
    const wantsEntities = q.kinds === undefined || q.kinds.some((k) => k !== 'indicator')
    if (key !== '' && wantsEntities) {
      // Over-fetch: hits of kinds the caller did not ask for are dropped below.
      for (const r of entityHits.all(key, `%${escapeLike(key)}%`, q.limit * 5)) {
        const node = refs.one(r.id)
        if (node !== undefined && kindAllowed(q.kinds, node.kind)) items.push(node)
        if (items.length >= q.limit) return { items }
      }
    }
    if (kindAllowed(q.kinds, 'indicator')) {
      const page = indicators.search({ q: q.q, limit: q.limit - items.length })
      const found = refs.many(page.rows.map((r) => r.id))
      for (const r of page.rows) {
        const node = found.get(r.id)
        if (node !== undefined) items.push(node)
      }
    }
    return { items }
  }

  return { refs, rels, neighbours, searchObjects }
}
export type IntelGraph = ReturnType<typeof createIntelGraph>
