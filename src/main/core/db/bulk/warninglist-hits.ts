import type BetterSqlite3 from 'better-sqlite3'

/**
 * An indicator's warninglist hits as they travel with a prepared row: JSON `[[listId, entry], ...]` (null or
 * absent: none). The ingest screen writes it, the bulk writer and the rescan job store it.
 */
export type WarninglistMatchesJson = string

/**
 * The hits of one indicator in indicator_warninglist_hits (migration 0011), keyed by the indicator's rowid
 * (new indicators' hits append), in the caller's transaction.
 */
export type WarninglistHitWriter = {
  /** Hits of an indicator that has none yet (one this transaction inserted). */
  insert(id: string, rowid: number, matches: WarninglistMatchesJson, nowIso: string): void
  /** Replaces the indicator's stored hits with `matches` (none when null). */
  replace(id: string, rowid: number, matches: WarninglistMatchesJson | null, nowIso: string): void
}

export const createWarninglistHitWriter = (
  sqlite: BetterSqlite3.Database,
): WarninglistHitWriter => {
  const del = sqlite.prepare<[number]>(
    'DELETE FROM indicator_warninglist_hits WHERE indicator_rowid = ?',
  )
  const add = sqlite.prepare<[number, string, string, string, string]>(
    `INSERT INTO indicator_warninglist_hits (indicator_rowid, list_id, indicator_id, entry, matched_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
  const insert: WarninglistHitWriter['insert'] = (id, rowid, matches, nowIso) => {
    for (const [listId, entry] of JSON.parse(matches) as [string, string][]) {
      add.run(rowid, listId, id, entry, nowIso)
    }
  }
  return {
    insert,
    replace(id, rowid, matches, nowIso) {
      del.run(rowid)
      if (matches !== null) insert(id, rowid, matches, nowIso)
    },
  }
}
