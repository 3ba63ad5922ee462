import type BetterSqlite3 from 'better-sqlite3'
import type { z } from 'zod'
import type { UrlMatchSchema } from '#shared/contract/analysis.contract'
import { canonicalize, type IocType, type Severity } from '#shared/domain'
import { indicatorId } from '../indicators/indicator-id.node'
import type { UrlFacts } from './url/url-features'

export type UrlMatch = z.infer<typeof UrlMatchSchema>

/** What a URL is looked up as: the URL itself, its host, its registered domain or its address. */
export type LookupKey = { type: IocType; value: string; on: UrlMatch['on'] }

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** The canonical keys of a URL, its host and registered domain (or address), without duplicates. */
export const lookupKeys = (canonicalUrl: string, facts: UrlFacts): LookupKey[] => {
  const keys: LookupKey[] = [{ type: 'url', value: canonicalUrl, on: 'url' }]
  const add = (type: IocType, raw: string, on: UrlMatch['on']) => {
    const parsed = canonicalize(type, raw)
    if (parsed.ok && !keys.some((k) => k.type === parsed.type && k.value === parsed.value)) {
      keys.push({ type: parsed.type, value: parsed.value, on })
    }
  }
  if (IPV4.test(facts.host)) add('ip', facts.host, 'ip')
  else if (facts.host.includes(':')) add('ipv6', facts.host, 'ip')
  else {
    add('domain', facts.host, 'host')
    if (facts.registeredDomain !== facts.host) add('domain', facts.registeredDomain, 'domain')
  }
  return keys
}

type MatchRow = {
  id: string
  type: IocType
  value: string
  classification: UrlMatch['classification']
  severity: Severity
  score: number
  active: number
  false_positive: number
}

// By primary key: the id is UUIDv5 of (type, value), and type and value are checked against the row.
export const URL_MATCH_SQL = `SELECT id, type, value, classification, severity, score, active, false_positive
FROM indicators WHERE id = ? AND type = ? AND value = ?`

/** The indicators the keys match in the local database. */
export const createIndicatorMatcher = (sqlite: BetterSqlite3.Database) => {
  const get = sqlite.prepare<[string, string, string], MatchRow>(URL_MATCH_SQL)
  return (keys: readonly LookupKey[]): UrlMatch[] => {
    const out: UrlMatch[] = []
    for (const k of keys) {
      const row = get.get(indicatorId(k.type, k.value), k.type, k.value)
      if (row === undefined) continue
      const active = Boolean(row.active) && !row.false_positive
      out.push({
        indicatorId: row.id,
        type: row.type,
        value: row.value,
        on: k.on,
        classification: row.classification,
        severity: row.severity,
        score: row.score,
        knownBad:
          active && (row.classification === 'malicious' || row.classification === 'suspicious'),
      })
    }
    return out
  }
}

/** The indicators' named severities on the seed's 0-100 scale. */
const SEVERITY_POINTS: Record<Severity, number> = {
  critical: 95,
  high: 80,
  medium: 55,
  low: 30,
  info: 10,
}

/**
 * The database term of the severity rule: the worst known-bad match, as its named severity on the 0-100
 * scale or its score, whichever is higher (both say how bad the analysts and feeds think it is).
 */
export const databaseSeverity = (
  matches: readonly UrlMatch[],
): { severity: number; reference: string } | null => {
  let best: { severity: number; reference: string } | null = null
  for (const m of matches) {
    if (!m.knownBad) continue
    const severity = Math.max(SEVERITY_POINTS[m.severity], m.score)
    if (best === null || severity > best.severity) best = { severity, reference: m.indicatorId }
  }
  return best
}

export type WarninglistLookupHit = { list: string; entry: string; on: string }

/**
 * The known-benign lists URL analysis consults, behind one function: the warninglists service's enabled
 * lists (built-in and imported), so an analysis and an import of the same URL see the same lists.
 */
export type WarninglistLookup = (keys: readonly LookupKey[]) => Promise<WarninglistLookupHit[]>

type WarninglistCheck = (
  items: readonly { type?: IocType; value: string }[],
) => { hits: { listName: string; entry: string }[] }[]

export const warninglistsLookup =
  (check: WarninglistCheck): WarninglistLookup =>
  async (keys) => {
    const results = check(keys.map((k) => ({ type: k.type, value: k.value })))
    const hits: WarninglistLookupHit[] = []
    keys.forEach((k, i) => {
      for (const h of results[i]?.hits ?? []) {
        if (!hits.some((x) => x.list === h.listName))
          hits.push({ list: h.listName, entry: h.entry, on: k.on })
      }
    })
    return hits
  }
