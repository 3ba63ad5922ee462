import { createStore, type StoreApi } from 'zustand/vanilla'
import type {
  Indicator,
  IndicatorFilter,
  IndicatorSort,
} from '#shared/contract/indicators.contract'
import { errorMessage, type Client } from '../api/client'
import {
  emptyWindow,
  evict,
  indexOfId,
  rowAt,
  rowCount,
  slotOf,
  slotsToLoad,
  withPage,
  withRemoved,
  withReplaced,
  type PageWindow,
} from './page-window'

export const PAGE_SIZE = 200
/** 40 pages = 8,000 rows held at once, whatever the table's size: memory stays flat at a million rows. */
export const MAX_LOADED_PAGES = 40
/** Coalesces bursts of change events (a feed import emits many) into one refresh. */
const REFRESH_DEBOUNCE_MS = 200

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
  selectedIndex: number
  selectedId: string | null
  /** Indicator shown in the detail panel. */
  detailId: string | null

  setFilter(patch: Partial<IndicatorFilter>): void
  clearFilters(): void
  setSort(field: IndicatorSort['field']): void
  /** Called by the table with the rows it renders; fetches what is missing, evicts what is far. */
  showRange(first: number, last: number): void
  reload(): void
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
const cleanFilter = (f: IndicatorFilter): IndicatorFilter => {
  const out: IndicatorFilter = { ...f }
  for (const key of Object.keys(out) as (keyof IndicatorFilter)[]) {
    const v = out[key]
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete out[key]
  }
  return out
}

export const createIndicatorsStore = (
  client: Client,
  onError: (message: string) => void,
): IndicatorsStore => {
  const inFlight = new Set<string>()
  let visible = { first: 0, last: 0 }
  let refreshTimer: number | undefined

  const store = createStore<IndicatorsState>()((set, get) => {
    const fetchSlot = async (slot: number) => {
      const { window: w, generation, filter, sort } = get()
      const key = `${generation}:${slot}`
      const target = w.slots[slot]
      if (!target || inFlight.has(key)) return
      inFlight.add(key)
      try {
        const page = await client.call('indicators.list', {
          filter: cleanFilter(filter),
          sort,
          limit: PAGE_SIZE,
          ...(target.cursor === null ? {} : { cursor: target.cursor }),
        })
        if (get().generation !== generation) return
        const focus = slotOf(get().window, Math.floor((visible.first + visible.last) / 2))
        const next = evict(
          withPage(get().window, slot, page.items, page.nextCursor),
          focus,
          MAX_LOADED_PAGES,
        )
        set({ window: next, loadError: null, ...resyncSelection(next) })
        // The viewport may already show the next missing page (a fast scroll, a short first page).
        loadVisible()
      } catch (e) {
        if (get().generation === generation) set({ loadError: errorMessage(e) })
      } finally {
        inFlight.delete(key)
      }
    }

    const loadVisible = () => {
      for (const slot of slotsToLoad(get().window, visible.first, visible.last))
        void fetchSlot(slot)
    }

    /** After a reset the selected row may sit elsewhere (or be gone): follow it by id. */
    const resyncSelection = (w: PageWindow<Indicator>) => {
      const { selectedId, selectedIndex } = get()
      if (selectedId === null) return {}
      const at = rowAt(w, selectedIndex)
      if (at?.id === selectedId) return {}
      return { selectedIndex: indexOfId(w, selectedId) }
    }

    const refreshCount = async () => {
      const generation = get().generation
      try {
        const { total } = await client.call('indicators.count', {
          filter: cleanFilter(get().filter),
        })
        if (get().generation === generation) set({ total })
      } catch (e) {
        if (get().generation === generation) set({ total: null, loadError: errorMessage(e) })
      }
    }

    const reset = () => {
      set((s) => ({
        generation: s.generation + 1,
        window: emptyWindow<Indicator>(),
        total: null,
        stale: false,
        loadError: null,
      }))
      visible = { first: 0, last: 0 }
      void fetchSlot(0)
      void refreshCount()
    }

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

    const unsubscribe = client.on('indicators.onDidChange', (change) => {
      if (change.kind === 'updated' && change.ids && change.ids.length <= 50) {
        refreshRows(change.ids).catch((e: unknown) => onError(errorMessage(e)))
        return
      }
      if (change.kind === 'deleted' && change.ids) {
        const w = withRemoved(get().window, change.ids)
        if (w !== get().window) set({ window: w, ...resyncSelection(w) })
        void refreshCount()
        return
      }
      scheduleRefresh()
    })

    return {
      filter: {},
      sort: DEFAULT_SORT,
      window: emptyWindow<Indicator>(),
      generation: 0,
      total: null,
      loadError: null,
      stale: false,
      selectedIndex: -1,
      selectedId: null,
      detailId: null,

      setFilter: (patch) => {
        const next = cleanFilter({ ...get().filter, ...patch })
        // Enter after the debounce already applied the same query must not start a second one.
        if (JSON.stringify(next) === JSON.stringify(cleanFilter(get().filter))) return
        set({ filter: next })
        reset()
      },
      clearFilters: () => {
        // The search box lives in the top bar and keeps its text.
        set((s) => ({ filter: s.filter.q ? { q: s.filter.q } : {} }))
        reset()
      },
      setSort: (field) => {
        set((s) => ({
          sort:
            s.sort.field === field
              ? { field, dir: s.sort.dir === 'asc' ? 'desc' : 'asc' }
              : { field, dir: ASC_FIRST.has(field) ? 'asc' : 'desc' },
        }))
        reset()
      },
      showRange: (first, last) => {
        visible = { first, last }
        loadVisible()
      },
      reload: reset,
      select: (index) => {
        const row = rowAt(get().window, index)
        set({ selectedIndex: index, selectedId: row?.id ?? null })
      },
      moveSelection: (delta) => {
        const count = rowCount(get().window)
        if (count === 0) return
        const { selectedIndex } = get()
        const next = selectedIndex < 0 ? 0 : Math.max(0, Math.min(count - 1, selectedIndex + delta))
        get().select(next)
      },
      openDetail: (id) => set({ detailId: id }),
      forgetRow: (id) => {
        const w = withRemoved(get().window, [id])
        set((s) => ({
          window: w,
          detailId: s.detailId === id ? null : s.detailId,
          selectedId: s.selectedId === id ? null : s.selectedId,
          total: s.total === null ? null : Math.max(0, s.total - (w === s.window ? 0 : 1)),
        }))
      },
      replaceRow: (row) => set({ window: withReplaced(get().window, [row]) }),
      rowAt: (index) => rowAt(get().window, index),
      dispose: () => {
        unsubscribe()
        window.clearTimeout(refreshTimer)
      },
    }
  })
  store.getState().reload()
  return store
}
