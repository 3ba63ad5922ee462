import type BetterSqlite3 from 'better-sqlite3'
import type { AllowlistEntry } from '#shared/contract/allowlist.contract'
import type { IocType } from '#shared/domain'
import { indicatorId } from '../indicators/indicator-id.node'

type Row = {
  id: string
  type: IocType
  value: string
  reason: string
  created_by: string
  created_at: string
}

const toEntry = (r: Row): AllowlistEntry => ({
  id: r.id,
  type: r.type,
  value: r.value,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
})

/** The key ingest looks a value up by. */
export const allowlistKey = (type: IocType, value: string): string => `${type}\u0000${value}`

/**
 * The allowlist table (migration 0011) on the main connection. Writes run inside the caller's write-queue job
 * and transaction (indicators.markFalsePositive adds to it in the same transaction as the mark).
 */
export const createAllowlistRepository = (sqlite: BetterSqlite3.Database) => {
  const insert = sqlite.prepare<[string, string, string, string, string, string]>(
    `INSERT INTO allowlist (id, type, value, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  )
  const del = sqlite.prepare<[string]>('DELETE FROM allowlist WHERE id = ?')
  const get = sqlite.prepare<[string], Row>('SELECT * FROM allowlist WHERE id = ?')
  const page = sqlite.prepare<[string | null, string | null, number], Row>(
    `SELECT * FROM allowlist WHERE (? IS NULL OR type = ?) ORDER BY created_at DESC, id LIMIT ?`,
  )
  const count = sqlite
    .prepare<[string | null, string | null], number>(
      'SELECT count(*) FROM allowlist WHERE (? IS NULL OR type = ?)',
    )
    .pluck()
  const keys = sqlite.prepare<[], { type: IocType; value: string }>(
    'SELECT type, value FROM allowlist',
  )
  const signature = sqlite
    .prepare<[], string>(
      `SELECT count(*) || '|' || coalesce(max(created_at), '') || '|' || coalesce(max(id), '')
       FROM allowlist`,
    )
    .pluck()

  return {
    /** Adds (type, value); false when it was already there. */
    add: (
      type: IocType,
      value: string,
      reason: string,
      createdBy: string,
      nowIso: string,
    ): boolean =>
      insert.run(indicatorId(type, value), type, value, reason, createdBy, nowIso).changes === 1,
    /** Removes by id; false when it was not there. */
    remove: (id: string): boolean => del.run(id).changes === 1,
    get: (id: string): AllowlistEntry | undefined => {
      const r = get.get(id)
      return r === undefined ? undefined : toEntry(r)
    },
    list: (type: IocType | undefined, limit: number): AllowlistEntry[] =>
      page.all(type ?? null, type ?? null, limit).map(toEntry),
    count: (type: IocType | undefined): number => count.get(type ?? null, type ?? null) ?? 0,
    /** Every entry as allowlistKey()s, for the ingest screen. */
    keys: (): Set<string> => new Set(keys.all().map((r) => allowlistKey(r.type, r.value))),
    /** Changes whenever an entry is added or removed (by any process). */
    signature: (): string => signature.get() ?? '',
  }
}

export type AllowlistRepository = ReturnType<typeof createAllowlistRepository>
