import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { IntelFilter } from '#shared/contract/intel.contract'
import { intelNameKey } from '#shared/contract/intel.schemas'
import type { IntelRow } from './intel-row'

const COLUMNS = `id, kind, name, name_key, aliases, description, stix_id, project_id, tlp, severity,
  confidence, first_seen, last_seen, techniques, sources, details, created_at, updated_at`

export const INTEL_BY_ID_SQL = `SELECT ${COLUMNS} FROM intel_entities WHERE id = ?`
const BY_STIX_ID_SQL = 'SELECT id, name FROM intel_entities WHERE stix_id = ?'

const INSERT_SQL = `INSERT INTO intel_entities (${COLUMNS}) VALUES (@id, @kind, @name, @name_key,
  @aliases, @description, @stix_id, @project_id, @tlp, @severity, @confidence, @first_seen, @last_seen,
  @techniques, @sources, @details, @created_at, @updated_at)`

const UPDATE_SQL = `UPDATE intel_entities SET name = @name, name_key = @name_key, aliases = @aliases,
  description = @description, stix_id = @stix_id, project_id = @project_id, tlp = @tlp,
  severity = @severity, confidence = @confidence, first_seen = @first_seen, last_seen = @last_seen,
  techniques = @techniques, sources = @sources, details = @details, updated_at = @updated_at
WHERE id = @id`

/** Another entity of the kind that one of the keys already names (the oldest, if several). */
export const ALIAS_CONFLICT_SQL = `SELECT e.id, e.name, a.name_key AS key FROM intel_aliases a
  JOIN intel_entities e ON e.id = a.entity_id
  WHERE a.kind = ? AND a.name_key = ? AND a.entity_id <> ?
  ORDER BY e.created_at, e.id LIMIT 1`

/** name_key's width (migration 0016): folding (NFKC) can lengthen a name past it. */
export const NAME_KEY_MAX = 300

/** The stored key of a name: folded, cut to the column. */
export const storedNameKey = (name: string): string => intelNameKey(name).slice(0, NAME_KEY_MAX)

/** The folded name and aliases of an entity: its rows in intel_aliases. */
export const nameKeysOf = (name: string, aliases: readonly string[]): string[] => [
  ...new Set([name, ...aliases].map(storedNameKey).filter((k) => k !== '')),
]

/**
 * Rewrites an entity's rows in intel_aliases (its folded name and aliases) and intel_entity_techniques.
 * Every writer of intel_entities calls this after the row, in the same transaction: the dedupe by alias
 * and the filter by technique read these tables only.
 */
export const writeEntityIndexes = (
  sqlite: BetterSqlite3.Database,
  id: string,
  kind: string,
  name: string,
  aliases: readonly string[],
  techniques: readonly string[],
): void => {
  sqlite.prepare('DELETE FROM intel_aliases WHERE entity_id = ?').run(id)
  const alias = sqlite.prepare(
    'INSERT OR IGNORE INTO intel_aliases (entity_id, name_key, kind) VALUES (?, ?, ?)',
  )
  for (const key of nameKeysOf(name, aliases)) alias.run(id, key, kind)
  sqlite.prepare('DELETE FROM intel_entity_techniques WHERE entity_id = ?').run(id)
  const technique = sqlite.prepare(
    'INSERT OR IGNORE INTO intel_entity_techniques (entity_id, technique_id) VALUES (?, ?)',
  )
  for (const t of new Set(techniques)) technique.run(id, t)
}

/**
 * Deletes what points at an object (an entity or an indicator) from outside its own row: its relationships
 * and its place in reports. Relationship refs have no foreign key (they point into two tables), so every
 * deleter of an object calls this in the same transaction.
 */
export const deleteObjectLinks = (
  sqlite: BetterSqlite3.Database,
  ref: string,
): { relationships: number; reports: number } => ({
  relationships: sqlite
    .prepare('DELETE FROM intel_relationships WHERE source_ref = ? OR target_ref = ?')
    .run(ref, ref).changes,
  reports: sqlite.prepare('DELETE FROM report_objects WHERE object_ref = ?').run(ref).changes,
})

type Cursor = { updatedAt: string; id: string }

const encodeCursor = (r: IntelRow): string =>
  Buffer.from(JSON.stringify([r.updated_at, r.id])).toString('base64url')

