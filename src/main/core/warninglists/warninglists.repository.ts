import type BetterSqlite3 from 'better-sqlite3'

/** A row of `warninglists` (migration 0011) without its content. */
export type WarninglistRow = {
  id: string
  name: string
  source: 'builtin' | 'imported'
  enabled: number
  description: string
  version: number
  type: string
  category: string
  matching_attributes: string | null
  entry_count: number
  created_at: string
  updated_at: string
}

/** What a row is written from (an imported list's content, or a built-in's header with content null). */
export type WarninglistWrite = Omit<WarninglistRow, 'enabled'> & {
  enabled: boolean
  content: string | null
}

export type StoredHit = { listId: string; entry: string; matchedAt: string }

const COLUMNS = `id, name, source, enabled, description, version, type, category, matching_attributes,
  entry_count, created_at, updated_at`

/** The SQL of warninglists and their hits, on the main connection (writes inside the write queue). */
export const createWarninglistsRepository = (sqlite: BetterSqlite3.Database) => {
  const all = sqlite.prepare<[], WarninglistRow>(
    `SELECT ${COLUMNS} FROM warninglists ORDER BY created_at, name`,
  )
  const byId = sqlite.prepare<[string], WarninglistRow>(
    `SELECT ${COLUMNS} FROM warninglists WHERE id = ?`,
  )
  const byName = sqlite.prepare<[string], WarninglistRow>(
    `SELECT ${COLUMNS} FROM warninglists WHERE name = ?`,
  )
  const content = sqlite
    .prepare<[string], string | null>('SELECT content FROM warninglists WHERE id = ?')
    .pluck()
  const signature = sqlite
    .prepare<[], string>(
      `SELECT count(*) || '|' || coalesce(max(updated_at), '') || '|' || coalesce(sum(enabled), 0)
       FROM warninglists`,
    )
    .pluck()
  const upsert = sqlite.prepare(
    `INSERT INTO warninglists (${COLUMNS}, content)
     VALUES (@id, @name, @source, @enabled, @description, @version, @type, @category,
       @matching_attributes, @entry_count, @created_at, @updated_at, @content)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled,
       description = excluded.description, version = excluded.version, type = excluded.type,
       category = excluded.category, matching_attributes = excluded.matching_attributes,
       entry_count = excluded.entry_count, updated_at = excluded.updated_at, content = excluded.content`,
  )
  const setEnabled = sqlite.prepare<[number, string, string]>(
    'UPDATE warninglists SET enabled = ?, updated_at = ? WHERE id = ?',
  )
  const remove = sqlite.prepare<[string]>('DELETE FROM warninglists WHERE id = ?')
  // The count first, while the hits still say which indicators to touch. scored_at goes null so the
  // rescoring job takes the new count in.
  const uncount = sqlite.prepare<[string]>(
    `UPDATE indicators SET warninglist_hits = max(warninglist_hits - 1, 0), scored_at = NULL
     WHERE rowid IN (SELECT indicator_rowid FROM indicator_warninglist_hits WHERE list_id = ?)`,
  )
  const dropHits = sqlite.prepare<[string]>(
    'DELETE FROM indicator_warninglist_hits WHERE list_id = ?',
  )
  const hitsOf = sqlite.prepare<[string], StoredHit>(
    `SELECT list_id AS listId, entry, matched_at AS matchedAt FROM indicator_warninglist_hits
     WHERE indicator_rowid = (SELECT rowid FROM indicators WHERE id = ?)`,
  )

  return {
    all: (): WarninglistRow[] => all.all(),
    get: (id: string): WarninglistRow | undefined => byId.get(id),
    getByName: (name: string): WarninglistRow | undefined => byName.get(name),
    content: (id: string): string | null => content.get(id) ?? null,
    /** Changes whenever a list is added, removed, changed or switched (by any process). */
    signature: (): string => signature.get() ?? '',
    upsert: (w: WarninglistWrite): void => {
      upsert.run({ ...w, enabled: w.enabled ? 1 : 0 })
    },
    setEnabled: (id: string, enabled: boolean, nowIso: string): void => {
      setEnabled.run(enabled ? 1 : 0, nowIso, id)
    },
    remove: (id: string): void => {
      remove.run(id)
    },
    /** Takes a list's hits off every indicator; returns how many indicators lost one. */
    dropHitsOf: (listId: string): number => {
      const n = uncount.run(listId).changes
      dropHits.run(listId)
      return n
    },
    hitsOf: (indicatorId: string): StoredHit[] => hitsOf.all(indicatorId),
  }
}

export type WarninglistsRepository = ReturnType<typeof createWarninglistsRepository>
