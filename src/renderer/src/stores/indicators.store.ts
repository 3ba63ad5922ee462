import { createStore, type StoreApi } from 'zustand/vanilla'
import type {
  Indicator,
  IndicatorFilter,
  IndicatorSort,
  SearchCoverage,
} from '#shared/contract/indicators.contract'
import { errorMessage, type Client } from '../api/client'
import { queryFromSearch, searchFromQuery } from './indicators-url'
import {
  cursorFor,
  emptyWindow,
  evict,
  indexOfId,
  pageOf,
  pagesToLoad,
  rowAt,
  rowCount,
  withPage,
  withRemoved,
  withReplaced,
  withTotal,
  type PageWindow,
} from './page-window'

export const PAGE_SIZE = 200
/** 40 pages = 8,000 rows held at once, whatever the table's size: memory stays flat at a million rows. */
export const MAX_LOADED_PAGES = 40
/** Coalesces bursts of change events (a feed import emits many) into one refresh. */
const REFRESH_DEBOUNCE_MS = 200
/** While the search index is behind, how often the view asks how far it has got. */
const INDEX_RECHECK_MS = 1000

export type IndicatorsState = {
  filter: IndicatorFilter
  sort: IndicatorSort
  window: PageWindow<Indicator>
  /** Bumped on every reset; answers for an older generation are dropped. */
  generation: number
  total: number | null
  loadError: string | null
  /** Changes arrived while the analyst was scrolled away from the top; the view offers a reload. */
  stale: boolean
  /**
   * Set while a text filter's answer came from a search index that is still rebuilding or catching up:
   * the result may miss indicators, and the view says so. Null when the answer was complete.
   */
  searchPartial: SearchCoverage | null
  selectedIndex: number
  selectedId: string | null
  /** Indicator shown in the detail panel. */
  detailId: string | null
  /** Bumped by every select(): the table brings the selected row into view, even when it is the same. */
  revealSeq: number
  /** Bumped when back/forward changed the query: inputs holding their own text take the URL's. */
  urlSeq: number

  setFilter(patch: Partial<IndicatorFilter>): void
  clearFilters(): void
  setSort(field: IndicatorSort['field']): void
  /** Called by the table with the rows it renders; fetches what is missing, evicts what is far. */
  showRange(first: number, last: number): void
  reload(): void
  /** Selects row `index` (clamped to the result); the table scrolls it into view. */
  select(index: number): void
  moveSelection(delta: number): void
  openDetail(id: string | null): void
  forgetRow(id: string): void
  /** Shows a row this window just saved without waiting for the change event. */
  replaceRow(row: Indicator): void
  rowAt(index: number): Indicator | null
  dispose(): void
}

export type IndicatorsStore = StoreApi<IndicatorsState>

const DEFAULT_SORT: IndicatorSort = { field: 'updatedAt', dir: 'desc' }
/** Sorting by text reads naturally A→Z; numbers and dates most-important-first. */
const ASC_FIRST = new Set<IndicatorSort['field']>(['value', 'type'])

/** Empty strings and undefined mean "no filter" and are not sent. */
export const cleanFilter = (f: IndicatorFilter): IndicatorFilter => {
  const out: IndicatorFilter = { ...f }
  for (const key of Object.keys(out) as (keyof IndicatorFilter)[]) {
    const v = out[key]
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete out[key]
  }
  return out
}

const coverageOf = (answer: Partial<SearchCoverage>): SearchCoverage => ({
  partial: answer.partial === true,
  indexProgress: answer.indexProgress ?? null,
})

const sameFilter = (a: IndicatorFilter, b: IndicatorFilter) =>
  JSON.stringify(cleanFilter(a)) === JSON.stringify(cleanFilter(b))

/**
 * The indicators view's state: the filter and sort (mirrored in the URL's query string, so a reload and
 * back/forward keep them), the page window, the selection and the detail panel.
 */
