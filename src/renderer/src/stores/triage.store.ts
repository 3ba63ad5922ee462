import { createStore, type StoreApi } from 'zustand/vanilla'
import type {
  TriageAction,
  TriageFilter,
  TriageItem,
  TriageRef,
  TriageView,
} from '#shared/contract/triage.contract'
import { errorMessage, type Client } from '../api/client'
import {
  cursorFor,
  emptyWindow,
  evict,
  indexOfId,
  pageOf,
  rowAt,
  rowCount,
  withPage,
  type PageWindow,
} from './page-window'

export const TRIAGE_PAGE_SIZE = 100
/** 40 pages = 4,000 items held at once, whatever the queue's size. */
const MAX_LOADED_PAGES = 40
/** Coalesces bursts of change events (a bulk action emits one per service) into one refresh. */
const REFRESH_DEBOUNCE_MS = 150

const refKey = (r: TriageRef) => `${r.kind}:${r.id}`

export type TriageState = {
  filter: TriageFilter
  /** The filter of the rows on screen (the new filter's rows replace them when they arrive). */
  shownFilter: TriageFilter | null
  window: PageWindow<TriageItem>
  generation: number
  loadError: string | null
  focus: number
  focusKey: string | null
  /** Bumped whenever the focus moves: the list brings the focused row into view. */
  revealSeq: number
  /** Selected items by `kind:id`; actions apply to these when there are any, else to the focused row. */
  selection: ReadonlyMap<string, TriageRef>
  /** Where a shift+j/k extension started. */
  anchor: number | null
  detail: TriageItem | null
  views: TriageView[]
  busy: boolean

  start(): () => void
  setFilter(filter: TriageFilter): void
  ensureRows(first: number, last: number): Promise<void>
  move(delta: number, extend?: boolean): Promise<void>
  focusAt(index: number): void
  toggleSelection(): void
  clearSelection(): void
  act(action: TriageAction, assignee?: string | null): Promise<void>
  openDetail(): void
  closeDetail(): void
  refresh(): Promise<void>
  loadViews(): Promise<void>
  saveView(name: string): Promise<void>
  applyView(id: string): void
  deleteView(id: string): Promise<void>
}

export type TriageStore = StoreApi<TriageState>

