import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  INDICATOR_SORT_FIELDS,
  type Indicator,
  type IndicatorFilter,
  type IndicatorSort,
} from '#shared/contract/indicators.contract'
import { AppError } from '#shared/contract'
import type { IocType, Severity } from '#shared/domain/enums'
import { openTestCore, type TestCore } from '../db/core-fixture'

// 10,000 indicators with every sort key varied, ties included (ten imports share ten updatedAt values),
// and missing first/last seen dates; then every sort is walked page by page.
const N = 10_000
const SEVERITIES: Severity[] = ['info', 'low', 'medium', 'high', 'critical']
const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString()

const valueOf = (i: number): { type: IocType; value: string } => {
  switch (i % 3) {
    case 0:
      return { type: 'ip', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
    case 1:
      return { type: 'domain', value: `host${i}.list.example` }
    default:
      return { type: 'md5', value: i.toString(16).padStart(32, 'a') }
  }
}

let t: TestCore
let all: Indicator[]
beforeAll(async () => {
  t = await openTestCore()
  const p = await t.core.call('projects.create', { name: 'List project' })
  for (let chunk = 0; chunk < 10; chunk++) {
    const items = Array.from({ length: N / 10 }, (_, k) => {
      const i = chunk * (N / 10) + k
      return {
        ...valueOf(i),
        score: (i * 37) % 101,
        confidence: (i * 53) % 101,
        severity: SEVERITIES[i % 5],
        classification: (['malicious', 'suspicious', 'unknown', 'benign'] as const)[i % 4],
        tags: i % 10 === 0 ? ['emotet'] : i % 10 === 1 ? ['cobalt-strike', 'c2'] : [],
        ...(i % 7 === 0 ? {} : { lastSeen: day(200 + ((i * 13) % 150)) }),
        ...(i % 5 === 0 ? {} : { firstSeen: day((i * 11) % 200) }),
        ...(i % 6 === 0 ? { projectId: p.id } : {}),
        ...(i % 9 === 0 ? { falsePositive: true } : {}),
        ...(i % 13 === 0 ? { description: `Beacon seen in Ransomware intrusion ${i}` } : {}),
      }
    })
    await t.core.call('indicators.bulkCreate', { items })
    t.clock.advance(60_000)
  }
  all = []
  let cursor: string | undefined
  do {
    const page = await t.core.call('indicators.list', { limit: 1000, cursor })
    all.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
}, 120_000)
afterAll(() => t.dispose())

const sortKey: Record<IndicatorSort['field'], (i: Indicator) => string | number | null> = {
  lastSeen: (i) => i.lastSeen,
  firstSeen: (i) => i.firstSeen,
  score: (i) => i.score,
  severity: (i) => SEVERITIES.indexOf(i.severity),
  confidence: (i) => i.confidence,
  value: (i) => i.value,
  type: (i) => i.type,
  createdAt: (i) => i.createdAt,
  updatedAt: (i) => i.updatedAt,
  sources: (i) => i.sourceCount,
  sightings: (i) => i.sightingCount,
}

const walk = async (
  sort: IndicatorSort,
  filter: IndicatorFilter = {},
  limit = 997,
): Promise<Indicator[]> => {
  const out: Indicator[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 100; pages++) {
    const page = await t.core.call('indicators.list', { filter, sort, limit, cursor })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    out.push(...page.items)
    if (page.nextCursor === null) return out
    cursor = page.nextCursor
  }
  throw new Error('pagination did not end')
}

/** SQLite order: NULLs first ascending, last descending. */
const inOrder = (
  a: string | number | null,
  b: string | number | null,
  dir: 'asc' | 'desc',
): boolean => {
  if (a === null || b === null)
    return dir === 'asc' ? a === null || b !== null : b === null || a !== null
  return dir === 'asc' ? a <= b : a >= b
}

describe('indicators.list: keyset pagination', () => {
  it('the seed is all there', () => {
    expect(all).toHaveLength(N)
  })

  for (const field of INDICATOR_SORT_FIELDS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`walks all ${N} rows sorted by ${field} ${dir} without duplicates or gaps`, async () => {
        const rows = await walk({ field, dir })
        expect(rows).toHaveLength(N)
        expect(new Set(rows.map((r) => r.id)).size).toBe(N)
        const key = sortKey[field]
        for (let i = 1; i < rows.length; i++) {
          if (!inOrder(key(rows[i - 1]), key(rows[i]), dir)) {
            throw new Error(`out of order at ${i}: ${key(rows[i - 1])} then ${key(rows[i])}`)
          }
        }
      })
    }
  }

  it('walks a filtered sort and agrees with count', async () => {
    const filter: IndicatorFilter = {
      types: ['ip', 'md5'],
      scoreMin: 20,
      scoreMax: 80,
      active: true,
    }
    const rows = await walk({ field: 'lastSeen', dir: 'desc' }, filter, 333)
    const { total } = await t.core.call('indicators.count', { filter })
    expect(rows).toHaveLength(total)
    expect(new Set(rows.map((r) => r.id)).size).toBe(total)
  })

  it('refuses a cursor of another sort, and garbage', async () => {
    const page = await t.core.call('indicators.list', {
      sort: { field: 'score', dir: 'desc' },
      limit: 5,
    })
    const cursor = page.nextCursor ?? ''
    for (const bad of [cursor.slice(0, -3) + 'zzz', 'not-a-cursor']) {
      const e = await t.core
        .call('indicators.list', { sort: { field: 'lastSeen', dir: 'desc' }, cursor: bad })
        .then(
          () => null,
          (x: unknown) => x,
        )
      expect(e).toBeInstanceOf(AppError)
      expect((e as AppError).code).toBe('invalid_input')
    }
    const e = await t.core
      .call('indicators.list', { sort: { field: 'lastSeen', dir: 'desc' }, cursor })
      .then(
        () => null,
        (x: unknown) => x,
      )
    expect((e as AppError).message).toMatch(/cursor is not valid/)
  })
})

