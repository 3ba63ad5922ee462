import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { INDICATOR_KEYS_SQL, PIVOT_COUNT_SQL, PIVOT_PAGE_SQL } from '#core/enrichment/pivots'
import { appErrorOf, openTestCore, queryPlan, type TestCore } from '../../db/core-fixture'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(() => t.dispose())

/**
 * Keys as the engine leaves them in enrichment_keys (written straight in: the engine is tested on its own):
 * 45.155.205.3, .4 and .5 and 91.92.240.5 on AS9009 (M247, named by the ASN provider for .3); .3 and .4
 * in 45.155.205.0/24 and NL; evil-c2.net registered at NameCheap and resolving to 45.155.205.3.
 */
const seed = async () => {
  const ids: Record<string, string> = {}
  const values = ['45.155.205.3', '45.155.205.4', '45.155.205.5', '91.92.240.5', 'evil-c2.net']
  for (const value of values) ids[value] = (await t.core.call('indicators.create', { value })).id
  const keys: [string, string, string, string][] = [
    ['45.155.205.3', 'asn', 'AS9009', 'asn'],
    ['45.155.205.4', 'asn', 'AS9009', 'asn'],
    ['45.155.205.5', 'asn', 'AS9009', 'asn'],
    ['91.92.240.5', 'asn', 'AS9009', 'asn'],
    ['45.155.205.3', 'network', '45.155.205.0/24', 'asn'],
    ['45.155.205.4', 'network', '45.155.205.0/24', 'asn'],
    ['45.155.205.3', 'country', 'NL', 'geoip'],
    ['45.155.205.4', 'country', 'NL', 'geoip'],
    ['evil-c2.net', 'registrar', 'NameCheap, Inc.', 'rdap'],
    ['evil-c2.net', 'resolved-address', '45.155.205.3', 'dns'],
  ]
  const sqlite = t.core.db.sqlite
  const now = t.clock.now().toISOString()
  await t.core.db.writes.run('test.seed-enrichment-keys', () => {
    const insert = sqlite.prepare(
      'INSERT INTO enrichment_keys (indicator_id, kind, value, provider) VALUES (?, ?, ?, ?)',
    )
    const result = sqlite.prepare(
      `INSERT INTO enrichment_results (indicator_id, provider, status, level, summary, tags, facts,
         reliability, requested_at, updated_at) VALUES (?, 'asn', 'done', 'info', 'AS9009 M247', '[]', ?, 'B', ?, ?)`,
    )
    sqlite.transaction(() => {
      for (const [of, kind, value, provider] of keys) insert.run(ids[of], kind, value, provider)
      result.run(
        ids['45.155.205.3'],
        JSON.stringify([
          { key: 'asn', label: 'ASN', value: 9009 },
          { key: 'asOrg', label: 'Organisation', value: 'M247 Europe SRL' },
        ]),
        now,
        now,
      )
    })()
  })
  // Scores that order the pivot's page: .5 highest, then .4.
  await t.core.call('indicators.update', { id: ids['45.155.205.5'], patch: { score: 90 } })
  await t.core.call('indicators.update', { id: ids['45.155.205.4'], patch: { score: 70 } })
  return ids
}

describe('enrichment.pivots', () => {
  it("lists an indicator's keys with how many other indicators share each", async () => {
    const ids = await seed()
    const r = await t.core.call('enrichment.pivots', { indicatorId: ids['45.155.205.3'] })
    expect(r.items).toEqual([
      { kind: 'asn', value: 'AS9009', label: 'AS9009 M247 Europe SRL', count: 3 },
      { kind: 'network', value: '45.155.205.0/24', label: '45.155.205.0/24', count: 1 },
      { kind: 'country', value: 'NL', label: 'Netherlands (NL)', count: 1 },
    ])
    const domain = await t.core.call('enrichment.pivots', { indicatorId: ids['evil-c2.net'] })
    expect(domain.items).toEqual([
      { kind: 'registrar', value: 'NameCheap, Inc.', label: 'NameCheap, Inc.', count: 0 },
      { kind: 'resolved-address', value: '45.155.205.3', label: '45.155.205.3', count: 0 },
    ])
    // No org named for this one's ASN: the label is the number alone.
    const other = await t.core.call('enrichment.pivots', { indicatorId: ids['91.92.240.5'] })
    expect(other.items).toEqual([{ kind: 'asn', value: 'AS9009', label: 'AS9009', count: 3 }])
  })

  it('an indicator without keys has none; an unknown one is not_found, naming the id', async () => {
    const { id } = await t.core.call('indicators.create', { value: 'quiet-c2.net' })
    expect(await t.core.call('enrichment.pivots', { indicatorId: id })).toEqual({ items: [] })
    const unknown = '00000000-0000-4000-8000-00000000abcd'
    const e = await appErrorOf(t.core.call('enrichment.pivots', { indicatorId: unknown }))
    expect(e.code).toBe('not_found')
    expect(e.message).toContain(unknown)
  })
})

