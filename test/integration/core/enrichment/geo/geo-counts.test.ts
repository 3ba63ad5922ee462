import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { In } from '#shared/contract'
import { REPORT_GEO_SQL, geoCountsSql } from '#core/enrichment/geo-counts'
import { buildFilterWhere } from '#core/indicators/indicator-query'
import { appErrorOf, openTestCore, queryPlan, type TestCore } from '../../db/core-fixture'
import { seedGeo, type GeoSeed } from '../../../../support/world-map-fixture'

let t: TestCore
let seed: GeoSeed
beforeAll(async () => {
  t = await openTestCore()
  seed = await seedGeo(t.core)
})
afterAll(async () => {
  await t.dispose()
})

const geo = (target: In<'enrichment.geoCounts'>['target']) =>
  t.core.call('enrichment.geoCounts', { target })

describe('enrichment.geoCounts', () => {
  it('counts a query: each indicator once in its own country, domains in their addresses’ countries', async () => {
    const out = await geo({ kind: 'query', filter: {} })
    expect(out.countries).toEqual([
      { country: 'NL', name: 'Netherlands', count: 5 },
      { country: 'DE', name: 'Germany', count: 2 },
      { country: 'RU', name: 'Russian Federation', count: 2 },
      { country: 'FR', name: 'France', count: 1 },
      { country: 'SG', name: 'Singapore', count: 1 },
      { country: 'US', name: 'United States of America', count: 1 },
    ])
    expect(out.located).toBe(11)
    expect(out.unlocated).toBe(3)
  })

  it('follows the filter: domains only', async () => {
    const out = await geo({ kind: 'query', filter: { types: ['domain'] } })
    // evil-c2.net through its two addresses, twin-c2.net once for its two Dutch addresses, v6-c2.net through
    // an IPv6 address spelled out in full, cdn-evil.org in its own country only (not in NL as well).
    expect(out.countries.map((c) => [c.country, c.count])).toEqual([
      ['NL', 2],
      ['DE', 1],
      ['RU', 1],
      ['US', 1],
    ])
    expect(out).toMatchObject({ located: 4, unlocated: 1 })
  })

  it('takes GeoIP’s answer when providers disagree, upper-cases codes and ignores non-codes', async () => {
    const ids = [seed.ids['45.155.205.9'], seed.ids['185.220.101.4'], seed.ids['193.42.33.7']]
    const out = await geo({ kind: 'query', filter: { ids } })
    expect(out.countries.map((c) => [c.country, c.count])).toEqual([
      ['FR', 1],
      ['NL', 1],
    ])
    expect(out).toMatchObject({ located: 2, unlocated: 1 })
  })

  it('counts a text search once the search index has the rows', async () => {
    const out = await geo({ kind: 'query', filter: { tag: 'geo', types: ['ipv6'] } })
    expect(out).toEqual({
      countries: [{ country: 'DE', name: 'Germany', count: 1 }],
      located: 1,
      unlocated: 0,
    })
  })

  it("counts a report's indicators", async () => {
    const out = await geo({ kind: 'report', id: seed.report })
    expect(out.countries.map((c) => [c.country, c.count])).toEqual([
      ['RU', 2],
      ['DE', 1],
      ['NL', 1],
    ])
    expect(out).toMatchObject({ located: 3, unlocated: 1 })
  })

  it('answers an empty target with zeros and an unknown report with not_found', async () => {
    expect(await geo({ kind: 'query', filter: { types: ['cve'] } })).toEqual({
      countries: [],
      located: 0,
      unlocated: 0,
    })
    const e = await appErrorOf(geo({ kind: 'report', id: seed.ids['evil-c2.net'] }))
    expect(e.code).toBe('not_found')
    expect(e.message).toContain('target.id')
  })

  it('follows deletions: a deleted address no longer locates the domain that resolved to it', async () => {
    await t.core.call('indicators.delete', { id: seed.ids['91.92.240.5'] })
    const out = await geo({ kind: 'query', filter: { types: ['domain'] } })
    expect(out.countries.map((c) => [c.country, c.count])).toEqual([
      ['NL', 2],
      ['DE', 1],
      ['US', 1],
    ])
  })
})

describe('geo counts query plan', () => {
  it("reads a report's indicators and their keys by index, never scanning enrichment_keys", () => {
    const plan = queryPlan(t.core, REPORT_GEO_SQL, [seed.report]).join('\n')
    expect(plan).toMatch(/report_objects USING (COVERING )?INDEX \S+ \(report_id=\?/)
    expect(plan).toMatch(/SEARCH indicators USING (COVERING )?INDEX \S+ \(id=\?\)/)
    // The country and address lookups seek the primary key (indicator_id, kind, value), which covers them.
    expect(plan).toMatch(
      /SEARCH k USING COVERING INDEX sqlite_autoindex_enrichment_keys_1 \(indicator_id=\? AND kind=\?\)/,
    )
    expect(plan).toMatch(
      /SEARCH r USING (COVERING )?INDEX sqlite_autoindex_enrichment_keys_1 \(indicator_id=\? AND kind=\?\)/,
    )
    expect(plan).not.toMatch(/SCAN (k|r|enrichment_keys)\b/)
  })

  it('seeks by score for a score filter', () => {
    const where = buildFilterWhere({ scoreMin: 80 })
    const plan = queryPlan(t.core, geoCountsSql(where), where.params).join('\n')
    expect(plan).toMatch(
      /SEARCH indicators USING (COVERING )?INDEX IDX_indicators_score \(score>\?\)/,
    )
    expect(plan).not.toMatch(/SCAN (k|r|enrichment_keys)\b/)
  })
})