describe('indicators.list: filters', () => {
  const ids = (rows: Indicator[]) => rows.map((r) => r.id).sort()
  const cases: [string, IndicatorFilter, (i: Indicator) => boolean][] = [
    ['types', { types: ['domain'] }, (i) => i.type === 'domain'],
    [
      'classifications',
      { classifications: ['malicious', 'benign'] },
      (i) => ['malicious', 'benign'].includes(i.classification),
    ],
    ['severities', { severities: ['critical'] }, (i) => i.severity === 'critical'],
    ['score range', { scoreMin: 90, scoreMax: 95 }, (i) => i.score >= 90 && i.score <= 95],
    ['tag', { tag: 'c2' }, (i) => i.tags.includes('c2')],
    ['tag with punctuation', { tag: 'cobalt-strike' }, (i) => i.tags.includes('cobalt-strike')],
    ['no project', { projectId: null }, (i) => i.projectId === null],
    ['active', { active: false }, (i) => !i.active],
    ['false positive', { falsePositive: true }, (i) => i.falsePositive],
    [
      'first seen range',
      { firstSeenFrom: day(10), firstSeenTo: day(20) },
      (i) => i.firstSeen !== null && i.firstSeen >= day(10) && i.firstSeen <= day(20),
    ],
    [
      'last seen range, offset timestamps',
      { lastSeenFrom: '2025-08-01T02:00:00+02:00', lastSeenTo: day(230) },
      (i) => i.lastSeen !== null && i.lastSeen >= day(212) && i.lastSeen <= day(230),
    ],
    ['q', { q: 'ransomware' }, (i) => i.description.toLowerCase().includes('ransomware')],
    [
      'q with other filters',
      { q: 'list.example', types: ['domain'], severities: ['low'] },
      (i) => i.type === 'domain' && i.severity === 'low',
    ],
    ['empty lists mean no filter', { types: [], severities: [] }, () => true],
  ]
  for (const [name, filter, pred] of cases) {
    it(`${name}`, async () => {
      const expected = all.filter(pred)
      expect(expected.length).toBeGreaterThan(0)
      const rows = await walk({ field: 'updatedAt', dir: 'desc' }, filter, 1000)
      expect(ids(rows)).toEqual(ids(expected))
      expect((await t.core.call('indicators.count', { filter })).total).toBe(expected.length)
    })
  }

  it('project filter', async () => {
    const projectId = all.find((i) => i.projectId !== null)?.projectId as string
    const rows = await walk({ field: 'score', dir: 'desc' }, { projectId }, 1000)
    expect(ids(rows)).toEqual(ids(all.filter((i) => i.projectId === projectId)))
  })

  it('ids filter: only those indicators, and only if the other filters hold', async () => {
    const fp = all.find((i) => i.falsePositive)
    const clean = all.find((i) => !i.falsePositive)
    if (!fp || !clean) throw new Error('the seed has both kinds')
    const both = [fp.id, clean.id]
    expect(ids(await walk({ field: 'value', dir: 'asc' }, { ids: both }))).toEqual(both.sort())
    const { total } = await t.core.call('indicators.count', {
      filter: { ids: both, falsePositive: false },
    })
    expect(total).toBe(1)
  })
})

