import type BetterSqlite3 from 'better-sqlite3'

/**
 * The knowledge base as a reader sees it, without our random ids: entities by kind and name, edges and
 * report contents named by the entity's name or the indicator's value. Two imports that leave the same
 * knowledge give equal views.
 */
export type KnowledgeView = {
  entities: Record<string, unknown>[]
  relationships: string[]
  reportObjects: string[]
  aliases: string[]
  techniques: string[]
  pending: number
}

export const viewKnowledge = (db: BetterSqlite3.Database): KnowledgeView => {
  const nameOf = (ref: string, kind: string): string => {
    if (kind === 'attack-pattern') return ref
    if (kind === 'indicator') {
      const v = db
        .prepare<[string], string>('SELECT value FROM indicators WHERE id = ?')
        .pluck()
        .get(ref)
      return `indicator:${v ?? ref}`
    }
    const n = db
      .prepare<[string], string>('SELECT name FROM intel_entities WHERE id = ?')
      .pluck()
      .get(ref)
    return `${kind}:${n ?? ref}`
  }
  const entities = db
    .prepare<[], Record<string, unknown>>(
      `SELECT kind, name, aliases, description, stix_id, tlp, severity, confidence, first_seen, last_seen,
         techniques, sources, details, updated_at FROM intel_entities ORDER BY kind, name`,
    )
    .all()
    .map((e) => ({
      ...e,
      aliases: JSON.parse(String(e.aliases)) as unknown,
      techniques: JSON.parse(String(e.techniques)) as unknown,
      sources: JSON.parse(String(e.sources)) as unknown,
      details: JSON.parse(String(e.details)) as unknown,
    }))
  const relationships = db
    .prepare<
      [],
      {
        relationship_type: string
        source_ref: string
        source_kind: string
        target_ref: string
        target_kind: string
        confidence: number | null
      }
    >('SELECT * FROM intel_relationships')
    .all()
    .map(
      (r) =>
        `${nameOf(r.source_ref, r.source_kind)} -${r.relationship_type}-> ${nameOf(r.target_ref, r.target_kind)}`,
    )
    .sort()
  const reportObjects = db
    .prepare<[], { report_id: string; object_ref: string; object_kind: string }>(
      'SELECT * FROM report_objects',
    )
    .all()
    .map((o) => `${nameOf(o.report_id, 'report')} ∋ ${nameOf(o.object_ref, o.object_kind)}`)
    .sort()
  const aliases = db
    .prepare<[], { entity_id: string; kind: string; name_key: string }>(
      'SELECT * FROM intel_aliases',
    )
    .all()
    .map((a) => `${nameOf(a.entity_id, a.kind)} ~ ${a.name_key}`)
    .sort()
  const techniques = db
    .prepare<[], { entity_id: string; technique_id: string }>(
      `SELECT t.entity_id, t.technique_id, e.kind FROM intel_entity_techniques t
       JOIN intel_entities e ON e.id = t.entity_id`,
    )
    .all()
    .map(
      (t) =>
        `${nameOf(t.entity_id, (t as unknown as { kind: string }).kind)} uses ${t.technique_id}`,
    )
    .sort()
  const pending =
    db.prepare<[], number>('SELECT count(*) FROM intel_pending_refs').pluck().get() ?? 0
  return { entities, relationships, reportObjects, aliases, techniques, pending }
}

export const entityNamed = (view: KnowledgeView, kind: string, name: string) =>
  view.entities.find((e) => e.kind === kind && e.name === name)
