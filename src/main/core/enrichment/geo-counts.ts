import type BetterSqlite3 from 'better-sqlite3'
import type { Out } from '#shared/contract'
import { AppError } from '#shared/contract/errors'
import type { IndicatorFilter } from '#shared/contract/indicators.contract'
import { canonicalize } from '#shared/domain/canonicalize'
import { countryName } from '#shared/domain/countries'
import { buildFilterWhere, type SqlWhere } from '../indicators/indicator-query'
import { indicatorId } from '../indicators/indicator-id.node'
import { REPORT_INDICATORS_CLAUSE } from '../export/sources/resolve-target'

/** What the world map shows: indicators per country, and how many of the target have none. */
export type GeoCounts = Out<'enrichment.geoCounts'>

export type GeoTarget = { kind: 'query'; filter: IndicatorFilter } | { kind: 'report'; id: string }

/** The SQL function that names the indicator of a resolved address (its deterministic id). */
export const ADDRESS_ID_FN = 'te_address_indicator_id'

/*
 * Where an indicator is hosted, the rule the map and the PDF follow:
 * - An indicator with a country of its own (the `country` key GeoIP, or another provider, wrote for it)
 *   counts once, in that country. When providers disagree, GeoIP's answer (local data) wins, then the
 *   lowest code, so the same data always draws the same map.
 * - An indicator without one (a domain, a URL: GeoIP locates addresses only) counts in the countries of the
 *   addresses DNS resolved it to (its `resolved-address` keys), through the address's own indicator and that
 *   indicator's country. An address that is not an indicator, or has no country, locates nothing.
 *   A domain served from two countries counts once in each, so the per-country counts can add up to more
 *   than `located`, which counts indicators.
 * - Country codes are upper-cased; a value that is not two letters is ignored (it cannot be drawn).
 */
/** An indicator's country keys that can be drawn (two letters). */
const countryKeys = (alias: string, idExpr: string) =>
  `FROM enrichment_keys ${alias} WHERE ${alias}.indicator_id = ${idExpr}
    AND ${alias}.kind = 'country' AND length(${alias}.value) = 2`

/**
 * An indicator's own country, or null. One probe of the primary key, which covers (indicator_id, kind,
 * value); only when providers disagree does a second one read the rows for their provider.
 */
const COUNTRY_OF = (idExpr: string) => `(SELECT CASE
    WHEN min(upper(k.value)) IS NULL OR min(upper(k.value)) = max(upper(k.value)) THEN min(upper(k.value))
    ELSE (SELECT substr(min((p.provider <> 'geoip') || upper(p.value)), 2) ${countryKeys('p', idExpr)})
  END ${countryKeys('k', idExpr)})`

/**
 * Counts per country over the indicators a WHERE on `indicators` selects, plus one last row (country NULL)
 * with the located indicators and the target's size. `own` (each indicator of the target with its own
 * country or null) is materialised: the target is read and every country looked up once. `via` holds the
 * (indicator, country) pairs found through resolved addresses, for indicators without a country only, so it
 * never overlaps `own`'s located rows and the two add up. The CROSS JOIN keeps `own` outside: left to itself
 * the planner may walk every resolved address in the database to find a small target's few.
 */
export const geoCountsSql = (where: SqlWhere): string => `WITH
  own(id, country) AS MATERIALIZED (
    SELECT indicators.id, ${COUNTRY_OF('indicators.id')} FROM indicators${
      where.clauses.length ? ` WHERE ${where.clauses.join(' AND ')}` : ''
    }),
  mine(country, n) AS MATERIALIZED (SELECT country, count(*) FROM own GROUP BY country),
  via(id, country) AS MATERIALIZED (
    SELECT DISTINCT id, country FROM (
      SELECT own.id AS id, ${COUNTRY_OF(`${ADDRESS_ID_FN}(r.value)`)} AS country
      FROM own CROSS JOIN enrichment_keys r ON r.indicator_id = own.id AND r.kind = 'resolved-address'
      WHERE own.country IS NULL)
    WHERE country IS NOT NULL)
SELECT country, sum(n) AS n, NULL AS total FROM (
    SELECT country, n FROM mine WHERE country IS NOT NULL
    UNION ALL SELECT country, count(*) FROM via GROUP BY country)
  GROUP BY country
UNION ALL
SELECT NULL,
  (SELECT coalesce(sum(n), 0) FROM mine WHERE country IS NOT NULL) + (SELECT count(DISTINCT id) FROM via),
  (SELECT coalesce(sum(n), 0) FROM mine)`