export const createIndicatorsStore = (
  client: Client,
  onError: (message: string) => void,
): IndicatorsStore => {
  const inFlight = new Set<string>()
  let visible = { first: 0, last: 0 }
  let refreshTimer: number | undefined
  let indexTimer: number | undefined
  const initial = queryFromSearch(window.location.search)

  const store = createStore<IndicatorsState>()((set, get) => {
    const fetchPage = async (page: number) => {
      const { window: w, generation, filter, sort } = get()
      const key = `${generation}:${page}`
      if (w.pages.has(page) || inFlight.has(key)) return
      inFlight.add(key)
      try {
        const cursor = cursorFor(w, page)
        const base = { filter: cleanFilter(filter), sort, limit: PAGE_SIZE }
        // Next to a loaded page the keyset cursor is the cheapest way on; anywhere else, the position.
        const result =
          cursor === undefined
            ? await client.call('indicators.listAt', { ...base, offset: page * PAGE_SIZE })
            : await client.call('indicators.list', cursor === null ? base : { ...base, cursor })
        if (get().generation !== generation) return
        const focus = pageOf(get().window, Math.floor((visible.first + visible.last) / 2))
        const next = evict(
          withPage(get().window, page, result.items, result.nextCursor),
          focus,
          MAX_LOADED_PAGES,
        )
        set({ window: next, total: next.total, loadError: null, ...resyncSelection(next) })
        // The count may have arrived meanwhile, or the viewport moved on.
        loadVisible()
      } catch (e) {
        if (get().generation === generation) set({ loadError: errorMessage(e) })
      } finally {
        inFlight.delete(key)
      }
    }

    const loadVisible = () => {
      for (const page of pagesToLoad(get().window, visible.first, visible.last))
        void fetchPage(page)
    }

    /** The selected row may have moved (a reset) or arrived (a page loaded under it): follow it. */
    const resyncSelection = (w: PageWindow<Indicator>): Partial<IndicatorsState> => {
      const { selectedId, selectedIndex, detailId } = get()
      const at = rowAt(w, selectedIndex)
      if (selectedId === null) {
        if (at === null) return {}
        // j/k into a page that was still loading: the detail follows once the row is there.
        return { selectedId: at.id, ...(detailId !== null ? { detailId: at.id } : {}) }
      }
      if (at?.id === selectedId) return {}
      const found = indexOfId(w, selectedId)
      return found >= 0 ? { selectedIndex: found } : {}
    }

    /**
     * Asks again, a moment later, whether the search index has caught up; once it has, the result is
     * refreshed (what it missed may now match) and the notice goes.
     */
    const watchIndex = (generation: number) => {
      window.clearTimeout(indexTimer)
      indexTimer = window.setTimeout(() => {
        void recheckIndex(generation)
      }, INDEX_RECHECK_MS)
    }

    const recheckIndex = async (generation: number) => {
      if (get().generation !== generation) return
      try {
        const answer = await client.call('indicators.count', { filter: cleanFilter(get().filter) })
        if (get().generation !== generation) return
        if (answer.partial === true) {
          set({ searchPartial: coverageOf(answer) })
          watchIndex(generation)
          return
        }
        set({ searchPartial: null })
        scheduleRefresh()
      } catch {
        // The notice stays; the next try may get through.
        if (get().generation === generation) watchIndex(generation)
      }
    }

    const refreshCount = async () => {
      const generation = get().generation
      try {
        const answer = await client.call('indicators.count', {
          filter: cleanFilter(get().filter),
        })
        if (get().generation !== generation) return
        const { total } = answer
        const w = withTotal(get().window, total)
        const partial = answer.partial === true
        set({ window: w, total, searchPartial: partial ? coverageOf(answer) : null })
        if (partial) watchIndex(generation)
        loadVisible()
      } catch (e) {
        if (get().generation === generation) set({ total: null, loadError: errorMessage(e) })
      }
    }

    const reset = () => {
      window.clearTimeout(indexTimer)
      set((s) => ({
        generation: s.generation + 1,
        window: emptyWindow<Indicator>(PAGE_SIZE),
        total: null,
        stale: false,
        loadError: null,
      }))
      visible = { first: 0, last: 0 }
      void fetchPage(0)
      void refreshCount()
    }

    /** A new filter may exclude the indicator in the detail panel: then the panel closes. */
    const checkDetailStillMatches = async () => {
      const { detailId, filter, generation } = get()
      if (detailId === null) return
      try {
        const { total } = await client.call('indicators.count', {
          filter: { ...cleanFilter(filter), ids: [detailId] },
        })
        if (total === 0 && get().detailId === detailId && get().generation === generation)
          set({ detailId: null })
      } catch (e) {
        onError(errorMessage(e))
      }
    }

    /** A new query: a history entry (so back returns to the previous one), a fresh result. */
    const applyQuery = (filter: IndicatorFilter, sort: IndicatorSort, push: boolean) => {
      // Another result: the selection by position means nothing in it.
      set({ filter: cleanFilter(filter), sort, selectedIndex: -1, selectedId: null })
      if (push) {
        const search = searchFromQuery(window.location.search, { filter, sort }, DEFAULT_SORT)
        const { pathname, hash } = window.location
        window.history.pushState(window.history.state, '', `${pathname}${search}${hash}`)
      }
      reset()
      void checkDetailStillMatches()
    }

    const onPopState = () => {
      const q = queryFromSearch(window.location.search)
      const sort = q.sort ?? DEFAULT_SORT
      const { filter: current, sort: currentSort } = get()
      if (
        sameFilter(q.filter, current) &&
        sort.field === currentSort.field &&
        sort.dir === currentSort.dir
      )
        return
      applyQuery(q.filter, sort, false)
      set((s) => ({ urlSeq: s.urlSeq + 1 }))
    }
    window.addEventListener('popstate', onPopState)

    const refreshRows = async (ids: string[]) => {
      const loaded = ids.filter((id) => indexOfId(get().window, id) >= 0)
      const fresh = await Promise.all(
        loaded.map((id) => client.call('indicators.get', { id }).catch(() => null)),
      )
      const rows = fresh.filter((r): r is Indicator => r !== null)
      if (rows.length > 0) set({ window: withReplaced(get().window, rows) })
    }

    const scheduleRefresh = () => {
      window.clearTimeout(refreshTimer)
      refreshTimer = window.setTimeout(() => {
        // Near the top a reset is invisible; deeper down it would yank the rows away mid-read.
        if (visible.first < PAGE_SIZE) reset()
        else {
          set({ stale: true })
          void refreshCount()
        }
      }, REFRESH_DEBOUNCE_MS)
    }

    const removeRows = (ids: string[]) => {
      const w = withRemoved(get().window, ids)
      if (w === get().window) return false
      set({ window: w, total: w.total, ...resyncSelection(w) })
      loadVisible()
      return true
    }

    const unsubscribe = client.on('indicators.onDidChange', (change) => {
      if (change.kind === 'updated' && change.ids && change.ids.length <= 50) {
        refreshRows(change.ids).catch((e: unknown) => onError(errorMessage(e)))
        return
      }
      if (change.kind === 'deleted' && change.ids) {
        removeRows(change.ids)
        void refreshCount()
        return
      }
      scheduleRefresh()
    })

    return {
      filter: cleanFilter(initial.filter),
      sort: initial.sort ?? DEFAULT_SORT,
      window: emptyWindow<Indicator>(PAGE_SIZE),
      generation: 0,
      total: null,
      loadError: null,
      stale: false,
      searchPartial: null,
      selectedIndex: -1,
      selectedId: null,
      detailId: null,
      revealSeq: 0,
      urlSeq: 0,

      setFilter: (patch) => {
        const next = cleanFilter({ ...get().filter, ...patch })
        // Enter after the debounce already applied the same query must not start a second one.
        if (sameFilter(next, get().filter)) return
        applyQuery(next, get().sort, true)
      },
      clearFilters: () => {
        // The search box lives in the top bar and keeps its text.
        const q = get().filter.q
        applyQuery(q ? { q } : {}, get().sort, true)
      },
      setSort: (field) => {
        const s = get().sort
        const sort: IndicatorSort =
          s.field === field
            ? { field, dir: s.dir === 'asc' ? 'desc' : 'asc' }
            : { field, dir: ASC_FIRST.has(field) ? 'asc' : 'desc' }
        applyQuery(get().filter, sort, true)
      },
      showRange: (first, last) => {
        visible = { first, last }
        loadVisible()
      },
      reload: reset,
      select: (index) => {
        const count = rowCount(get().window)
        if (count === 0) return
        const clamped = Math.max(0, Math.min(count - 1, index))
        const row = rowAt(get().window, clamped)
        set((s) => ({
          selectedIndex: clamped,
          selectedId: row?.id ?? null,
          revealSeq: s.revealSeq + 1,
          // An open detail panel follows the selection.
          detailId: s.detailId !== null && row !== null ? row.id : s.detailId,
        }))
      },
      moveSelection: (delta) => {
        const { selectedIndex } = get()
        get().select(selectedIndex < 0 ? 0 : selectedIndex + delta)
      },
      openDetail: (id) => set({ detailId: id }),
      forgetRow: (id) => {
        removeRows([id])
        set((s) => ({
          detailId: s.detailId === id ? null : s.detailId,
          selectedId: s.selectedId === id ? null : s.selectedId,
        }))
      },
      replaceRow: (row) => set({ window: withReplaced(get().window, [row]) }),
      rowAt: (index) => rowAt(get().window, index),
      dispose: () => {
        unsubscribe()
        window.clearTimeout(refreshTimer)
        window.clearTimeout(indexTimer)
        window.removeEventListener('popstate', onPopState)
      },
    }
  })
  store.getState().reload()
  return store
}
