import type BetterSqlite3 from 'better-sqlite3'
import type { Out } from '#shared/contract'
import { PIVOT_KINDS, type PivotKind } from '#shared/contract/enrichment.schemas'
import { AppError } from '#shared/contract/errors'
import { countryName } from '#shared/domain/countries'
import type { IocType, RiskLevel, Tlp } from '#shared/domain/enums'

/**
 * Pivots (issue 12): what an indicator shares with others through enrichment (an ASN, a network range, a
 * registrar, a resolved address, a country), read from enrichment_keys, which the engine fills from the
 * providers' answers. Raw prepared statements on the core's connection: the panel asks for them on every
 * indicator it opens, and a country or a big hoster can be shared by a large part of the database.
 */

export type PivotItem = Out<'enrichment.pivots'>['items'][number]
export type PivotPage = Out<'enrichment.pivot'>

/** An indicator's keys (the primary key's leading column). */
export const INDICATOR_KEYS_SQL =
  'SELECT kind, value, provider FROM enrichment_keys WHERE indicator_id = ? ORDER BY kind, value'

/** Indicators holding one key: a count over IDX_enrichment_keys_value alone (it covers kind and value). */
export const PIVOT_COUNT_SQL = 'SELECT count(*) FROM enrichment_keys WHERE kind = ? AND value = ?'

/**
 * One page of the indicators holding a key, the highest score first. The key's rows drive the join (forced:
 * with an index on indicators.score the planner could walk every indicator by score and probe each one's
 * keys), and only that key's indicators are sorted.
 */
export const PIVOT_PAGE_SQL = `SELECT i.id, i.type, i.value, i.score, i.risk_level AS riskLevel, i.tlp
FROM enrichment_keys k INDEXED BY IDX_enrichment_keys_value
CROSS JOIN indicators i ON i.id = k.indicator_id
WHERE k.kind = ? AND k.value = ?
ORDER BY i.score DESC, i.id
LIMIT ? OFFSET ?`

const INDICATOR_EXISTS_SQL = 'SELECT 1 FROM indicators WHERE id = ?'
const RESULT_FACTS_SQL =
  'SELECT facts FROM enrichment_results WHERE indicator_id = ? AND provider = ?'

const KIND_ORDER = new Map<string, number>(PIVOT_KINDS.map((k, i) => [k, i]))
const MAX_LABEL = 120

const cut = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL)}…` : s)

/** The AS organisation the key's provider named for this indicator (its asOrg fact), if any. */
const asOrgOf = (factsJson: string | null | undefined, asn: string): string | null => {
  if (typeof factsJson !== 'string') return null
  let facts: unknown
  try {
    facts = JSON.parse(factsJson)
  } catch {
    return null
  }
  if (!Array.isArray(facts)) return null
  const value = (key: string): unknown =>
    (facts as unknown[]).find(
      (f): f is { key: string; value: unknown } =>
        typeof f === 'object' && f !== null && (f as { key?: unknown }).key === key,
    )?.value
  const org = value('asOrg')
  return asnKey(String(value('asn'))) === asnKey(asn) && typeof org === 'string' && org !== ''
    ? org
    : null
}

/** An ASN as the ASN provider keys it ("AS9009"), from "AS9009", "as9009" or "9009"; else as given. */
const asnKey = (v: string): string => {
  const m = /^(?:as)?(\d+)$/i.exec(v)
  return m === null ? v : `AS${m[1]}`
}

/** How a key reads in the panel: "AS9009 M247", "Netherlands (NL)", the value itself otherwise. */
export const pivotLabel = (kind: PivotKind, value: string, asOrg: string | null): string => {
  switch (kind) {
    case 'asn':
      return cut(`${asnKey(value)}${asOrg === null ? '' : ` ${asOrg}`}`)
    case 'country': {
      const name = countryName(value)
      return name === value || name === value.toUpperCase()
        ? cut(value)
        : `${name} (${value.toUpperCase()})`
    }
    default:
      return cut(value)
  }
}

/** The stored form of a key the analyst typed: an ASN as "AS9009" (the ASN provider's keys). */
export const normalizePivotValue = (kind: PivotKind, value: string): string =>
  kind === 'asn' ? asnKey(value) : value

export type PivotQueries = {
  /** The indicator's keys with how many OTHER indicators share each; not_found for an unknown id. */
  pivots(indicatorId: string): PivotItem[]
  /** The indicators holding one key, a page of them (highest score first), and how many in all. */
  pivot(kind: PivotKind, value: string, limit: number, offset: number): PivotPage
}

export const createPivotQueries = (sqlite: BetterSqlite3.Database): PivotQueries => {
  const exists = sqlite.prepare<[string]>(INDICATOR_EXISTS_SQL)
  const keysOf = sqlite.prepare<[string], { kind: PivotKind; value: string; provider: string }>(
    INDICATOR_KEYS_SQL,
  )
  const count = sqlite.prepare<[string, string], number>(PIVOT_COUNT_SQL).pluck()
  const page = sqlite.prepare<
    [string, string, number, number],
    { id: string; type: IocType; value: string; score: number; riskLevel: RiskLevel; tlp: Tlp }
  >(PIVOT_PAGE_SQL)
  const factsOf = sqlite.prepare<[string, string], string | null>(RESULT_FACTS_SQL).pluck()

  return {
    pivots: (indicatorId) => {
      if (exists.get(indicatorId) === undefined) {
        throw new AppError('not_found', `No indicator has id ${indicatorId}`, { id: indicatorId })
      }
      const items = keysOf.all(indicatorId).map((k) => ({
        kind: k.kind,
        value: k.value,
        label: pivotLabel(
          k.kind,
          k.value,
          k.kind === 'asn' ? asOrgOf(factsOf.get(indicatorId, k.provider), k.value) : null,
        ),
        // The key's rows less the indicator's own (one row per indicator, kind and value).
        count: Math.max(0, (count.get(k.kind, k.value) ?? 0) - 1),
      }))
      return items.sort(
        (a, b) =>
          (KIND_ORDER.get(a.kind) ?? 99) - (KIND_ORDER.get(b.kind) ?? 99) ||
          b.count - a.count ||
          a.value.localeCompare(b.value),
      )
    },
    pivot: (kind, value, limit, offset) => {
      const v = normalizePivotValue(kind, value)
      return { items: page.all(kind, v, limit, offset), total: count.get(kind, v) ?? 0 }
    },
  }
}