describe('enrichment.pivot', () => {
  it('pages the indicators sharing one key, highest score first, with the total', async () => {
    const ids = await seed()
    const first = await t.core.call('enrichment.pivot', { kind: 'asn', value: 'AS9009', limit: 2 })
    expect(first.total).toBe(4)
    expect(first.items.map((i) => i.value)).toEqual(['45.155.205.5', '45.155.205.4'])
    expect(first.items[0]).toEqual({
      id: ids['45.155.205.5'],
      type: 'ip',
      value: '45.155.205.5',
      score: 90,
      riskLevel: expect.any(String),
      tlp: expect.any(String),
    })
    const next = await t.core.call('enrichment.pivot', {
      kind: 'asn',
      value: 'AS9009',
      limit: 2,
      offset: 2,
    })
    expect(next.total).toBe(4)
    const rest = next.items.map((i) => i.value)
    expect(rest.sort()).toEqual(['45.155.205.3', '91.92.240.5'])
    // The pages do not overlap and together hold every indicator of the key.
    expect(new Set([...first.items, ...next.items].map((i) => i.id)).size).toBe(4)
    const past = await t.core.call('enrichment.pivot', {
      kind: 'asn',
      value: 'AS9009',
      limit: 2,
      offset: 4,
    })
    expect(past).toEqual({ items: [], total: 4 })
  })

  it('takes an ASN as typed ("as9009", "9009"), and a key nobody holds is an empty page', async () => {
    await seed()
    for (const value of ['as9009', '9009']) {
      expect((await t.core.call('enrichment.pivot', { kind: 'asn', value })).total).toBe(4)
    }
    expect(await t.core.call('enrichment.pivot', { kind: 'registrar', value: 'Nobody' })).toEqual({
      items: [],
      total: 0,
    })
    // The same value under another kind is another key.
    expect(
      (await t.core.call('enrichment.pivot', { kind: 'resolved-address', value: '45.155.205.3' }))
        .total,
    ).toBe(1)
  })

  it('rejects a bad kind, naming the field', async () => {
    const e = await appErrorOf(
      t.core.call('enrichment.pivot', { kind: 'city' as 'asn', value: 'Amsterdam' }),
    )
    expect(e.code).toBe('invalid_input')
    expect(JSON.stringify(e.details)).toContain('kind')
  })
})

describe('pivot query plans', () => {
  it('count and page use IDX_enrichment_keys_value; the keys of an indicator use the primary key', () => {
    const count = queryPlan(t.core, PIVOT_COUNT_SQL, ['asn', '9009']).join('\n')
    expect(count).toMatch(/USING COVERING INDEX IDX_enrichment_keys_value \(kind=\? AND value=\?\)/)
    const page = queryPlan(t.core, PIVOT_PAGE_SQL, ['asn', '9009', 10, 0])
    expect(page[0]).toBe('SEARCH k USING INDEX IDX_enrichment_keys_value (kind=? AND value=?)')
    expect(page.join('\n')).toMatch(/SEARCH i USING INDEX sqlite_autoindex_indicators_1 \(id=\?\)/)
    expect(page.join('\n')).not.toMatch(/SCAN i\b/)
    const keys = queryPlan(t.core, INDICATOR_KEYS_SQL, ['x']).join('\n')
    expect(keys).toMatch(
      /SEARCH enrichment_keys USING (COVERING )?INDEX sqlite_autoindex_enrichment_keys_1 \(indicator_id=\?\)/,
    )
  })
})