describe('indicators.listAt: the page at a position', () => {
  const sorts: IndicatorSort[] = [
    { field: 'updatedAt', dir: 'desc' },
    { field: 'lastSeen', dir: 'desc' },
    { field: 'lastSeen', dir: 'asc' },
    { field: 'score', dir: 'asc' },
    { field: 'value', dir: 'asc' },
  ]
  for (const sort of sorts) {
    it(`is the same slice a keyset walk reaches, sorted by ${sort.field} ${sort.dir}`, async () => {
      const rows = await walk(sort)
      // Around the NULL boundary of the nullable sorts, and the ends.
      const nullAt = rows.findIndex((r) => sortKey[sort.field](r) === null)
      const offsets = [
        0,
        1,
        999,
        4321,
        N / 2,
        N / 2 + 1,
        N - 7,
        N - 1,
        ...(nullAt > 0 ? [nullAt - 2, nullAt] : []),
      ]
      for (const offset of offsets) {
        const page = await t.core.call('indicators.listAt', { sort, offset, limit: 5 })
        expect(page.items.map((r) => r.id)).toEqual(rows.slice(offset, offset + 5).map((r) => r.id))
        if (page.nextCursor === null) {
          expect(offset + 5).toBeGreaterThanOrEqual(N)
          continue
        }
        // Its cursor goes on with ordinary keyset pages.
        const next = await t.core.call('indicators.list', {
          sort,
          cursor: page.nextCursor,
          limit: 3,
        })
        expect(next.items.map((r) => r.id)).toEqual(
          rows.slice(offset + 5, offset + 8).map((r) => r.id),
        )
      }
    })
  }

  it('filters like indicators.list, and is empty past the end', async () => {
    const filter: IndicatorFilter = { types: ['domain'], falsePositive: false }
    const sort: IndicatorSort = { field: 'firstSeen', dir: 'desc' }
    const rows = await walk(sort, filter)
    const { total } = await t.core.call('indicators.count', { filter })
    expect(rows).toHaveLength(total)
    const mid = Math.floor(total / 2)
    const page = await t.core.call('indicators.listAt', { filter, sort, offset: mid, limit: 10 })
    expect(page.items.map((r) => r.id)).toEqual(rows.slice(mid, mid + 10).map((r) => r.id))
    const past = await t.core.call('indicators.listAt', { filter, sort, offset: total, limit: 10 })
    expect(past).toEqual({ items: [], nextCursor: null })
  })

  it('counts again once something was written (a count is not kept across writes)', async () => {
    const filter: IndicatorFilter = { types: ['url'] }
    expect((await t.core.call('indicators.count', { filter })).total).toBe(0)
    expect((await t.core.call('indicators.count', { filter })).total).toBe(0)
    const made = await t.core.call('indicators.create', { value: 'http://count.example/x' })
    expect((await t.core.call('indicators.count', { filter })).total).toBe(1)
    await t.core.call('indicators.bulkCreate', { text: 'http://count.example/y\n' })
    expect((await t.core.call('indicators.count', { filter })).total).toBe(2)
    await t.core.call('indicators.delete', { id: made.id })
    expect((await t.core.call('indicators.count', { filter })).total).toBe(1)
  })
})
