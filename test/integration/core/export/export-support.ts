import { randomUUID } from 'node:crypto'
import type { Core } from '#core/create-core'
import type { IntelKind, IntelRefKind } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'

const NOW = '2026-01-15T10:00:00.000Z'

export type SeedIndicator = {
  value: string
  type?: string
  score?: number
  severity?: string
  tlp?: Tlp
  firstSeen?: string | null
  description?: string
  projectId?: string | null
}

/**
 * Rows written straight into `indicators` through the write queue: many rows in one transaction, fast
 * enough for a large-export test. They are not in the search index (text filters use indicators.create).
 */
export const insertIndicators = async (
  core: Core,
  count: number,
  make: (i: number) => SeedIndicator,
): Promise<string[]> => {
  const ids: string[] = []
  await core.db.writes.run('test.seed-indicators', () => {
    const insert = core.db.sqlite.prepare(`INSERT INTO indicators (
      id, type, value, classification, confidence, severity, severity_rank, score, risk_level, tlp,
      first_seen, last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive,
      enrichment, project_id, analyst_fields, created_at, updated_at
    ) VALUES (?, ?, ?, 'malicious', 50, ?, 2, ?, 'medium', ?, ?, NULL, ?, '["t"]', '[]', '[]', 1, 0, NULL, ?, 0, ?, ?)`)
    core.db.sqlite.transaction(() => {
      for (let i = 0; i < count; i++) {
        const s = make(i)
        const id = randomUUID()
        ids.push(id)
        insert.run(
          id,
          s.type ?? 'domain',
          s.value,
          s.severity ?? 'medium',
          s.score ?? 50,
          s.tlp ?? 'green',
          s.firstSeen === undefined ? '2026-01-01T00:00:00.000Z' : s.firstSeen,
          s.description ?? '',
          s.projectId ?? null,
          NOW,
          NOW,
        )
      }
    })()
  })
  return ids
}

export const insertEntity = async (
  core: Core,
  e: {
    kind: IntelKind
    name: string
    tlp?: Tlp
    projectId?: string
    details?: object
    aliases?: string[]
  },
): Promise<string> => {
  const id = randomUUID()
  const key = (s: string) => s.toLowerCase()
  await core.db.writes.run('test.seed-entity', () => {
    core.db.sqlite
      .prepare(
        `INSERT INTO intel_entities (id, kind, name, name_key, aliases, description, tlp, project_id, details,
           techniques, sources, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '["T1059"]', '["analyst"]', ?, ?)`,
      )
      .run(
        id,
        e.kind,
        e.name,
        key(e.name),
        JSON.stringify(e.aliases ?? []),
        `About ${e.name}`,
        e.tlp ?? 'clear',
        e.projectId ?? null,
        JSON.stringify(e.details ?? {}),
        NOW,
        NOW,
      )
    const alias = core.db.sqlite.prepare(
      'INSERT INTO intel_aliases (entity_id, name_key, kind) VALUES (?, ?, ?)',
    )
    for (const n of [e.name, ...(e.aliases ?? [])]) alias.run(id, key(n), e.kind)
    core.db.sqlite
      .prepare('INSERT INTO intel_entity_techniques (entity_id, technique_id) VALUES (?, ?)')
      .run(id, 'T1059')
  })
  return id
}

export const relate = async (
  core: Core,
  source: [string, IntelRefKind],
  type: string,
  target: [string, IntelRefKind],
): Promise<void> => {
  await core.db.writes.run('test.seed-relationship', () => {
    core.db.sqlite
      .prepare(
        `INSERT INTO intel_relationships (id, relationship_type, source_ref, source_kind, target_ref,
           target_kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(randomUUID(), type, source[0], source[1], target[0], target[1], NOW, NOW)
  })
}

export const addToReport = async (
  core: Core,
  reportId: string,
  refs: [string, IntelRefKind][],
): Promise<void> => {
  await core.db.writes.run('test.seed-report', () => {
    const insert = core.db.sqlite.prepare(
      'INSERT INTO report_objects (report_id, object_ref, object_kind, position, added_at) VALUES (?, ?, ?, ?, ?)',
    )
    refs.forEach(([ref, kind], i) => insert.run(reportId, ref, kind, i, NOW))
  })
}
