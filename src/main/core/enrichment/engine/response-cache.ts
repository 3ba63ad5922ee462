import type BetterSqlite3 from 'better-sqlite3'
import type { ProviderId } from '#shared/contract/enrichment.schemas'

export type CacheEntry = {
  status_code: number
  body: string | null
  body_truncated: number
  url: string | null
  fetched_at: string
  expires_at: string
}

/**
 * The providers' answers per lookup key (a value, not an indicator: the same domain in two projects is asked
 * once). A fresh entry answers without a request; the result says it was served from the cache.
 */
export const createResponseCache = (sqlite: BetterSqlite3.Database) => {
  const get = sqlite.prepare<[string, string, string], CacheEntry>(
    `SELECT status_code, body, body_truncated, url, fetched_at, expires_at FROM enrichment_cache
     WHERE provider = ? AND lookup_key = ? AND expires_at > ?`,
  )
  const put = sqlite.prepare(
    `INSERT INTO enrichment_cache (provider, lookup_key, status_code, body, body_truncated, url, fetched_at,
       expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (provider, lookup_key) DO UPDATE SET status_code = excluded.status_code,
       body = excluded.body, body_truncated = excluded.body_truncated, url = excluded.url,
       fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
  )
  const prune = sqlite.prepare('DELETE FROM enrichment_cache WHERE expires_at <= ?')
  const drop = sqlite.prepare('DELETE FROM enrichment_cache WHERE provider = ? AND lookup_key = ?')
  return {
    fresh: (provider: ProviderId, key: string, now: string): CacheEntry | undefined =>
      get.get(provider, key.slice(0, 512), now),
    /** Kept only with a TTL above zero (0 hours: the analyst asked for no caching). */
    put: (
      provider: ProviderId,
      key: string,
      e: Omit<CacheEntry, 'body_truncated'> & { body_truncated: boolean },
    ): void => {
      if (e.expires_at <= e.fetched_at) return
      put.run(
        provider,
        key.slice(0, 512),
        e.status_code,
        e.body,
        e.body_truncated ? 1 : 0,
        e.url,
        e.fetched_at,
        e.expires_at,
      )
    },
    prune: (now: string): number => prune.run(now).changes,
    /** A forced re-run asks the service again: the cached answer goes. */
    drop: (provider: ProviderId, key: string): void => {
      drop.run(provider, key.slice(0, 512))
    },
  }
}
export type ResponseCache = ReturnType<typeof createResponseCache>
