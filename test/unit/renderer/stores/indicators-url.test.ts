import { describe, expect, it } from 'vitest'
import {
  queryFromSearch,
  searchFromQuery,
} from '../../../../src/renderer/src/stores/indicators-url'

const DEFAULT_SORT = { field: 'updatedAt', dir: 'desc' } as const

describe('the indicators query in the URL', () => {
  it('round-trips every kind of filter and the sort', () => {
    const q = {
      filter: {
        q: 'emotet c2',
        types: ['ip' as const, 'domain' as const],
        severities: ['critical' as const],
        scoreMin: 40,
        tag: 'botnet',
        projectId: null,
        active: true,
        falsePositive: false,
      },
      sort: { field: 'score' as const, dir: 'asc' as const },
    }
    const search = searchFromQuery('', q, DEFAULT_SORT)
    expect(search).toContain('type=ip%2Cdomain')
    expect(search).toContain('project=none')
    expect(queryFromSearch(search)).toEqual(q)
  })

  it('keeps parameters it does not own, and leaves the default sort out', () => {
    const search = searchFromQuery(
      '?other=1&q=old',
      { filter: {}, sort: DEFAULT_SORT },
      DEFAULT_SORT,
    )
    expect(search).toBe('?other=1')
    expect(searchFromQuery('', { filter: {}, sort: null }, DEFAULT_SORT)).toBe('')
  })

  it('drops a bad parameter on its own and keeps the good ones', () => {
    const q = queryFromSearch('?type=ip,banana&scoreMin=500&severity=high&fp=maybe&sort=evil:asc')
    expect(q).toEqual({ filter: { severities: ['high'] }, sort: null })
    expect(queryFromSearch('?project=not-a-uuid&scoreMax=7').filter).toEqual({ scoreMax: 7 })
  })
})