export const createTriageStore = (client: Client, onError: (m: string) => void): TriageStore =>
  createStore<TriageState>()((set, get) => {
    const loading = new Map<number, Promise<void>>()

    /** Loads page `page`, walking from the last loaded page before it (the queue pages by keyset only). */
    const loadPage = (page: number): Promise<void> => {
      const have = loading.get(page)
      if (have !== undefined) return have
      const p = (async () => {
        const { window: w, generation, filter } = get()
        if (w.pages.has(page)) return
        let cursor = cursorFor(w, page)
        if (cursor === undefined && page > 0) {
          await loadPage(page - 1)
          if (get().generation !== generation) return
          cursor = cursorFor(get().window, page)
          if (cursor === undefined) return
        }
        const r = await client.call('triage.list', {
          filter,
          limit: TRIAGE_PAGE_SIZE,
          ...(cursor === null || cursor === undefined ? {} : { cursor }),
        })
        if (get().generation !== generation) return
        let next = withPage(get().window, page, r.items, r.nextCursor)
        if (page === 0) next = { ...next, total: r.total }
        set({ window: evict(next, page, MAX_LOADED_PAGES), loadError: null })
      })()
        .catch((e: unknown) => set({ loadError: errorMessage(e) }))
        .finally(() => loading.delete(page))
      loading.set(page, p)
      return p
    }

    const ensureRows = async (first: number, last: number) => {
      const w = get().window
      const from = pageOf(w, Math.max(0, first))
      const count = rowCount(w)
      const to = pageOf(w, Math.max(0, count === 0 ? 0 : Math.min(last, count - 1)))
      for (let p = from; p <= to; p++) if (!get().window.pages.has(p)) await loadPage(p)
    }

    const focusAt = (index: number) => {
      const count = rowCount(get().window)
      const i = Math.max(0, Math.min(index, count - 1))
      const row = rowAt(get().window, i)
      set((s) => ({
        focus: i,
        focusKey: row === null ? s.focusKey : refKey(row),
        revealSeq: s.revealSeq + 1,
        detail: s.detail !== null && row !== null ? row : s.detail,
      }))
    }

    /**
     * Reloads the queue down to the focused row into a new window, swapped in whole (the list never
     * empties under the analyst), keeping the focused item focused, or its place when it left the queue.
     */
    const refresh = async () => {
      const { focus, filter } = get()
      const generation = get().generation + 1
      set({ generation })
      loading.clear()
      let w = emptyWindow<TriageItem>(TRIAGE_PAGE_SIZE)
      const lastPage = pageOf(w, focus)
      let cursor: string | undefined
      try {
        for (let page = 0; page <= lastPage; page++) {
          const r = await client.call('triage.list', {
            filter,
            limit: TRIAGE_PAGE_SIZE,
            ...(cursor === undefined ? {} : { cursor }),
          })
          if (get().generation !== generation) return
          w = withPage(w, page, r.items, r.nextCursor)
          if (page === 0) w = { ...w, total: r.nextCursor === null ? w.total : r.total }
          if (r.nextCursor === null) break
          cursor = r.nextCursor
        }
      } catch (e) {
        set({ loadError: errorMessage(e) })
        return
      }
      w = evict(w, lastPage, MAX_LOADED_PAGES)
      // The focus as it is now: the keys may have moved it while the pages loaded.
      const { focus: nowFocus, focusKey } = get()
      const id = focusKey?.slice(focusKey.indexOf(':') + 1)
      const at = id === undefined ? -1 : indexOfId(w, id)
      // The selection keeps what is still in the loaded rows of the queue.
      const selection = new Map(get().selection)
      for (const [k, ref] of selection) if (indexOfId(w, ref.id) < 0) selection.delete(k)
      set({ window: w, shownFilter: filter, loadError: null, selection })
      focusAt(at >= 0 ? at : nowFocus)
    }

    /** One move at a time: a key held down must not read a focus the previous move is changing. */
    let moving: Promise<void> = Promise.resolve()
    const move = async (delta: number, extend: boolean) => {
      const s = get()
      const next = Math.max(0, Math.min(s.focus + delta, rowCount(s.window) - 1))
      if (rowAt(s.window, next) === null) await ensureRows(next, next)
      if (extend) {
        const anchor = s.anchor ?? s.focus
        const sel = new Map(get().selection)
        const [lo, hi] = anchor < next ? [anchor, next] : [next, anchor]
        for (let i = lo; i <= hi; i++) {
          const row = rowAt(get().window, i)
          if (row !== null) sel.set(refKey(row), { kind: row.kind, id: row.id })
        }
        set({ selection: sel, anchor })
      } else set({ anchor: null })
      focusAt(next)
    }

    let timer: ReturnType<typeof setTimeout> | null = null
    const scheduleRefresh = () => {
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = null
        void refresh()
      }, REFRESH_DEBOUNCE_MS)
    }

    const targets = (): TriageRef[] => {
      const s = get()
      if (s.selection.size > 0) return [...s.selection.values()]
      const row = rowAt(s.window, s.focus)
      return row === null ? [] : [{ kind: row.kind, id: row.id }]
    }

    return {
      filter: {},
      shownFilter: null,
      window: emptyWindow(TRIAGE_PAGE_SIZE),
      generation: 0,
      loadError: null,
      focus: 0,
      focusKey: null,
      revealSeq: 0,
      selection: new Map(),
      anchor: null,
      detail: null,
      views: [],
      busy: false,

      start: () => {
        const offs = [
          client.on('alerts.onDidChange', scheduleRefresh),
          client.on('incidents.onDidChange', scheduleRefresh),
        ]
        void refresh().then(() => get().loadViews())
        return () => {
          for (const off of offs) off()
          if (timer !== null) clearTimeout(timer)
        }
      },
      setFilter: (filter) => {
        set({ filter, focus: 0, focusKey: null, selection: new Map(), anchor: null, detail: null })
        void refresh()
      },
      ensureRows,
      move: (delta, extend = false) => (moving = moving.then(() => move(delta, extend))),
      focusAt,
      toggleSelection: () => {
        const row = rowAt(get().window, get().focus)
        if (row === null) return
        const sel = new Map(get().selection)
        const key = refKey(row)
        if (sel.has(key)) sel.delete(key)
        else sel.set(key, { kind: row.kind, id: row.id })
        set({ selection: sel, anchor: null })
      },
      clearSelection: () => set({ selection: new Map(), anchor: null }),
      act: async (action, assignee) => {
        // On the row the keys moved to, not the one before the last move landed.
        await moving
        const items = targets()
        if (items.length === 0 || get().busy) return
        set({ busy: true })
        try {
          const r = await client.call('triage.act', {
            items,
            action,
            ...(assignee === undefined ? {} : { assignee }),
          })
          const skipped = r.results.filter((x) => x.outcome === 'skipped')
          if (skipped.length > 0 && r.changed === 0) onError(skipped[0]?.reason ?? 'Nothing to do')
          set({ selection: new Map(), anchor: null })
          await refresh()
        } catch (e) {
          onError(errorMessage(e))
        } finally {
          set({ busy: false })
        }
      },
      openDetail: () => set({ detail: rowAt(get().window, get().focus) }),
      closeDetail: () => set({ detail: null }),
      refresh,
      loadViews: async () => {
        try {
          set({ views: (await client.call('triage.listViews', {})).items })
        } catch (e) {
          onError(errorMessage(e))
        }
      },
      saveView: async (name) => {
        try {
          await client.call('triage.saveView', { name, filter: get().filter })
          await get().loadViews()
        } catch (e) {
          onError(errorMessage(e))
        }
      },
      applyView: (id) => {
        const v = get().views.find((x) => x.id === id)
        if (v !== undefined) get().setFilter(v.filter)
      },
      deleteView: async (id) => {
        try {
          await client.call('triage.deleteView', { id })
          await get().loadViews()
        } catch (e) {
          onError(errorMessage(e))
        }
      },
    }
  })
