import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INDICATOR_SORT_FIELDS, type IndicatorSort } from '#shared/contract/indicators.contract'
import {
  SORT_COLUMNS,
  buildFilterWhere,
  countSql,
  keysetSegments,
  positionSql,
  type Cursor,
} from '#core/indicators/indicator-query'
import { INDICATOR_SELECT } from '#core/indicators/indicator-row'
import { indicatorId } from '#core/indicators/indicator-id.node'
import { planSearch } from '#core/indicators/indicator-search'
import { GET_BY_ID_SQL, LOOKUP_SQL, SEARCH_SQL } from '#core/indicators/indicators.repository'
import { PROJECT_STATS_SQL } from '#core/projects/projects.repository'
import { openTestCore, queryPlan, type TestCore } from './core-fixture'

// The hot paths' SQL is imported from the code that runs it; each must use its index. A plan line starting
// 'SCAN indicators' without 'USING ... INDEX' would be a full table scan.
const fullScan = (plan: string[]) => plan.some((d) => /^SCAN indicators(?! USING)/.test(d))

let t: TestCore
beforeAll(async () => {
  t = await openTestCore()
  // Realistic rows: most with a last-seen date, a few without.
  const items = Array.from({ length: 250 }, (_, i) => ({
    type: 'ip' as const,
    value: `192.0.2.${i}`,
    score: i % 101,
    ...(i % 10 === 0 ? {} : { lastSeen: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() }),
  }))
  await t.core.call('indicators.bulkCreate', { items })
})
afterAll(() => t.dispose())

const pagePlans = (sort: IndicatorSort, cursor: Cursor | null, filter = {}) =>
  keysetSegments({ select: INDICATOR_SELECT, where: buildFilterWhere(filter), sort, cursor }).map(
    (s) => queryPlan(t.core, s.sql, [...s.params, 101]),
  )