/** Exposed for the query-plan test: the statement a report's map runs. */
export const REPORT_GEO_SQL = geoCountsSql({ clauses: [REPORT_INDICATORS_CLAUSE], params: [] })

const REPORT_EXISTS_SQL = "SELECT 1 FROM intel_entities WHERE id = ? AND kind = 'report'"

/** Statements kept per distinct SQL text: a filter's shape, not its values, makes the text. */
const STATEMENTS_MAX = 64

type Row = { country: string | null; n: number; total: number | null }

export type GeoCounter = {
  /** Counts over the indicators a WHERE on `indicators` selects (an export's scope). */
  ofWhere(where: SqlWhere): GeoCounts
  /** Counts for a query or a report; throws not_found for a report that does not exist. */
  ofTarget(target: GeoTarget): GeoCounts
}

/**
 * The address's indicator id: an address with a colon is IPv6. The address is canonicalised first (as every
 * indicator value is), so an expanded or upper-case IPv6 spelling still finds its indicator; what is not an
 * address names no indicator.
 */
const addressIndicatorId = (value: unknown): string | null => {
  if (typeof value !== 'string' || value === '') return null
  const type = value.includes(':') ? 'ipv6' : 'ip'
  const canonical = canonicalize(type, value)
  return canonical.ok ? indicatorId(type, canonical.value) : null
}

/** Connections the function is registered on: registering again would expire their prepared statements. */
const registered = new WeakSet<BetterSqlite3.Database>()

export const createGeoCounter = (sqlite: BetterSqlite3.Database): GeoCounter => {
  if (!registered.has(sqlite)) {
    sqlite.function(ADDRESS_ID_FN, { deterministic: true }, addressIndicatorId)
    registered.add(sqlite)
  }
  const statements = new Map<string, BetterSqlite3.Statement<unknown[], Row>>()
  const prepared = (sql: string) => {
    let st = statements.get(sql)
    if (st === undefined) {
      if (statements.size >= STATEMENTS_MAX) statements.clear()
      st = sqlite.prepare<unknown[], Row>(sql)
      statements.set(sql, st)
    }
    return st
  }
  const reportExists = sqlite.prepare(REPORT_EXISTS_SQL).pluck()

  const ofWhere = (where: SqlWhere): GeoCounts => {
    const rows = prepared(geoCountsSql(where)).all(...where.params)
    const countries: GeoCounts['countries'] = []
    let located = 0
    let total = 0
    for (const r of rows) {
      if (r.country === null) {
        located = r.n
        total = r.total ?? 0
      } else {
        countries.push({ country: r.country, name: countryName(r.country), count: r.n })
      }
    }
    countries.sort((a, b) => b.count - a.count || a.country.localeCompare(b.country))
    return { countries, located, unlocated: Math.max(total - located, 0) }
  }

  return {
    ofWhere,
    ofTarget: (target) => {
      if (target.kind === 'query') return ofWhere(buildFilterWhere(target.filter))
      if (reportExists.get(target.id) === undefined) {
        throw new AppError('not_found', `target.id: no threat report ${target.id}`, {
          field: 'target.id',
        })
      }
      return ofWhere({ clauses: [REPORT_INDICATORS_CLAUSE], params: [target.id] })
    },
  }
}
