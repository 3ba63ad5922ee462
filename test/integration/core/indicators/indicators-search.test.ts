import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Indicator, IndicatorPage } from '#shared/contract/indicators.contract'
import { SEARCH_MAX_EXAMINED } from '#core/indicators/indicators.repository'
import { planSearch } from '#core/indicators/indicator-search'
import { openTestCore, type TestCore } from '../db/core-fixture'

let t: TestCore
beforeAll(async () => {
  t = await openTestCore()
  await t.core.call('indicators.bulkCreate', {
    items: [
      { value: 'login.evil-corp.com', tags: ['phishing'] },
      { value: 'evil-corporate.net' },
      { value: 'evil.corp.com' },
      { value: 'evilcorp.com' },
      { value: '203.0.113.7', tags: ['cobalt-strike', 'c2'] },
      { value: 'http://203.0.113.9/gate.php' },
      { value: '113.0.203.1' },
      { value: '185.9.4.4' },
      { value: '185.90.1.1' },
      { value: '185.19.1.1' },
      { value: 'd41d8cd98f00b204e9800998ecf8427e' },
      {
        value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        description: 'SHA-256 of nothing',
      },
      { value: 'ops.example', description: 'Beacon seen in a Ransomware intrusion at a Café' },
      { value: 'пример.рф', description: 'IDN lure' },
    ],
  })
}, 60_000)
afterAll(() => t.dispose())

const search = async (q: string): Promise<string[]> =>
  (await t.core.call('indicators.search', { q })).items.map((i: Indicator) => i.value).sort()

describe('indicators.search semantics', () => {
  it('a domain fragment matches at word starts', async () => {
    expect(await search('evil-corp')).toEqual(['evil-corporate.net', 'login.evil-corp.com'])
    expect(await search('EVIL-CORP.COM')).toEqual(['login.evil-corp.com'])
  })

  it('an IP prefix matches addresses and URLs that contain it, in order', async () => {
    expect(await search('203.0.113.')).toEqual(['203.0.113.7', 'http://203.0.113.9/gate.php'])
    expect(await search('185.9')).toEqual(['185.9.4.4', '185.90.1.1'])
  })

  it('a hash prefix finds the hash', async () => {
    expect(await search('d41d8cd9')).toEqual(['d41d8cd98f00b204e9800998ecf8427e'])
    expect(await search('E3B0C442')).toHaveLength(1)
  })

  it('tags and description words, case- and accent-insensitive', async () => {
    expect(await search('cobalt-strike')).toEqual(['203.0.113.7'])
    expect(await search('ransomware')).toEqual(['ops.example'])
    expect(await search('cafe')).toEqual(['ops.example'])
    expect(await search('пример')).toEqual(['xn--e1afmkfd.xn--p1ai'])
    expect(await search('ПРИМЕР.РФ')).toEqual(['xn--e1afmkfd.xn--p1ai'])
  })

  it('several terms must all occur; a quoted phrase must occur as written', async () => {
    expect(await search('c2 203.0')).toEqual(['203.0.113.7'])
    expect(await search('"seen in a ransomware"')).toEqual(['ops.example'])
    expect(await search('"ransomware seen"')).toEqual([])
  })

  it('finds nothing for misses and for queries without a word', async () => {
    expect(await search('nonexistent-zzz')).toEqual([])
    expect(await search('://')).toEqual([])
    expect(planSearch('...')).toBeNull()
  })

  it('pages newest first with a cursor, without repeats', async () => {
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page: IndicatorPage = await t.core.call('indicators.search', {
        q: '203 OR evil',
        limit: 1,
        cursor,
      })
      seen.push(...page.items.map((i) => i.value))
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    // "OR" is a word here, not an operator: every term must occur.
    expect(seen).toEqual([])
    const all: string[] = []
    cursor = undefined
    do {
      const page: IndicatorPage = await t.core.call('indicators.search', {
        q: 'evil',
        limit: 1,
        cursor,
      })
      all.push(...page.items.map((i) => i.value))
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    expect(all).toEqual([
      'evilcorp.com',
      'evil.corp.com',
      'evil-corporate.net',
      'login.evil-corp.com',
    ])
  })
})

describe('indicators.search bounds', () => {
  it(`looks at most ${SEARCH_MAX_EXAMINED} candidates per call and hands back a cursor to go on`, async () => {
    const local = await import('../db/core-fixture').then((m) => m.openTestCore())
    try {
      // Every row matches the words of 'a.b' but only the oldest contains 'a.b' itself: the first call
      // gives up after the cap with a cursor, and a later call finds it.
      const items = [
        { value: 'a.b.example' },
        ...Array.from({ length: SEARCH_MAX_EXAMINED + 500 }, (_, i) => ({
          value: `a-b-${i}.example`,
        })),
      ]
      await local.core.call('indicators.bulkCreate', { items })
      const first = await local.core.call('indicators.search', { q: 'a.b' })
      expect(first.items).toEqual([])
      expect(first.nextCursor).not.toBeNull()
      const second = await local.core.call('indicators.search', {
        q: 'a.b',
        cursor: first.nextCursor ?? undefined,
      })
      expect(second.items.map((i) => i.value)).toEqual(['a.b.example'])
      expect(second.nextCursor).toBeNull()
    } finally {
      await local.dispose()
    }
  })
})
