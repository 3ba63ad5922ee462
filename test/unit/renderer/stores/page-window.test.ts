import { describe, expect, it } from 'vitest'
import {
  cursorFor,
  emptyWindow,
  evict,
  indexOfId,
  pagesToLoad,
  residentRows,
  rowAt,
  rowCount,
  withPage,
  withRemoved,
  withReplaced,
  withTotal,
} from '../../../../src/renderer/src/stores/page-window'

type Row = { id: string; n: number }
const rows = (from: number, count: number): Row[] =>
  Array.from({ length: count }, (_, i) => ({ id: `r${from + i}`, n: from + i }))

describe('page window', () => {
  it('before the count knows only the first page; after it, the whole span', () => {
    let w = emptyWindow<Row>(10)
    expect(pagesToLoad(w, 0, 30)).toEqual([0])
    w = withPage(w, 0, rows(0, 10), 'c1')
    expect(rowCount(w)).toBe(10)
    expect(pagesToLoad(w, 0, 30)).toEqual([])
    w = withTotal(w, 1_000_000)
    expect(rowCount(w)).toBe(1_000_000)
    expect(pagesToLoad(w, 500_003, 500_025)).toEqual([50_000, 50_001, 50_002])
    // Past the end is clipped to the last page.
    expect(pagesToLoad(w, 999_995, 1_000_030)).toEqual([99_999])
  })

  it('fetches next to a loaded page by its cursor, elsewhere by position', () => {
    let w = withTotal(withPage(emptyWindow<Row>(10), 0, rows(0, 10), 'c1'), 100)
    expect(cursorFor(w, 0)).toBeNull()
    expect(cursorFor(w, 1)).toBe('c1')
    expect(cursorFor(w, 5)).toBeUndefined()
    w = withPage(w, 5, rows(50, 10), 'c6')
    expect(rowAt(w, 57)).toEqual({ id: 'r57', n: 57 })
    expect(rowAt(w, 45)).toBeNull()
    expect(cursorFor(w, 6)).toBe('c6')
    expect(indexOfId(w, 'r53')).toBe(53)
  })

  it('a last page fixes a stale count, in both directions', () => {
    let w = withTotal(emptyWindow<Row>(10), 100)
    w = withPage(w, 9, rows(90, 4), null)
    expect(w.total).toBe(94)
    w = withTotal(emptyWindow<Row>(10), 20)
    w = withPage(w, 1, rows(10, 10), 'more')
    expect(w.total).toBe(21)
  })

  it('evicts the pages farthest from the focus', () => {
    let w = withTotal(emptyWindow<Row>(10), 1000)
    for (const p of [0, 1, 2, 50, 51, 90]) w = withPage(w, p, rows(p * 10, 10), `c${p + 1}`)
    w = evict(w, 50, 3)
    expect([...w.pages.keys()].sort((a, b) => a - b)).toEqual([50, 51, 90])
    expect(residentRows(w)).toBe(30)
  })

  it('a removed row drops its page and those after it, keeping the ones before', () => {
    let w = withTotal(emptyWindow<Row>(10), 40)
    for (const p of [0, 1, 2, 3]) w = withPage(w, p, rows(p * 10, 10), p === 3 ? null : `c${p + 1}`)
    expect(w.total).toBe(40)
    expect(withRemoved(w, ['nope'])).toBe(w)
    const after = withRemoved(w, ['r15'])
    expect([...after.pages.keys()]).toEqual([0])
    expect(after.total).toBe(39)
    const edited = withReplaced(w, [{ id: 'r3', n: -3 }])
    expect(rowAt(edited, 3)).toEqual({ id: 'r3', n: -3 })
    expect(withReplaced(w, [{ id: 'elsewhere', n: 0 }])).toBe(w)
  })
})