const decodeCursor = (cursor: string): Cursor => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      return { updatedAt: v[0], id: v[1] }
  } catch {
    // reported below
  }
  throw new AppError('invalid_input', 'cursor: not a cursor this list returned', {
    field: 'cursor',
  })
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The WHERE clause of a list filter; `kind` first so the (kind, updated_at, id) index serves the order. */
export const intelWhere = (f: IntelFilter): { clauses: string[]; params: unknown[] } => {
  const clauses = ['kind = ?']
  const params: unknown[] = [f.kind]
  if (f.projectId !== undefined) {
    clauses.push('project_id = ?')
    params.push(f.projectId)
  }
  if (f.tlp !== undefined) {
    clauses.push(`tlp IN (${f.tlp.map(() => '?').join(', ')})`)
    params.push(...f.tlp)
  }
  if (f.published !== undefined) {
    clauses.push(`coalesce(json_extract(details, '$.published'), 0) = ?`)
    params.push(f.published ? 1 : 0)
  }
  if (f.technique !== undefined) {
    // The technique itself or any of its sub-techniques (T1059 -> T1059.001): a range on the index.
    clauses.push(`id IN (SELECT entity_id FROM intel_entity_techniques
      WHERE technique_id = ? OR (technique_id > ? AND technique_id < ?))`)
    params.push(f.technique, `${f.technique}.`, `${f.technique}/`)
  }
  const key = intelNameKey(f.q ?? '')
  if (key !== '') {
    clauses.push(`id IN (SELECT entity_id FROM intel_aliases
      WHERE kind = ? AND name_key LIKE ? ESCAPE '\\')`)
    params.push(f.kind, `%${escapeLike(key)}%`)
  }
  return { clauses, params }
}

export type IntelPage = { rows: IntelRow[]; nextCursor: string | null; total: number }

export const createIntelRepository = (sqlite: BetterSqlite3.Database) => {
  const byId = sqlite.prepare<[string], IntelRow>(INTEL_BY_ID_SQL)
  const byStixId = sqlite.prepare<[string], { id: string; name: string }>(BY_STIX_ID_SQL)
  const insert = sqlite.prepare<[IntelRow]>(INSERT_SQL)
  const update = sqlite.prepare<[IntelRow]>(UPDATE_SQL)
  const aliasConflict = sqlite.prepare<
    [string, string, string],
    { id: string; name: string; key: string }
  >(ALIAS_CONFLICT_SQL)
  const deleteEntity = sqlite.prepare('DELETE FROM intel_entities WHERE id = ?')
  return {
    byId: (id: string): IntelRow | undefined => byId.get(id),
    byStixId: (stixId: string) => byStixId.get(stixId),
    /** The first of `keys` that already names another entity of the kind. */
    conflict: (kind: string, keys: readonly string[], exceptId: string) => {
      for (const key of keys) {
        const hit = aliasConflict.get(kind, key, exceptId)
        if (hit !== undefined) return hit
      }
      return undefined
    },
    insert: (row: IntelRow): void => {
      insert.run(row)
    },
    update: (row: IntelRow): void => {
      update.run(row)
    },
    /** Deletes the entity, its edges and its place in reports; returns how many edges went with it. */
    remove: (id: string): { relationships: number; reports: number } => {
      const removed = deleteObjectLinks(sqlite, id)
      // Its aliases, techniques and (for a report) its contents go by ON DELETE CASCADE.
      deleteEntity.run(id)
      return removed
    },
    page: (opts: IntelFilter & { limit: number; cursor?: string }): IntelPage => {
      const where = intelWhere(opts)
      const total =
        sqlite
          .prepare<unknown[], number>(
            `SELECT count(*) FROM intel_entities WHERE ${where.clauses.join(' AND ')}`,
          )
          .pluck()
          .get(...where.params) ?? 0
      const clauses = [...where.clauses]
      const params = [...where.params]
      if (opts.cursor !== undefined) {
        const c = decodeCursor(opts.cursor)
        clauses.push('(updated_at, id) < (?, ?)')
        params.push(c.updatedAt, c.id)
      }
      const rows = sqlite
        .prepare<unknown[], IntelRow>(
          `SELECT ${COLUMNS} FROM intel_entities WHERE ${clauses.join(' AND ')}
           ORDER BY updated_at DESC, id DESC LIMIT ?`,
        )
        .all(...params, opts.limit + 1)
      const more = rows.length > opts.limit
      if (more) rows.pop()
      const last = rows.at(-1)
      return { rows, nextCursor: more && last ? encodeCursor(last) : null, total }
    },
  }
}
export type IntelRepository = ReturnType<typeof createIntelRepository>
