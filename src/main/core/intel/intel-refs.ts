import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { IntelNode } from '#shared/contract/intel.contract'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import { asTlp, isIntelKind } from './intel-row'

type EntityRef = { id: string; kind: string; name: string; tlp: string }
type IndicatorRef = { id: string; type: string; value: string; tlp: string; score: number }

/** SQLite's default bound on host parameters is far above this; chunks keep each statement small. */
const CHUNK = 500

const entityNode = (r: EntityRef): IntelNode => ({
  ref: r.id,
  kind: isIntelKind(r.kind) ? r.kind : 'threat-actor',
  label: r.name,
  tlp: asTlp(r.tlp),
})

const indicatorNode = (r: IndicatorRef): IntelNode => ({
  ref: r.id,
  kind: 'indicator',
  label: r.value,
  tlp: asTlp(r.tlp),
  score: r.score,
  type: r.type,
})

/**
 * Turns our ids (an entity's or an indicator's) into graph nodes. Relationships and report contents point
 * into two tables; a ref whose object is gone resolves to nothing and its edge is left out.
 */
export const createRefResolver = (sqlite: BetterSqlite3.Database) => {
  const entity = sqlite.prepare<[string], EntityRef>(
    'SELECT id, kind, name, tlp FROM intel_entities WHERE id = ?',
  )
  const indicator = sqlite.prepare<[string], IndicatorRef>(
    'SELECT id, type, value, tlp, score FROM indicators WHERE id = ?',
  )
  const one = (ref: string): IntelNode | undefined => {
    const e = entity.get(ref)
    if (e !== undefined) return entityNode(e)
    const i = indicator.get(ref)
    return i === undefined ? undefined : indicatorNode(i)
  }
  return {
    one,
    /** The node of a ref the caller named; not_found naming the field otherwise. */
    must: (ref: string, field: string): IntelNode => {
      const node = one(ref)
      if (node === undefined) {
        throw new AppError('not_found', `${field}: no entity or indicator has id ${ref}`, {
          field,
          ref,
        })
      }
      return node
    },
    many: (refs: readonly string[]): Map<string, IntelNode> => {
      const out = new Map<string, IntelNode>()
      const unique = [...new Set(refs)]
      for (let i = 0; i < unique.length; i += CHUNK) {
        const chunk = unique.slice(i, i + CHUNK)
        const marks = chunk.map(() => '?').join(', ')
        for (const r of sqlite
          .prepare<string[], EntityRef>(
            `SELECT id, kind, name, tlp FROM intel_entities WHERE id IN (${marks})`,
          )
          .all(...chunk))
          out.set(r.id, entityNode(r))
        const rest = chunk.filter((ref) => !out.has(ref))
        if (rest.length === 0) continue
        for (const r of sqlite
          .prepare<string[], IndicatorRef>(
            `SELECT id, type, value, tlp, score FROM indicators WHERE id IN (${rest.map(() => '?').join(', ')})`,
          )
          .all(...rest))
          out.set(r.id, indicatorNode(r))
      }
      return out
    },
  }
}
export type RefResolver = ReturnType<typeof createRefResolver>

export const kindAllowed = (kinds: readonly IntelRefKind[] | undefined, kind: IntelRefKind) =>
  kinds === undefined || kinds.includes(kind)
