import type BetterSqlite3 from 'better-sqlite3'

/**
 * An indicator's warninglist hits as they travel with a prepared row: JSON `[[listId, listName, entry], ...]`
 * (null or absent: none). The ingest screen writes it, the bulk writer and the rescan job store it.
 */
export type WarninglistMatchesJson = string

/** The hits of one indicator in indicator_warninglist_hits (migration 0011), replaced whole. */
export type WarninglistHitWriter = {
  /** Deletes the indicator's stored hits and inserts `matches`; in the caller's transaction. */
  replace(indicatorId: string, matches: WarninglistMatchesJson | null, nowIso: string): void
}

export const createWarninglistHitWriter = (
  sqlite: BetterSqlite3.Database,
): WarninglistHitWriter => {
  const del = sqlite.prepare<[string]>(
    'DELETE FROM indicator_warninglist_hits WHERE indicator_id = ?',
  )
  const insert = sqlite.prepare<[string, string, string, string, string]>(
    `INSERT INTO indicator_warninglist_hits (indicator_id, list_id, list_name, entry, matched_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (indicator_id, list_id) DO NOTHING`,
  )
  return {
    replace(indicatorId, matches, nowIso) {
      del.run(indicatorId)
      if (matches === null) return
      for (const [listId, listName, entry] of JSON.parse(matches) as [string, string, string][]) {
        insert.run(indicatorId, listId, listName, entry, nowIso)
      }
    },
  }
}