describe('query plans of the hot paths', () => {
  it('lookup by type and value reads the primary key (the id is UUIDv5 of type and value)', () => {
    const plan = queryPlan(t.core, LOOKUP_SQL, [indicatorId('ip', '192.0.2.1'), 'ip', '192.0.2.1'])
    expect(plan).toEqual([
      expect.stringMatching(
        /^SEARCH indicators USING INDEX sqlite_autoindex_indicators_\d \(id=\?\)$/,
      ),
    ])
  })

  it('get by id uses the primary key index', () => {
    expect(queryPlan(t.core, GET_BY_ID_SQL, ['x'])).toEqual([
      expect.stringMatching(
        /^SEARCH indicators USING INDEX sqlite_autoindex_indicators_\d \(id=\?\)$/,
      ),
    ])
  })

  it('search walks the FTS5 index in rowid order and fetches rows by rowid, without sorting', () => {
    const plan = queryPlan(t.core, SEARCH_SQL, [
      planSearch('evil-corp')?.match,
      Number.MAX_SAFE_INTEGER,
    ])
    // The index is search.sqlite, attached as `search` (src/main/db/search).
    expect(plan[0]).toMatch(/^SCAN search\.indicators_fts VIRTUAL TABLE INDEX/)
    expect(plan[1]).toBe('SEARCH indicators USING INTEGER PRIMARY KEY (rowid=?)')
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
    // What the sources said (searchContextSql) is a range of the observations' unique index per row.
    expect(plan).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^SEARCH o USING INDEX UQ_observations_indicator_source \(indicator_rowid=\?\)/,
        ),
      ]),
    )
    expect(fullScan(plan)).toBe(false)
  })

  it('the minimum-sources filter is a range of the source count index', () => {
    const [plan] = pagePlans({ field: 'sources', dir: 'desc' }, null, { sourcesMin: 2 })
    expect(plan).toEqual([
      expect.stringContaining('USING INDEX IDX_indicators_source_count (source_count>?)'),
    ])
  })

  const indexed: Record<string, string> = {
    updatedAt: 'IDX_indicators_updated_at',
    lastSeen: 'IDX_indicators_last_seen',
    score: 'IDX_indicators_score',
    sources: 'IDX_indicators_source_count',
    sightings: 'IDX_indicators_sighting_count',
  }
  for (const [field, index] of Object.entries(indexed)) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`a keyset page sorted by ${field} ${dir} is a range of ${index}, first page and later pages`, () => {
        const sort = { field, dir } as IndicatorSort
        const value = SORT_COLUMNS[sort.field].kind === 'int' ? 50 : '2025-06-01T00:00:00.000Z'
        for (const cursor of [
          null,
          { value, rowid: 100 },
          ...(SORT_COLUMNS[sort.field].nullable ? [{ value: null, rowid: 100 }] : []),
        ]) {
          for (const plan of pagePlans(sort, cursor)) {
            expect(plan).toEqual([expect.stringContaining(`USING INDEX ${index}`)])
            expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
          }
        }
      })
    }
  }

  for (const [field, index] of Object.entries(indexed)) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`a position page sorted by ${field} ${dir} skips along ${index}, reading no table rows`, () => {
        const sort = { field, dir } as IndicatorSort
        const at = positionSql(buildFilterWhere({}), sort, false)
        const plan = queryPlan(t.core, at.sql, [...at.params, 100])
        // Covering: the sort value and the rowid are both in the index.
        expect(plan).toEqual([expect.stringMatching(new RegExp(`USING COVERING INDEX ${index}`))])
        expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
      })
    }
  }

  it('a filtered position page still walks the index of its sort', () => {
    const at = positionSql(
      buildFilterWhere({ types: ['ip'], active: true }),
      {
        field: 'lastSeen',
        dir: 'desc',
      },
      false,
    )
    const plan = queryPlan(t.core, at.sql, [...at.params, 100])
    expect(plan).toEqual([expect.stringContaining('USING INDEX IDX_indicators_last_seen')])
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
    // A search filter sorts its few matches instead.
    const q = positionSql(
      buildFilterWhere({ q: 'evil-corp' }),
      { field: 'lastSeen', dir: 'desc' },
      true,
    )
    expect(queryPlan(t.core, q.sql, [...q.params, 100]).join('\n')).toMatch(
      /SCAN search\.indicators_fts VIRTUAL TABLE/,
    )
  })

  it('an unfiltered count reads an index, not the table', () => {
    const c = countSql(buildFilterWhere({}))
    expect(queryPlan(t.core, c.sql, c.params)).toEqual([
      expect.stringMatching(/^SCAN indicators USING COVERING INDEX IDX_indicators_/),
    ])
  })

  it('every other sort is correct without an index (scan and sort), as the migration documents', () => {
    for (const field of INDICATOR_SORT_FIELDS.filter((f) => !(f in indexed))) {
      const plans = pagePlans({ field, dir: 'desc' }, null)
      expect(plans.length).toBeGreaterThan(0)
    }
  })

  it('the project filter uses the partial project index', () => {
    const [plan] = pagePlans({ field: 'updatedAt', dir: 'desc' }, null, {
      projectId: '00000000-0000-4000-8000-000000000001',
    })
    expect(fullScan(plan ?? [])).toBe(false)
    expect(queryPlan(t.core, PROJECT_STATS_SQL, ['00000000-0000-4000-8000-000000000001'])).toEqual(
      expect.arrayContaining([
        expect.stringContaining('USING INDEX IDX_indicators_project (project_id=?)'),
      ]),
    )
  })

  it('the q and tag filters go through the search index, not a table scan', () => {
    for (const filter of [{ q: 'evil-corp' }, { tag: 'emotet' }]) {
      const [plan] = pagePlans({ field: 'updatedAt', dir: 'desc' }, null, filter)
      expect(plan?.join('\n')).toMatch(/SCAN search\.indicators_fts VIRTUAL TABLE/)
    }
  })
})
